#pragma once

#include "lifecycle/v1/retention.grpc.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

class RetentionService final : public v1::RetentionService::CallbackService {
 public:
  explicit RetentionService(CallRunner& calls) : calls_(calls) {}

  grpc::ServerUnaryReactor* RecordSignal(grpc::CallbackServerContext* context,
                                         const v1::RecordSignalRequest* request,
                                         v1::RecordSignalResponse* response) override;
  grpc::ServerUnaryReactor* RecordSignals(grpc::CallbackServerContext* context,
                                          const v1::RecordSignalsRequest* request,
                                          v1::RecordSignalsResponse* response) override;
  grpc::ServerUnaryReactor* GetHealth(grpc::CallbackServerContext* context,
                                      const v1::GetHealthRequest* request,
                                      v1::GetHealthResponse* response) override;
  grpc::ServerUnaryReactor* ListAtRiskCustomers(grpc::CallbackServerContext* context,
                                                const v1::ListAtRiskCustomersRequest* request,
                                                v1::ListAtRiskCustomersResponse* response) override;
  grpc::ServerUnaryReactor* GetRetentionPolicy(grpc::CallbackServerContext* context,
                                               const v1::GetRetentionPolicyRequest* request,
                                               v1::GetRetentionPolicyResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRetentionPolicy(
      grpc::CallbackServerContext* context, const v1::UpdateRetentionPolicyRequest* request,
      v1::UpdateRetentionPolicyResponse* response) override;
  grpc::ServerUnaryReactor* RunRetentionSweep(grpc::CallbackServerContext* context,
                                              const v1::RunRetentionSweepRequest* request,
                                              v1::RunRetentionSweepResponse* response) override;
  grpc::ServerUnaryReactor* GetRetentionMetrics(grpc::CallbackServerContext* context,
                                                const v1::GetRetentionMetricsRequest* request,
                                                v1::GetRetentionMetricsResponse* response) override;

 private:
  CallRunner& calls_;
};

}  // namespace lifecycle::api
