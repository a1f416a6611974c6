// Authentication and authorisation through the real server: keys come from
// `authorization: Bearer`, the tenant comes from the key, roles gate RPCs.

#include <google/protobuf/util/time_util.h>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

grpc::Status GetCustomer(TestClient& client, const std::string& customer_id) {
  v1::GetCustomerRequest request;
  request.set_customer_id(customer_id);
  v1::GetCustomerResponse response;
  return client.customers().GetCustomer(client.Context().get(), request, &response);
}

grpc::Status CreateCustomer(TestClient& client, const std::string& customer_id) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id(customer_id);
  request.set_request_id(NewRequestId());
  v1::CreateCustomerResponse response;
  return client.customers().CreateCustomer(client.Context().get(), request, &response);
}

class AuthE2eTest : public E2eTest {};

TEST_F(AuthE2eTest, MissingKeyIsUnauthenticated) {
  TestClient anonymous = ClientWithKey("");
  EXPECT_EQ(GetCustomer(anonymous, "c-1").error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthE2eTest, MalformedAndUnknownKeysAreUnauthenticated) {
  const std::string unknown = "lc_0123456789abcdef_" + std::string(64, 'a');
  std::string wrong_secret = admin_key_;
  wrong_secret.back() = wrong_secret.back() == 'a' ? 'b' : 'a';
  for (const std::string& key : {std::string("not-a-key"), unknown, wrong_secret}) {
    TestClient client = ClientWithKey(key);
    EXPECT_EQ(GetCustomer(client, "c-1").error_code(), StatusCode::UNAUTHENTICATED) << key;
  }
}

TEST_F(AuthE2eTest, RevokedKeyStopsWorkingWithinTheCacheTtl) {
  StartServer({"--auth-cache-ttl-ms", "200"});
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  TestClient service = ClientWithKey(key);
  ASSERT_EQ(GetCustomer(service, "c-1").error_code(), StatusCode::NOT_FOUND);

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(key.substr(3, 16));
  revoke.set_request_id(NewRequestId());
  v1::RevokeApiKeyResponse revoked;
  ASSERT_TRUE(client_->admin().RevokeApiKey(client_->Context().get(), revoke, &revoked).ok());
  EXPECT_TRUE(revoked.api_key().has_revoke_time());

  EXPECT_TRUE(WaitFor(
      [&] { return GetCustomer(service, "c-1").error_code() == StatusCode::UNAUTHENTICATED; },
      std::chrono::seconds(2)));
}

TEST_F(AuthE2eTest, ExpiredKeyIsUnauthenticated) {
  StartServer({"--auth-cache-ttl-ms", "0"});
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  TestClient service = ClientWithKey(key);
  ASSERT_EQ(GetCustomer(service, "c-1").error_code(), StatusCode::NOT_FOUND);
  db_.Query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_id = '" +
            key.substr(3, 16) + "'");
  EXPECT_EQ(GetCustomer(service, "c-1").error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthE2eTest, RolesGateEachKindOfCall) {
  client_->CreateCustomer("c-1");
  TestClient readonly = ClientWithKey(KeyWithRole(v1::ROLE_READONLY));
  TestClient support = ClientWithKey(KeyWithRole(v1::ROLE_SUPPORT));
  TestClient service = ClientWithKey(KeyWithRole(v1::ROLE_SERVICE));

  EXPECT_TRUE(GetCustomer(readonly, "c-1").ok());
  EXPECT_EQ(CreateCustomer(readonly, "c-2").error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(GetCustomer(support, "c-1").ok());
  EXPECT_EQ(CreateCustomer(support, "c-2").error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CreateCustomer(service, "c-2").ok());

  v1::ListApiKeysRequest list;
  v1::ListApiKeysResponse keys;
  EXPECT_EQ(service.admin().ListApiKeys(service.Context().get(), list, &keys).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(client_->admin().ListApiKeys(client_->Context().get(), list, &keys).ok());
  EXPECT_EQ(keys.api_keys_size(), 4);  // bootstrap admin + three
}

TEST_F(AuthE2eTest, AnotherTenantSeesNothingOfThisOne) {
  client_->CreateCustomer("shared-id", R"({"owner":"acme"})");
  TestClient other = ClientWithKey(NewTenantKey("Globex"));

  EXPECT_EQ(GetCustomer(other, "shared-id").error_code(), StatusCode::NOT_FOUND);

  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_customer_id("shared-id");
  update.set_request_id(NewRequestId());
  v1::UpdateCustomerResponse updated;
  EXPECT_EQ(other.customers().UpdateCustomer(other.Context().get(), update, &updated).error_code(),
            StatusCode::NOT_FOUND);

  v1::ListCustomersRequest list;
  v1::ListCustomersResponse listed;
  ASSERT_TRUE(other.customers().ListCustomers(other.Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.customers_size(), 0);

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(tenant_.admin_key.key.key_id);
  revoke.set_request_id(NewRequestId());
  v1::RevokeApiKeyResponse revoked;
  EXPECT_EQ(other.admin().RevokeApiKey(other.Context().get(), revoke, &revoked).error_code(),
            StatusCode::NOT_FOUND);

  // The same customer id is free in the other tenant, and stays separate.
  EXPECT_TRUE(CreateCustomer(other, "shared-id").ok());
  v1::GetCustomerRequest get;
  get.set_customer_id("shared-id");
  v1::GetCustomerResponse mine;
  ASSERT_TRUE(client_->customers().GetCustomer(client_->Context().get(), get, &mine).ok());
  EXPECT_EQ(mine.customer().attributes().fields().at("owner").string_value(), "acme");
}

TEST_F(AuthE2eTest, CreateApiKeyShowsTheSecretOnceAndRetriesKeepTheKey) {
  v1::CreateApiKeyRequest request;
  request.set_display_name("billing service");
  request.set_role(v1::ROLE_SERVICE);
  request.set_request_id(NewRequestId());
  v1::CreateApiKeyResponse first;
  v1::CreateApiKeyResponse retry;
  ASSERT_TRUE(client_->admin().CreateApiKey(client_->Context().get(), request, &first).ok());
  ASSERT_TRUE(client_->admin().CreateApiKey(client_->Context().get(), request, &retry).ok());
  EXPECT_EQ(first.api_key().key_id(), retry.api_key().key_id());
  EXPECT_FALSE(first.secret().empty());
  EXPECT_TRUE(retry.secret().empty());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM api_keys WHERE display_name = 'billing service'"), "1");
  // The stored retry record holds no secret.
  EXPECT_EQ(db_.Query("SELECT count(*) FROM idempotency_keys WHERE position('" + first.secret() +
                      "'::bytea IN response) > 0"),
            "0");
}

TEST_F(AuthE2eTest, CreateApiKeyRejectsBadInput) {
  struct Case {
    std::string name;
    std::function<void(v1::CreateApiKeyRequest&)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no display name", [](auto& r) { r.clear_display_name(); }, "display_name"},
      {"long display name", [](auto& r) { r.set_display_name(std::string(201, 'x')); },
       "display_name"},
      {"no role", [](auto& r) { r.set_role(v1::ROLE_UNSPECIFIED); }, "role"},
      {"unknown role", [](auto& r) { r.set_role(static_cast<v1::Role>(42)); }, "role"},
      {"past expiry",
       [](auto& r) {
         *r.mutable_expire_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1);
       },
       "expire_time"},
      {"no request id", [](auto& r) { r.clear_request_id(); }, "request_id"},
  };
  for (const auto& c : cases) {
    v1::CreateApiKeyRequest request;
    request.set_display_name("ok");
    request.set_role(v1::ROLE_READONLY);
    request.set_request_id(NewRequestId());
    c.spoil(request);
    v1::CreateApiKeyResponse response;
    const grpc::Status status =
        client_->admin().CreateApiKey(client_->Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{c.field}) << c.name;
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM api_keys"), "1");
}

}  // namespace
}  // namespace lifecycle::testing
