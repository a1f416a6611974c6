// Deadlines and cancellation reach the SQL: a call blocked inside PostgreSQL
// (on a row lock the test holds) ends when its deadline passes or its client
// cancels, and its one worker is free for the next call while the lock is
// still held. The statement timeout flag is set far beyond the test, so only
// the call's own deadline or cancellation can end the blocked statement.

#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/row_lock.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class DeadlineE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    StartServer({"--pool-size", "1", "--statement-timeout-ms", "600000"});
    client_->CreateCustomer("c-1", R"({"plan":"basic"})");
  }

  v1::UpdateCustomerRequest UpdatePlan() {
    v1::UpdateCustomerRequest request;
    request.mutable_customer()->set_customer_id("c-1");
    (*request.mutable_customer()->mutable_attributes()->mutable_fields())["plan"].set_string_value(
        "pro");
    request.mutable_update_mask()->add_paths("attributes");
    request.set_request_id(NewRequestId());
    return request;
  }

  // The one worker answers (GetCustomer takes no row lock).
  bool WorkerIsFree() {
    v1::GetCustomerRequest get;
    get.set_customer_id("c-1");
    v1::GetCustomerResponse got;
    return client_->customers().GetCustomer(client_->Context().get(), get, &got).ok();
  }

  std::string StoredPlan() {
    return db_.Query("SELECT attributes->>'plan' FROM customers WHERE customer_id = 'c-1'");
  }
};

TEST_F(DeadlineE2eTest, DeadlineEndsTheBlockedStatementAndFreesTheWorker) {
  RowLock lock(db_.dsn(), "customers");
  auto context = client_->Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  v1::UpdateCustomerResponse response;
  const grpc::Status status =
      client_->customers().UpdateCustomer(context.get(), UpdatePlan(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::DEADLINE_EXCEEDED) << status.error_message();

  // Still holding the lock: the statement was cancelled, not left waiting.
  EXPECT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 0; }));
  EXPECT_TRUE(WorkerIsFree());
  lock.Release();
  EXPECT_EQ(StoredPlan(), "basic");  // rolled back
}

TEST_F(DeadlineE2eTest, CancelledCallReleasesItsConnection) {
  RowLock lock(db_.dsn(), "customers");
  auto context = client_->Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::Status status;
  std::thread call([&] {
    v1::UpdateCustomerResponse response;
    status = client_->customers().UpdateCustomer(context.get(), UpdatePlan(), &response);
  });
  ASSERT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 1; }));
  context->TryCancel();
  call.join();
  EXPECT_EQ(status.error_code(), StatusCode::CANCELLED) << status.error_message();

  EXPECT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 0; }));
  EXPECT_TRUE(WorkerIsFree());
  lock.Release();
  EXPECT_EQ(StoredPlan(), "basic");
}

TEST_F(DeadlineE2eTest, CallWithTimeLeftFinishesOnceTheLockIsReleased) {
  RowLock lock(db_.dsn(), "customers");
  grpc::Status status;
  std::thread call([&] {
    v1::UpdateCustomerResponse response;
    status = client_->customers().UpdateCustomer(client_->Context().get(), UpdatePlan(), &response);
  });
  ASSERT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 1; }));
  lock.Release();
  call.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(StoredPlan(), "pro");
}

}  // namespace
}  // namespace lifecycle::testing
