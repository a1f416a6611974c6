#include "server/api/lifecycle_service.h"

#include <unordered_set>

#include "server/api/converters.h"
#include "server/api/lifecycle_requests.h"
#include "server/api/lifecycle_watch.h"
#include "server/api/page_token.h"
#include "server/domain/error.h"
#include "storage/customer_erasure.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::api {

using domain::Permission;

grpc::ServerUnaryReactor* LifecycleService::GetCustomerStage(
    grpc::CallbackServerContext* context, const v1::GetCustomerStageRequest* request,
    v1::GetCustomerStageResponse* response) {
  // "What stage is this customer in now": the hot path, answered in batches.
  if (!request->has_as_of()) return stage_lookups_.Lookup(context, request, response);
  return calls_.Unary(context, kGetCustomerStage, [=](CallScope& call) {
    const auto query = ValidateGetCustomerStage(*request);
    auto stage = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::LifecycleStore(tx).GetStageAsOf(call.tenant_id(), query.customer_id,
                                                      *query.as_of);
    });
    if (!stage) throw domain::Error::NotFound("customer '" + query.customer_id + "' at as_of");
    *response->mutable_customer_stage() = ToProto(*stage, *query.as_of);
  });
}

grpc::ServerUnaryReactor* LifecycleService::BatchGetCustomerStages(
    grpc::CallbackServerContext* context, const v1::BatchGetCustomerStagesRequest* request,
    v1::BatchGetCustomerStagesResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.LifecycleService/BatchGetCustomerStages",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto ids = ValidateBatchGetCustomerStages(*request);
    const auto stages = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::LifecycleStore(tx).GetStages(call.tenant_id(), ids);
    });
    const auto now = std::chrono::system_clock::now();
    std::unordered_set<std::string> found;
    for (const auto& stage : stages) {
      found.insert(stage.customer_id);
      *response->add_customer_stages() = ToProto(stage, now);
    }
    for (const auto& id : ids) {
      if (!found.contains(id)) response->add_missing_customer_ids(id);
    }
  });
}

grpc::ServerUnaryReactor* LifecycleService::TransitionCustomer(
    grpc::CallbackServerContext* context, const v1::TransitionCustomerRequest* request,
    v1::TransitionCustomerResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.LifecycleService/TransitionCustomer",
                                Permission::kMoveCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    domain::TransitionCommand command = ValidateTransitionCustomer(*request);
    command.actor = call.principal().key_id;
    command.actor_role = call.principal().role;
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      const auto outcome = storage::LifecycleStore(tx).Apply(call.tenant_id(), command);
      *response->mutable_customer_stage() = ToProto(outcome.stage, outcome.stage.stage_enter_time);
      *response->mutable_transition() = ToProto(outcome.transition);
    });
  });
}

grpc::ServerUnaryReactor* LifecycleService::ListStageHistory(
    grpc::CallbackServerContext* context, const v1::ListStageHistoryRequest* request,
    v1::ListStageHistoryResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.LifecycleService/ListStageHistory",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto query = ValidateListStageHistory(*request);
    // Both reads in one transaction: the existence check and the page agree.
    auto transitions = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::LifecycleStore store(tx);
      if (!store.CustomerExists(call.tenant_id(), query.customer_id)) {
        throw domain::Error::NotFound("customer '" + query.customer_id + "'");
      }
      if (auto erasure =
              storage::CustomerErasureStore(tx).Find(call.tenant_id(), query.customer_id)) {
        *response->mutable_erasure() = ToProto(*erasure);
      }
      return store.History(call.tenant_id(), query.customer_id, query.before, query.page_size + 1);
    });
    const bool more = TrimToPage(transitions, query.page_size);
    for (const auto& transition : transitions) *response->add_transitions() = ToProto(transition);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {std::to_string(transitions.back().sequence)}));
    }
  });
}

grpc::ServerWriteReactor<v1::WatchLifecycleEventsResponse>* LifecycleService::WatchLifecycleEvents(
    grpc::CallbackServerContext* context, const v1::WatchLifecycleEventsRequest* request) {
  return new LifecycleWatch(context, calls_, hub_, *request);
}

}  // namespace lifecycle::api
