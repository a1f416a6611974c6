// Health follows the database: NOT_SERVING while it is unreachable, back to
// SERVING when it returns, without restarting the server. The database is
// made unreachable through a proxy, so the shared test cluster keeps
// serving every other test.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/tcp_proxy.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class HealthE2eTest : public E2eTest {
 protected:
  void SetUp() override {}  // the server starts behind the proxy instead
};

TEST_F(HealthE2eTest, FollowsTheDatabaseAndRecoversByItself) {
  TcpProxy proxy(db_.dsn());
  server_ = std::make_unique<ServerProcess>(proxy.Dsn());
  client_ = std::make_unique<TestClient>(server_->address(), admin_key_);
  ASSERT_TRUE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; }));
  client_->CreateCustomer("before");

  proxy.Cut();
  EXPECT_TRUE(WaitFor([&] { return client_->HealthStatus() == "NOT_SERVING"; }));
  v1::GetCustomerRequest get;
  get.set_customer_id("before");
  v1::GetCustomerResponse got;
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status down = client_->customers().GetCustomer(client_->Context().get(), get, &got);
  // The key is cached, so the call reaches the database and fails fast.
  EXPECT_EQ(down.error_code(), StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  proxy.Restore();
  EXPECT_TRUE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; }));
  EXPECT_TRUE(WaitFor([&] {
    grpc::ClientContext unused;
    return client_->customers().GetCustomer(client_->Context().get(), get, &got).ok();
  }));
  EXPECT_EQ(got.customer().customer_id(), "before");
}

TEST_F(HealthE2eTest, NotServingUntilTheSchemaIsMigrated) {
  db_.Query("DELETE FROM schema_migrations");
  server_ = std::make_unique<ServerProcess>(db_.dsn(),
                                            std::vector<std::string>{"--migrate-on-start=false"});
  client_ = std::make_unique<TestClient>(server_->address(), admin_key_);
  // Give the monitor several rounds to (wrongly) report SERVING.
  EXPECT_FALSE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; },
                       std::chrono::milliseconds(500)));
  EXPECT_EQ(client_->HealthStatus(), "NOT_SERVING");
}

TEST_F(HealthE2eTest, SigtermFinishesCleanly) {
  server_ = std::make_unique<ServerProcess>(db_.dsn());
  client_ = std::make_unique<TestClient>(server_->address(), admin_key_);
  client_->CreateCustomer("c-1");
  EXPECT_EQ(server_->Stop(), 0);
  const std::string log = server_->Log();
  EXPECT_NE(log.find("shutdown"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

}  // namespace
}  // namespace lifecycle::testing
