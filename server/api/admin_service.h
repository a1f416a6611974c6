#pragma once

#include "lifecycle/v1/admin.grpc.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

class AdminService final : public v1::AdminService::CallbackService {
 public:
  explicit AdminService(CallRunner& calls) : calls_(calls) {}

  grpc::ServerUnaryReactor* GetTenant(grpc::CallbackServerContext* context,
                                      const v1::GetTenantRequest* request,
                                      v1::GetTenantResponse* response) override;
  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* context,
                                         const v1::CreateApiKeyRequest* request,
                                         v1::CreateApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(grpc::CallbackServerContext* context,
                                         const v1::RevokeApiKeyRequest* request,
                                         v1::RevokeApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* context,
                                        const v1::ListApiKeysRequest* request,
                                        v1::ListApiKeysResponse* response) override;

 private:
  CallRunner& calls_;
};

}  // namespace lifecycle::api
