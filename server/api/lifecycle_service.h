#pragma once

#include "lifecycle/v1/lifecycle.grpc.pb.h"
#include "server/api/call.h"
#include "server/api/stage_lookups.h"
#include "server/api/watch_hub.h"

namespace lifecycle::api {

class LifecycleService final : public v1::LifecycleService::CallbackService {
 public:
  LifecycleService(CallRunner& calls, WatchHub& hub)
      : calls_(calls), hub_(hub), stage_lookups_(calls) {}

  grpc::ServerUnaryReactor* GetCustomerStage(grpc::CallbackServerContext* context,
                                             const v1::GetCustomerStageRequest* request,
                                             v1::GetCustomerStageResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetCustomerStages(
      grpc::CallbackServerContext* context, const v1::BatchGetCustomerStagesRequest* request,
      v1::BatchGetCustomerStagesResponse* response) override;
  grpc::ServerUnaryReactor* TransitionCustomer(grpc::CallbackServerContext* context,
                                               const v1::TransitionCustomerRequest* request,
                                               v1::TransitionCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListStageHistory(grpc::CallbackServerContext* context,
                                             const v1::ListStageHistoryRequest* request,
                                             v1::ListStageHistoryResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchLifecycleEventsResponse>* WatchLifecycleEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchLifecycleEventsRequest* request) override;

 private:
  CallRunner& calls_;
  WatchHub& hub_;
  StageLookups stage_lookups_;  // GetCustomerStage without as_of
};

}  // namespace lifecycle::api
