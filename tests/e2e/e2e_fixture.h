#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/api/api_key_issuer.h"
#include "tests/support/grpc_test_client.h"
#include "tests/support/server_process.h"
#include "tests/support/test_database.h"

namespace lifecycle::testing {

// A fresh database, one tenant with an admin key, and the real server.
class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(std::vector<std::string> extra_args) {
    server_.reset();
    server_ = std::make_unique<ServerProcess>(db_.dsn(), std::move(extra_args));
    client_ = std::make_unique<TestClient>(server_->address(), admin_key_);
  }

  // Another tenant with its own admin key.
  std::string NewTenantKey(const std::string& name) {
    return api::CreateTenantWithAdminKey(db_.dsn(), name).admin_key.token;
  }

  // Issues a key of `role` for the first tenant through the API.
  std::string KeyWithRole(v1::Role role) {
    v1::CreateApiKeyRequest request;
    request.set_display_name("test key");
    request.set_role(role);
    request.set_request_id(NewRequestId());
    v1::CreateApiKeyResponse response;
    const grpc::Status status =
        client_->admin().CreateApiKey(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.secret();
  }

  TestClient ClientWithKey(const std::string& key) { return TestClient(server_->address(), key); }

  // A segment whose rule nobody matches, for tests that assign segments by
  // hand (a move may only assign an existing, active segment).
  void CreateSegment(const std::string& segment_id) { CreateSegmentWith(*client_, segment_id); }
  void CreateSegmentWith(TestClient& client, const std::string& segment_id) {
    v1::CreateSegmentRequest request;
    request.mutable_segment()->set_segment_id(segment_id);
    request.mutable_segment()->set_display_name(segment_id);
    request.mutable_segment()->set_basis(v1::SEGMENT_BASIS_BEHAVIOURAL);
    auto* condition = request.mutable_segment()->mutable_rule()->mutable_condition();
    condition->set_field("attributes.never_set_by_tests");
    condition->set_op(v1::RULE_OPERATOR_EXISTS);
    request.set_request_id(NewRequestId());
    v1::CreateSegmentResponse response;
    const grpc::Status status =
        client.segments().CreateSegment(client.Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Polls `condition` every 20 ms until it holds or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < give_up) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  }

  TestDatabase db_;
  api::BootstrappedTenant tenant_ = api::CreateTenantWithAdminKey(db_.dsn(), "Acme");
  std::string admin_key_ = tenant_.admin_key.token;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<TestClient> client_;
};

}  // namespace lifecycle::testing
