// OnboardingService: customers' checklists and steps, support follow-ups,
// the overdue work queue and the onboarding metrics.

#include "server/api/onboarding_service.h"

#include "server/api/converters.h"
#include "server/api/onboarding_proto.h"
#include "server/api/onboarding_requests.h"
#include "server/api/page_token.h"
#include "server/api/step_resolution.h"
#include "server/domain/error.h"
#include "storage/follow_up_store.h"
#include "storage/lifecycle_store.h"
#include "storage/onboarding_metrics_store.h"
#include "storage/onboarding_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

// CompleteStep and SkipStep: the same path, with the caller as actor.
template <class Request, class Response>
void ResolveStepCall(CallScope& call, const Request& request, Response* response,
                     domain::StepResolution resolution) {
  resolution.actor = call.principal().key_id;
  resolution.actor_role = call.principal().role;
  call.Idempotent(request, request.request_id(), response, [&](storage::Transaction& tx) {
    const StepOutcome outcome = ResolveStep(tx, call.tenant_id(), resolution);
    *response->mutable_checklist() = ToProto(outcome.checklist, std::chrono::system_clock::now());
    if (outcome.moved) *response->mutable_transition() = ToProto(outcome.moved->transition);
  });
}

}  // namespace

grpc::ServerUnaryReactor* OnboardingService::GetChecklist(grpc::CallbackServerContext* context,
                                                          const v1::GetChecklistRequest* request,
                                                          v1::GetChecklistResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/GetChecklist",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const std::string customer_id = ValidateGetChecklist(*request);
    auto checklist = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      if (!storage::LifecycleStore(tx).CustomerExists(call.tenant_id(), customer_id)) {
        throw domain::Error::NotFound("customer '" + customer_id + "'");
      }
      return storage::OnboardingStore(tx).Latest(call.tenant_id(), customer_id);
    });
    if (!checklist) {
      throw domain::Error::NotFound("onboarding checklist of customer '" + customer_id +
                                    "' (never onboarded)");
    }
    *response->mutable_checklist() = ToProto(*checklist, std::chrono::system_clock::now());
  });
}

grpc::ServerUnaryReactor* OnboardingService::CompleteStep(grpc::CallbackServerContext* context,
                                                          const v1::CompleteStepRequest* request,
                                                          v1::CompleteStepResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/CompleteStep",
                                Permission::kMoveCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    ResolveStepCall(call, *request, response, ValidateCompleteStep(*request));
  });
}

grpc::ServerUnaryReactor* OnboardingService::SkipStep(grpc::CallbackServerContext* context,
                                                      const v1::SkipStepRequest* request,
                                                      v1::SkipStepResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/SkipStep",
                                Permission::kMoveCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    ResolveStepCall(call, *request, response, ValidateSkipStep(*request));
  });
}

grpc::ServerUnaryReactor* OnboardingService::LogFollowUp(grpc::CallbackServerContext* context,
                                                         const v1::LogFollowUpRequest* request,
                                                         v1::LogFollowUpResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/LogFollowUp",
                                Permission::kSupportActions};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    domain::FollowUp follow_up = ValidateLogFollowUp(*request);
    follow_up.logged_by = call.principal().key_id;
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_follow_up() =
          ToProto(storage::FollowUpStore(tx).Log(call.tenant_id(), follow_up));
    });
  });
}

grpc::ServerUnaryReactor* OnboardingService::ListFollowUps(grpc::CallbackServerContext* context,
                                                           const v1::ListFollowUpsRequest* request,
                                                           v1::ListFollowUpsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/ListFollowUps",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const FollowUpListQuery query = ValidateListFollowUps(*request);
    // Existence check and page in one snapshot.
    auto follow_ups = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      if (!storage::LifecycleStore(tx).CustomerExists(call.tenant_id(), query.customer_id)) {
        throw domain::Error::NotFound("customer '" + query.customer_id + "'");
      }
      return storage::FollowUpStore(tx).List(call.tenant_id(), query.customer_id, query.before,
                                             query.page_size + 1);
    });
    const bool more = TrimToPage(follow_ups, query.page_size);
    for (const auto& follow_up : follow_ups) *response->add_follow_ups() = ToProto(follow_up);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {std::to_string(follow_ups.back().follow_up_id)}));
    }
  });
}

grpc::ServerUnaryReactor* OnboardingService::ListOverdueSteps(
    grpc::CallbackServerContext* context, const v1::ListOverdueStepsRequest* request,
    v1::ListOverdueStepsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/ListOverdueSteps",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const OverdueQuery query = ValidateListOverdueSteps(*request);
    const auto now = std::chrono::system_clock::now();
    auto steps = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::OnboardingStore(tx).Overdue(call.tenant_id(), query.segment_id, now,
                                                  query.after, query.page_size + 1);
    });
    const bool more = TrimToPage(steps, query.page_size);
    for (const auto& step : steps) *response->add_steps() = ToProto(step, now);
    if (more) {
      const storage::OverdueStep& last = steps.back();
      response->set_next_page_token(EncodePageToken(
          query.query_digest, {std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  last.step.due_time.time_since_epoch())
                                                  .count()),
                               last.customer_id, std::to_string(last.position + 1)}));
    }
  });
}

grpc::ServerUnaryReactor* OnboardingService::GetOnboardingMetrics(
    grpc::CallbackServerContext* context, const v1::GetOnboardingMetricsRequest* request,
    v1::GetOnboardingMetricsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/GetOnboardingMetrics",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const MetricsQuery query = ValidateGetOnboardingMetrics(*request);
    // Its three reads share one snapshot, so the numbers agree.
    const auto metrics = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return storage::OnboardingMetricsStore(tx).Compute(call.tenant_id(), query.segment_id,
                                                         query.start, query.end);
    });
    *response->mutable_metrics() =
        ToProto(metrics, query.segment_id.value_or(""), query.start, query.end);
  });
}

}  // namespace lifecycle::api
