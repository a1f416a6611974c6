// The database goes away under write load and comes back. The database is
// cut through a TCP proxy (tests/support/tcp_proxy.h) rather than stopped,
// because every test shares one PostgreSQL cluster; to the server it looks
// the same: connections drop and new ones are refused.
//
// Checked: while it is away calls fail fast with UNAVAILABLE (none waits
// out its deadline) and health is NOT_SERVING; once it is back the server
// serves again by itself; every acknowledged write is stored; a failed
// write is not stored unless its outcome was reported as unknown; and a
// retry of every failed write with its request id succeeds exactly once.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/write_load.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

enum Phase { kBefore = 0, kCut = 1, kOutage = 2, kAfter = 3 };

class OutageE2eTest : public E2eTest {
 protected:
  void SetUp() override {}  // the server starts behind the proxy
};

TEST_F(OutageE2eTest, WritesSurviveADatabaseOutageUnderLoad) {
  TcpProxy proxy(db_.dsn());
  server_ = std::make_unique<ServerProcess>(proxy.Dsn());  // health checked every 100 ms
  client_ = std::make_unique<TestClient>(server_->address(), admin_key_);
  ASSERT_TRUE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; }));

  WriteLoad load(server_->address(), admin_key_, /*threads=*/4, std::chrono::seconds(3));
  ASSERT_TRUE(WaitFor([&] { return load.Acknowledged(kBefore) >= 20; }));

  load.set_phase(kCut);  // calls in flight now may see the cut mid-way
  proxy.Cut();
  ASSERT_TRUE(WaitFor([&] { return client_->HealthStatus() == "NOT_SERVING"; }));
  load.set_phase(kOutage);
  ASSERT_TRUE(WaitFor([&] { return load.Answered(kOutage) >= 40; }));

  load.set_phase(kAfter);
  proxy.Restore();
  EXPECT_TRUE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; }));
  EXPECT_TRUE(WaitFor([&] { return load.Acknowledged(kAfter) >= 20; }));
  load.Stop();

  const auto writes = load.Outcomes();
  const auto stored = StoredCustomerIds(db_.dsn());
  int failed = 0;
  for (const auto& write : writes) {
    const bool is_stored = stored.contains(write.customer_id);
    if (write.phase == kOutage) {
      // Fail fast: the database being away is UNAVAILABLE, never a hang
      // until the deadline.
      EXPECT_EQ(write.code, StatusCode::UNAVAILABLE) << write.customer_id << " " << write.message;
    }
    if (write.acknowledged()) {
      EXPECT_TRUE(is_stored) << "acknowledged but lost: " << write.customer_id;
      continue;
    }
    ++failed;
    EXPECT_TRUE(write.code == StatusCode::UNAVAILABLE ||
                write.code == StatusCode::DEADLINE_EXCEEDED)
        << write.customer_id << " " << write.code << " " << write.message;
    if (!write.outcome_unknown()) {
      EXPECT_FALSE(is_stored) << "failed but stored: " << write.customer_id << " " << write.message;
    }
  }
  EXPECT_GT(failed, 0);

  // The rule for clients: retry a failed mutation with the same request id.
  // It runs once, or returns the first result if the write did commit.
  for (const auto& write : writes) {
    if (write.acknowledged()) continue;
    // OK even when the first attempt did commit (a create of an existing
    // customer would be ALREADY_EXISTS): the stored first result comes back.
    v1::Customer customer;
    const grpc::Status retried = WriteLoad::Retry(server_->address(), admin_key_, write, &customer);
    EXPECT_TRUE(retried.ok()) << write.customer_id << " " << retried.error_message();
    EXPECT_EQ(customer.customer_id(), write.customer_id);
  }
  EXPECT_EQ(StoredCustomerIds(db_.dsn()).size(), writes.size());
}

}  // namespace
}  // namespace lifecycle::testing
