// Overload: past --pool-size workers and --queue-capacity waiting calls a
// server refuses at once with RESOURCE_EXHAUSTED; past its rate limit an API
// key is refused the same way while other keys go on.

#include <atomic>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/row_lock.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class OverloadE2eTest : public E2eTest {
 protected:
  void SetUp() override {}  // each test starts the server with its own limits

  grpc::Status GetCustomer(TestClient& client) {
    v1::GetCustomerRequest get;
    get.set_customer_id("c-1");
    v1::GetCustomerResponse got;
    return client.customers().GetCustomer(client.Context().get(), get, &got);
  }
};

TEST_F(OverloadE2eTest, PastTheQueueCallsAreRefusedAtOnce) {
  StartServer({"--pool-size", "1", "--queue-capacity", "1"});
  client_->CreateCustomer("c-1");
  RowLock lock(db_.dsn(), "customers");

  // The one worker blocks on the lock...
  grpc::Status blocked;
  std::thread writer([&] {
    v1::UpdateCustomerResponse response;
    blocked = client_->UpdateAttributes("c-1", R"({"plan":"pro"})", std::nullopt, NewRequestId(),
                                        &response);
  });
  ASSERT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 1; }));

  // ...so of five more calls one waits in the queue and four are refused.
  constexpr int kCalls = 5;
  std::vector<grpc::Status> statuses(kCalls);
  std::atomic<int> answered{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kCalls; ++i) {
    readers.emplace_back([&, i] {
      statuses[i] = GetCustomer(*client_);
      ++answered;
    });
  }
  ASSERT_TRUE(WaitFor([&] { return answered == kCalls - 1; }));
  lock.Release();
  for (auto& reader : readers) reader.join();
  writer.join();

  int refused = 0;
  for (const auto& status : statuses) {
    if (status.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
  }
  EXPECT_EQ(refused, kCalls - 1);
  EXPECT_TRUE(blocked.ok()) << blocked.error_message();
}

TEST_F(OverloadE2eTest, RateLimitIsPerKey) {
  // A burst of 3 that refills once every 1000 s: the fourth call is refused.
  StartServer({"--rate-limit-per-key", "0.001", "--rate-limit-burst", "3"});
  client_->CreateCustomer("c-1");  // the admin key's first call
  const std::string other_key = NewTenantKey("Other");
  TestClient other = ClientWithKey(other_key);

  EXPECT_TRUE(GetCustomer(*client_).ok());
  EXPECT_TRUE(GetCustomer(*client_).ok());
  const grpc::Status refused = GetCustomer(*client_);
  EXPECT_EQ(refused.error_code(), StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_EQ(ErrorReason(refused), "RATE_LIMITED");

  // Another key (of another tenant) still has its whole burst.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(GetCustomer(other).error_code(), StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(GetCustomer(other).error_code(), StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(OverloadE2eTest, NoRateLimitByDefault) {
  StartServer({});
  client_->CreateCustomer("c-1");
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(GetCustomer(*client_).ok()) << i;
}

}  // namespace
}  // namespace lifecycle::testing
