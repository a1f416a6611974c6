// Graceful restart: SIGTERM under write load, with one call blocked in the
// database at that moment. The blocked call is still answered (OK) once it
// can finish; no acknowledged write is lost; the calls refused while
// draining were not applied; and after a restart every failed write
// retried with its request id succeeds exactly once.

#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/row_lock.h"
#include "tests/support/write_load.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class RestartE2eTest : public E2eTest {
 protected:
  // A grace period far longer than the test needs: an in-flight call must be
  // answered because it finished, not cut off because the grace ran out.
  void SetUp() override { StartServer({"--shutdown-grace", "60"}); }
};

TEST_F(RestartE2eTest, SigtermUnderLoadLosesNoAcknowledgedWrite) {
  client_->CreateCustomer("blocked");
  WriteLoad load(server_->address(), admin_key_, /*threads=*/4, std::chrono::seconds(10));
  ASSERT_TRUE(WaitFor([&] { return load.Acknowledged(0) >= 20; }));

  // A call in flight at SIGTERM: blocked on a row lock the test holds.
  auto lock = std::make_unique<RowLock>(db_.dsn(), "customers WHERE customer_id = 'blocked'");
  grpc::Status in_flight;
  std::thread blocked_call([&] {
    v1::UpdateCustomerRequest request;
    request.mutable_customer()->set_customer_id("blocked");
    (*request.mutable_customer()->mutable_attributes()->mutable_fields())["plan"].set_string_value(
        "pro");
    request.mutable_update_mask()->add_paths("attributes");
    request.set_request_id(NewRequestId());
    auto context = client_->Context();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::UpdateCustomerResponse response;
    in_flight = client_->customers().UpdateCustomer(context.get(), request, &response);
  });
  ASSERT_TRUE(WaitFor([&] { return LifecycledSessionsWaitingForLocks(db_.dsn()) == 1; }));

  int exit_code = -1;
  std::thread stopper([&] { exit_code = server_->Stop(); });
  // Draining: new calls are refused, health is NOT_SERVING, and the blocked
  // call is still waiting for its lock.
  EXPECT_TRUE(WaitFor([&] { return client_->HealthStatus() != "SERVING"; }));
  EXPECT_TRUE(WaitFor([&] {
    return load.Count([](const WriteOutcome& w) {
      return w.message.find("shutting down") != std::string::npos;
    }) >= 4;
  }));
  lock->Release();
  blocked_call.join();
  stopper.join();
  load.Stop();

  EXPECT_EQ(exit_code, 0) << server_->Log();
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  EXPECT_EQ(db_.Query("SELECT attributes->>'plan' FROM customers WHERE customer_id = 'blocked'"),
            "pro");

  const auto writes = load.Outcomes();
  const auto stored = StoredCustomerIds(db_.dsn());
  int refused = 0;
  for (const auto& write : writes) {
    if (write.acknowledged()) {
      EXPECT_TRUE(stored.contains(write.customer_id)) << "acknowledged but lost";
      continue;
    }
    // Refused while draining, or the server was gone: never applied. A
    // call whose answer the shutdown cut off would be CANCELLED, outcome
    // unknown; the retries below cover it.
    EXPECT_TRUE(write.code == StatusCode::UNAVAILABLE || write.code == StatusCode::CANCELLED)
        << write.customer_id << " " << write.code << " " << write.message;
    if (write.message.find("shutting down") != std::string::npos) {
      ++refused;
      EXPECT_FALSE(stored.contains(write.customer_id)) << "refused but stored";
    }
  }
  EXPECT_GT(refused, 0) << "the load should have seen the drain";

  StartServer({});
  for (const auto& write : writes) {
    if (write.acknowledged()) continue;
    v1::Customer customer;
    const grpc::Status retried = WriteLoad::Retry(server_->address(), admin_key_, write, &customer);
    EXPECT_TRUE(retried.ok()) << write.customer_id << " " << retried.error_message();
  }
  // Every write of the load once, plus the blocked customer.
  EXPECT_EQ(StoredCustomerIds(db_.dsn()).size(), writes.size() + 1);
}

}  // namespace
}  // namespace lifecycle::testing
