// API key hygiene through the real server: last use is recorded (cheaply).
// A revocation reaching every server within the cache TTL is checked with two
// servers in multi_instance_e2e_test.cc.

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

class ApiKeyE2eTest : public E2eTest {
 protected:
  v1::ApiKey Listed(const std::string& key_id) {
    v1::ListApiKeysRequest request;
    request.set_page_size(100);
    v1::ListApiKeysResponse response;
    const grpc::Status status =
        client_->admin().ListApiKeys(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& key : response.api_keys()) {
      if (key.key_id() == key_id) return key;
    }
    ADD_FAILURE() << "key " << key_id << " not listed";
    return {};
  }

  static grpc::StatusCode GetCustomerCode(TestClient& client) {
    v1::GetCustomerRequest request;
    request.set_customer_id("nobody");
    v1::GetCustomerResponse response;
    return client.customers().GetCustomer(client.Context().get(), request, &response).error_code();
  }
};

TEST_F(ApiKeyE2eTest, LastUseIsRecordedOnceAMinuteNotPerCall) {
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  const std::string key_id = key.substr(3, 16);
  EXPECT_FALSE(Listed(key_id).has_last_use_time()) << "issued, never used";

  TestClient service = ClientWithKey(key);
  ASSERT_EQ(GetCustomerCode(service), grpc::StatusCode::NOT_FOUND);
  const v1::ApiKey used = Listed(key_id);
  ASSERT_TRUE(used.has_last_use_time());
  EXPECT_GE(used.last_use_time().seconds(), used.create_time().seconds());

  // Erase the record behind the server's back: the next calls within the
  // minute must not write it again.
  db_.Query("UPDATE api_keys SET last_used_at = NULL WHERE key_id = '" + key_id + "'");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(GetCustomerCode(service), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(db_.Query("SELECT count(last_used_at) FROM api_keys WHERE key_id = '" + key_id + "'"),
            "0");
}

}  // namespace
}  // namespace lifecycle::testing
