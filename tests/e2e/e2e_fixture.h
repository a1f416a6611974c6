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
