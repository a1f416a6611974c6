#include "server/app/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "server/api/status_mapping.h"
#include "server/api/structured_log.h"
#include "server/domain/error.h"
#include "storage/database_stats.h"
#include "storage/stage_counts.h"

namespace lifecycle::app {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// From 1 ms (a cached read) to 10 s (a long deadline).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

ClientMetric Sample(double value, MetricType type, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric sample;
  sample.label = std::move(labels);
  if (type == MetricType::Counter) {
    sample.counter.value = value;
  } else {
    sample.gauge.value = value;
  }
  return sample;
}

// Values that live elsewhere (the pool, storage's failure counters), read at
// scrape time so they are never stale.
class LiveValues : public prometheus::Collectable {
 public:
  LiveValues(storage::SessionPool& pool, const storage::ReadReplica* replica)
      : pool_(pool), replica_(replica) {}

  std::vector<MetricFamily> Collect() const override {
    const auto stats = pool_.CurrentStats();
    std::vector<MetricFamily> families;
    families.push_back({"lifecycled_db_pool_connections",
                        "Database connections (= workers) of the call pool, by state",
                        MetricType::Gauge,
                        {Sample(stats.busy, MetricType::Gauge, {{"state", "in_use"}}),
                         Sample(stats.size - stats.busy, MetricType::Gauge, {{"state", "idle"}})}});
    families.push_back({"lifecycled_db_pool_waiting_calls",
                        "Calls queued for a free worker (bounded by --queue-capacity)",
                        MetricType::Gauge,
                        {Sample(static_cast<double>(stats.waiting), MetricType::Gauge)}});
    MetricFamily failures{"lifecycled_db_errors_total",
                          "Database failures seen by the service, by kind",
                          MetricType::Counter,
                          {}};
    const auto totals = storage::DatabaseFailureTotals();
    for (std::size_t i = 0; i < totals.size(); ++i) {
      const auto kind = storage::DatabaseFailureName(static_cast<storage::DatabaseFailure>(i));
      failures.metric.push_back(Sample(static_cast<double>(totals[i]), MetricType::Counter,
                                       {{"kind", std::string(kind)}}));
    }
    families.push_back(std::move(failures));
    if (replica_) AddReadReplica(families);
    return families;
  }

 private:
  void AddReadReplica(std::vector<MetricFamily>& families) const {
    const auto totals = replica_->CurrentTotals();
    families.push_back(
        {"lifecycled_read_replica_calls_total",
         "Replica-safe calls by where they read: replica, or primary (replica stale or away)",
         MetricType::Counter,
         {Sample(static_cast<double>(totals.replica_reads), MetricType::Counter,
                 {{"served_by", "replica"}}),
          Sample(static_cast<double>(totals.primary_fallbacks), MetricType::Counter,
                 {{"served_by", "primary"}})}});
    families.push_back({"lifecycled_read_replica_in_use",
                        "1 while the replica is proven within --read-max-lag-ms",
                        MetricType::Gauge,
                        {Sample(totals.fresh ? 1 : 0, MetricType::Gauge)}});
    families.push_back(
        {"lifecycled_read_replica_lag_seconds",
         "Upper bound of the replica's staleness (-1: never proven)",
         MetricType::Gauge,
         {Sample(totals.lag_ms < 0 ? -1 : totals.lag_ms / 1000, MetricType::Gauge)}});
  }

  storage::SessionPool& pool_;
  const storage::ReadReplica* replica_;
};

}  // namespace

Metrics::Metrics(const std::string& listen, storage::SessionPool& pool,
                 storage::SessionOptions session, std::chrono::milliseconds refresh,
                 const storage::ReadReplica* replica)
    : registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter()
                 .Name("lifecycled_rpc_calls_total")
                 .Help("Finished calls by gRPC method and status code")
                 .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("lifecycled_rpc_latency_seconds")
                   .Help("Call latency from arrival to answer (queueing included), by method")
                   .Register(*registry_)),
      signals_accepted_(prometheus::BuildCounter()
                            .Name("lifecycled_signals_accepted_total")
                            .Help("Signals stored by RecordSignal(s) (duplicates not counted)")
                            .Register(*registry_)
                            .Add({})),
      customers_(prometheus::BuildGauge()
                     .Name("lifecycled_customers")
                     .Help("Customers per lifecycle stage, all tenants (refreshed periodically)")
                     .Register(*registry_)),
      stage_refresh_failures_(prometheus::BuildGauge()
                                  .Name("lifecycled_stage_counts_stale")
                                  .Help("1 when the last refresh of lifecycled_customers failed")
                                  .Register(*registry_)
                                  .Add({})),
      live_(std::make_shared<LiveValues>(pool, replica)),
      session_(std::move(session)) {
  for (const auto stage : domain::kAllStages) {
    customers_.Add({{"stage", std::string(domain::StageName(stage))}});
  }
  exposer_ = std::make_unique<prometheus::Exposer>(listen);
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(live_);
  RefreshStageCounts();
  stage_refresh_ = std::make_unique<PeriodicTask>(refresh, [this] { RefreshStageCounts(); });
}

Metrics::~Metrics() { Stop(); }

void Metrics::Stop() {
  if (stage_refresh_) stage_refresh_->Stop();
}

int Metrics::port() const {
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void Metrics::OnCall(std::string_view method, grpc::StatusCode code,
                     std::chrono::duration<double> latency) {
  const std::string name(method);
  calls_.Add({{"method", name}, {"code", std::string(api::StatusCodeName(code))}}).Increment();
  latency_.Add({{"method", name}}, kLatencyBuckets).Observe(latency.count());
}

void Metrics::OnSignalsAccepted(std::int64_t count) {
  signals_accepted_.Increment(static_cast<double>(count));
}

void Metrics::RefreshStageCounts() {
  try {
    const auto counts =
        session_.Run(storage::TxOptions{.timeout = std::chrono::seconds(30), .single_read = true},
                     [](storage::Transaction& tx) { return storage::CountCustomersByStage(tx); });
    for (const auto& [stage, count] : counts) {
      customers_.Add({{"stage", std::string(domain::StageName(stage))}})
          .Set(static_cast<double>(count));
    }
    stage_refresh_failures_.Set(0);
  } catch (const domain::Error& error) {
    // The gauges keep their last values; the database may be away.
    stage_refresh_failures_.Set(1);
    api::LogEvent(spdlog::level::warn, "stage_counts_failed", {{"error", error.message()}});
  }
}

}  // namespace lifecycle::app
