#include "server/api/admin_service.h"

#include "server/api/api_key_issuer.h"
#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"
#include "storage/api_key_store.h"
#include "storage/sql_time.h"
#include "storage/tenant_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

struct CreateKeyCommand {
  domain::Role role = domain::Role::kReadonly;
  std::optional<domain::Timestamp> expire_time;
};

CreateKeyCommand ValidateCreateApiKey(const v1::CreateApiKeyRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (auto why = domain::CheckDisplayText(request.display_name(), domain::kMaxDisplayNameLength)) {
    violations.Add("display_name", *why);
  }
  CreateKeyCommand command;
  if (auto role = domain::RoleFromNumber(request.role())) {
    command.role = *role;
  } else {
    violations.Add("role", request.role() == v1::ROLE_UNSPECIFIED
                               ? "is required"
                               : "unknown role " + std::to_string(request.role()));
  }
  if (request.has_expire_time()) {
    if (!IsValidTimestamp(request.expire_time())) {
      violations.Add("expire_time", "is not a valid timestamp");
    } else {
      command.expire_time = FromProto(request.expire_time());
      if (*command.expire_time <= std::chrono::system_clock::now()) {
        violations.Add("expire_time", "must be in the future");
      }
    }
  }
  std::move(violations).ThrowIfAny();
  return command;
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::GetTenant(grpc::CallbackServerContext* context,
                                                  const v1::GetTenantRequest* request,
                                                  v1::GetTenantResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.AdminService/GetTenant", Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    auto tenant = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::TenantStore(tx).Get(call.tenant_id());
    });
    if (!tenant) throw domain::Error::NotFound("tenant");
    *response->mutable_tenant() = ToProto(*tenant);
  });
}

grpc::ServerUnaryReactor* AdminService::CreateApiKey(grpc::CallbackServerContext* context,
                                                     const v1::CreateApiKeyRequest* request,
                                                     v1::CreateApiKeyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.AdminService/CreateApiKey",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto command = ValidateCreateApiKey(*request);
    call.Idempotent(
        *request, request->request_id(), response,
        [&](storage::Transaction& tx) {
          IssuedKey issued = IssueApiKey(tx, call.tenant_id(), request->display_name(),
                                         command.role, command.expire_time);
          *response->mutable_api_key() = ToProto(issued.key);
          response->set_secret(issued.token);
        },
        [](google::protobuf::Message& kept) {
          static_cast<v1::CreateApiKeyResponse&>(kept).clear_secret();
        });
  });
}

grpc::ServerUnaryReactor* AdminService::RevokeApiKey(grpc::CallbackServerContext* context,
                                                     const v1::RevokeApiKeyRequest* request,
                                                     v1::RevokeApiKeyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.AdminService/RevokeApiKey",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    domain::Violations violations;
    CheckRequestId(violations, request->request_id());
    CheckId(violations, "key_id", request->key_id());
    std::move(violations).ThrowIfAny();
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_api_key() =
          ToProto(storage::ApiKeyStore(tx).Revoke(call.tenant_id(), request->key_id()));
    });
  });
}

grpc::ServerUnaryReactor* AdminService::ListApiKeys(grpc::CallbackServerContext* context,
                                                    const v1::ListApiKeysRequest* request,
                                                    v1::ListApiKeysResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.AdminService/ListApiKeys",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    domain::Violations violations;
    const int page_size = CheckPageSize(violations, request->page_size());
    std::move(violations).ThrowIfAny();
    constexpr std::string_view kQuery = "api_keys";
    std::optional<storage::ApiKeyCursor> after;
    if (!request->page_token().empty()) {
      auto position = DecodePageToken(request->page_token(), kQuery, 2);
      const std::int64_t micros = PositivePosition(position[0]);
      after = storage::ApiKeyCursor{storage::FromEpochMicros(micros), position[1]};
    }
    auto keys = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::ApiKeyStore(tx).List(call.tenant_id(), after, page_size + 1);
    });
    const bool more = TrimToPage(keys, page_size);
    for (const auto& key : keys) *response->add_api_keys() = ToProto(key);
    if (more) {
      response->set_next_page_token(EncodePageToken(
          kQuery,
          {std::to_string(storage::ToEpochMicros(keys.back().create_time)), keys.back().key_id}));
    }
  });
}

}  // namespace lifecycle::api
