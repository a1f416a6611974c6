#pragma once

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>

#include "server/api/call_observer.h"
#include "server/app/periodic_task.h"
#include "storage/read_replica.h"
#include "storage/session.h"
#include "storage/session_pool.h"

namespace lifecycle::app {

// Prometheus metrics over HTTP (GET /metrics) on a port of their own
// (--metrics-listen). Names and labels are listed in docs/operations.md:
// calls by method and code, latency histograms, the session pool, database
// failures, accepted signals and customers per stage.
class Metrics : public api::CallObserver {
 public:
  // Binds `listen` (host:port; port 0 picks one). Stage counts are
  // refreshed every `refresh` on a connection of their own.
  // `replica` (--read-dsn), when given, adds the lifecycled_read_replica_* metrics.
  Metrics(const std::string& listen, storage::SessionPool& pool, storage::SessionOptions session,
          std::chrono::milliseconds refresh, const storage::ReadReplica* replica = nullptr);
  ~Metrics() override;

  int port() const;
  // Stops the stage refresh; the endpoint stays up until destruction.
  void Stop();

  void OnCall(std::string_view method, grpc::StatusCode code,
              std::chrono::duration<double> latency) override;
  void OnSignalsAccepted(std::int64_t count) override;

 private:
  void RefreshStageCounts();

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Counter& signals_accepted_;
  prometheus::Family<prometheus::Gauge>& customers_;
  prometheus::Gauge& stage_refresh_failures_;
  std::shared_ptr<prometheus::Collectable> live_;  // pool and database failures, read per scrape
  storage::Session session_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<PeriodicTask> stage_refresh_;
};

}  // namespace lifecycle::app
