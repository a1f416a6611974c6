#include "server/api/retention_service.h"

#include <algorithm>
#include <utility>

#include "server/api/call_observer.h"
#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/retention_converters.h"
#include "server/api/retention_requests.h"
#include "server/api/signal_requests.h"
#include "server/domain/error.h"
#include "storage/health_store.h"
#include "storage/lifecycle_store.h"
#include "storage/retention_metrics_store.h"
#include "storage/retention_policy_store.h"
#include "storage/retention_sweep.h"
#include "storage/signal_ingest.h"
#include "storage/signal_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

constexpr std::size_t kDrivers = 5;
// Drivers are looked for among this many latest signals: older ones have
// decayed by many half-lives in any customer who signals this often.
constexpr int kDriverCandidates = 100;

domain::Timestamp Now() { return std::chrono::system_clock::now(); }

// Policy and ingest in the call's transaction.
storage::IngestResult Ingest(CallScope& call, const std::vector<domain::Signal>& signals) {
  auto result = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
    const auto policy = storage::RetentionPolicyStore(tx).Get(call.tenant_id());
    return storage::RecordSignals(tx, call.tenant_id(), policy, signals, Now());
  });
  if (auto* observer = CurrentCallObserver()) {
    observer->OnSignalsAccepted(
        std::count(result.fates.begin(), result.fates.end(), storage::SignalFate::kStored));
  }
  return result;
}

domain::Error CustomerNotFound(const std::string& customer_id) {
  return domain::Error::NotFound("customer '" + customer_id + "'");
}

}  // namespace

grpc::ServerUnaryReactor* RetentionService::RecordSignal(grpc::CallbackServerContext* context,
                                                         const v1::RecordSignalRequest* request,
                                                         v1::RecordSignalResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/RecordSignal",
                                Permission::kWriteCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::Signal signal = ValidateRecordSignal(*request, Now());
    call.set_request_id(signal.event_id);
    const auto result = Ingest(call, {signal});
    if (result.fates[0] == storage::SignalFate::kCustomerNotFound) {
      throw CustomerNotFound(signal.customer_id);
    }
    response->set_duplicate(result.fates[0] == storage::SignalFate::kDuplicate);
    response->set_reacquaintance_opportunity(!result.reacquainted.empty());
    if (!result.transitions.empty()) {
      *response->mutable_transition() = ToProto(result.transitions[0].transition);
    }
    auto stored = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      const auto policy = storage::RetentionPolicyStore(tx).Get(call.tenant_id());
      auto row = storage::HealthStore(tx).Get(call.tenant_id(), signal.customer_id);
      return row ? std::optional(ToProto(*row, policy, Now())) : std::nullopt;
    });
    if (stored) *response->mutable_health() = std::move(*stored);
  });
}

grpc::ServerUnaryReactor* RetentionService::RecordSignals(grpc::CallbackServerContext* context,
                                                          const v1::RecordSignalsRequest* request,
                                                          v1::RecordSignalsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/RecordSignals",
                                Permission::kWriteCustomers, storage::Lane::kBulkWrite};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    SignalBatch batch = ValidateRecordSignals(*request, Now());
    int accepted = 0;
    int duplicates = batch.repeated_in_batch;
    if (!batch.signals.empty()) {
      const auto result = Ingest(call, batch.signals);
      for (std::size_t i = 0; i < result.fates.size(); ++i) {
        switch (result.fates[i]) {
          case storage::SignalFate::kStored:
            ++accepted;
            break;
          case storage::SignalFate::kDuplicate:
            ++duplicates;
            break;
          case storage::SignalFate::kCustomerNotFound:
            batch.errors.push_back(
                {batch.indexes[i],
                 {"signals[" + std::to_string(batch.indexes[i]) + "].customer_id",
                  "no customer '" + batch.signals[i].customer_id + "'"},
                 "NOT_FOUND"});
            break;
        }
      }
      for (const auto& move : result.transitions)
        *response->add_transitions() = ToProto(move.transition);
      for (const auto& id : result.reacquainted) response->add_reacquaintance_customer_ids(id);
    }
    std::stable_sort(batch.errors.begin(), batch.errors.end(),
                     [](const auto& a, const auto& b) { return a.index < b.index; });
    for (const auto& error : batch.errors) {
      auto* out = response->add_errors();
      out->set_index(error.index);
      out->set_field(error.violation.field);
      out->set_description(error.violation.description);
      out->set_reason(error.reason);
    }
    response->set_accepted_count(accepted);
    response->set_duplicate_count(duplicates);
  });
}

grpc::ServerUnaryReactor* RetentionService::GetHealth(grpc::CallbackServerContext* context,
                                                      const v1::GetHealthRequest* request,
                                                      v1::GetHealthResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/GetHealth",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const HealthQuery query = ValidateGetHealth(*request);
    const auto now = Now();
    // Every read in one snapshot: the row, its history and its signals agree.
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      const auto& tenant = call.tenant_id();
      const auto stage = storage::LifecycleStore(tx).GetStage(tenant, query.customer_id);
      if (!stage) throw CustomerNotFound(query.customer_id);
      const auto policy = storage::RetentionPolicyStore(tx).Get(tenant);
      storage::HealthStore health(tx);
      const auto row = health.Get(tenant, query.customer_id);
      const domain::HealthState state = row ? row->state : domain::HealthState{};
      const auto view = domain::Evaluate(state, policy, now);
      auto* out = response->mutable_health();
      *out = row ? ToProto(*row, policy, now)
                 : BaselineHealth(query.customer_id, stage->stage, stage->segment_id, policy);
      const auto then = now - domain::kTrendWindow;
      const auto past = health.StateBefore(tenant, query.customer_id, then);
      out->set_trend(ToProto(domain::TrendOf(
          domain::Evaluate(past.value_or(domain::HealthState{}), policy, then).score, view.score)));

      const auto latest =
          storage::SignalStore(tx).Latest(tenant, query.customer_id, kDriverCandidates);
      for (const auto& driver : domain::TopDrivers(latest, policy.half_life, now, kDrivers)) {
        *response->add_drivers() = ToProto(driver);
      }
      const std::vector<domain::RecordedSignal> recent(
          latest.begin(),
          latest.begin() + std::min<std::size_t>(latest.size(), query.recent_signals));
      for (const auto& effect : domain::TopDrivers(recent, policy.half_life, now, recent.size())) {
        *response->add_recent_signals() = ToProto(effect);
      }
      // TopDrivers ranks by effect; recent signals are listed newest first.
      std::stable_sort(response->mutable_recent_signals()->begin(),
                       response->mutable_recent_signals()->end(), [](const auto& a, const auto& b) {
                         return FromProto(a.signal().occur_time()) >
                                FromProto(b.signal().occur_time());
                       });

      if (query.compare_time) {
        const auto before = health.StateBefore(tenant, query.customer_id, *query.compare_time);
        const auto day_start = std::chrono::floor<std::chrono::days>(*query.compare_time);
        const auto old =
            domain::Evaluate(before.value_or(domain::HealthState{}), policy, day_start);
        auto* comparison = response->mutable_comparison();
        *comparison->mutable_compare_time() = ToProto(day_start);
        comparison->set_score(old.score);
        comparison->set_band(ToProto(old.band));
        AddComponents(domain::Changes(old.breakdown, view.breakdown),
                      comparison->mutable_changes());
      }
    });
  });
}

grpc::ServerUnaryReactor* RetentionService::ListAtRiskCustomers(
    grpc::CallbackServerContext* context, const v1::ListAtRiskCustomersRequest* request,
    v1::ListAtRiskCustomersResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/ListAtRiskCustomers",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    std::string digest;
    const auto query = ValidateListAtRiskCustomers(*request, &digest);
    const auto now = Now();
    // The response is filled after the transaction, so running it again
    // (a retry, or on the primary after the read replica went away) adds
    // no row twice.
    auto [policy, rows] = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return std::pair{storage::RetentionPolicyStore(tx).Get(call.tenant_id()),
                       storage::HealthStore(tx).ListByBand(call.tenant_id(), query)};
    });
    const bool more = TrimToPage(rows, query.limit - 1);
    for (const auto& row : rows) *response->add_customers() = ToProto(row, policy, now);
    if (more) {
      response->set_next_page_token(
          AtRiskPageToken(digest, rows.back().score, rows.back().customer_id));
    }
  });
}

grpc::ServerUnaryReactor* RetentionService::GetRetentionPolicy(
    grpc::CallbackServerContext* context, const v1::GetRetentionPolicyRequest* request,
    v1::GetRetentionPolicyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/GetRetentionPolicy",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    *response->mutable_policy() =
        ToProto(call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
          return storage::RetentionPolicyStore(tx).Get(call.tenant_id());
        }));
  });
}

grpc::ServerUnaryReactor* RetentionService::UpdateRetentionPolicy(
    grpc::CallbackServerContext* context, const v1::UpdateRetentionPolicyRequest* request,
    v1::UpdateRetentionPolicyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/UpdateRetentionPolicy",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    CheckUpdateRetentionPolicy(*request);
    std::optional<std::int64_t> expected;
    if (request->has_expected_version()) expected = request->expected_version();
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::RetentionPolicyStore store(tx);
      const auto merged = MergePolicyUpdate(*request, store.Get(call.tenant_id()));
      *response->mutable_policy() = ToProto(store.Put(call.tenant_id(), merged, expected));
    });
  });
}

grpc::ServerUnaryReactor* RetentionService::RunRetentionSweep(
    grpc::CallbackServerContext* context, const v1::RunRetentionSweepRequest* request,
    v1::RunRetentionSweepResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/RunRetentionSweep",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto result = storage::SweepTenant(call.session(), call.Tx(), call.tenant_id(), Now());
    response->set_lapsed_count(result.lapsed);
    response->set_rescored_count(result.rescored);
  });
}

grpc::ServerUnaryReactor* RetentionService::GetRetentionMetrics(
    grpc::CallbackServerContext* context, const v1::GetRetentionMetricsRequest* request,
    v1::GetRetentionMetricsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.RetentionService/GetRetentionMetrics",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto query = ValidateGetRetentionMetrics(*request, Now());
    const auto counts = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::RetentionMetricsStore(tx).Count(call.tenant_id(), query.segment_id,
                                                      query.start, query.end);
    });
    auto* out = response->mutable_metrics();
    out->set_active_customers(counts.active_customers);
    out->set_purchasing_customers(counts.purchasing_customers);
    out->set_repeat_customers(counts.repeat_customers);
    out->set_repeat_purchase_rate(counts.purchasing_customers == 0
                                      ? 0
                                      : double(counts.repeat_customers) /
                                            double(counts.purchasing_customers));
    out->set_average_score(counts.average_score);
    for (const auto& [band, count] : counts.bands) {
      auto* added = out->add_band_counts();
      added->set_band(ToProto(band));
      added->set_count(count);
    }
    out->set_lapsed_count(counts.lapsed);
    out->set_nps_responses(counts.nps_responses);
    out->set_nps(
        domain::NetPromoterScore(counts.promoters, counts.detractors, counts.nps_responses));
  });
}

}  // namespace lifecycle::api
