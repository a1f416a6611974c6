// WatchLifecycleEvents through the real server: commit order, resume after
// a disconnect without gaps or repeats, tenant isolation, slow clients.

#include <set>

#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/event_watcher.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class WatchE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    CreateSegment("smb");
  }

  // Moves `count` fresh customers NEW -> SEGMENTED: one event each.
  void MoveCustomers(TestClient& client, const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      const std::string id = prefix + std::to_string(i);
      client.CreateCustomer(id);
      ASSERT_TRUE(client.Transition(id, v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
    }
  }

  static void ExpectSequences(const std::vector<v1::StageTransition>& events, int64_t first,
                              int64_t last) {
    ASSERT_EQ(events.size(), static_cast<std::size_t>(last - first + 1));
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].sequence(), first + static_cast<int64_t>(i));
    }
  }
};

TEST_F(WatchE2eTest, DeliversTheBacklogThenLiveEventsInOrder) {
  MoveCustomers(*client_, "old-", 3);
  Watcher watcher(*client_, 0);
  ExpectSequences(watcher.WaitFor(3), 1, 3);
  MoveCustomers(*client_, "new-", 4);
  const auto events = watcher.WaitFor(7);
  ExpectSequences(events, 1, 7);
  EXPECT_EQ(events.back().customer_id(), "new-3");
  EXPECT_EQ(events.back().to_stage(), v1::STAGE_SEGMENTED);
}

TEST_F(WatchE2eTest, ResumingAfterADisconnectMissesNothingAndRepeatsNothing) {
  Watcher first(*client_, 0);
  MoveCustomers(*client_, "a-", 5);
  const auto seen = first.WaitFor(5);
  first.Cancel();
  ASSERT_GE(seen.size(), 5u);
  // Events while nobody watches.
  MoveCustomers(*client_, "b-", 5);
  Watcher resumed(*client_, seen.back().sequence());
  MoveCustomers(*client_, "c-", 2);
  const auto rest = resumed.WaitFor(12 - seen.size());
  ExpectSequences(rest, seen.back().sequence() + 1, 12);
}

TEST_F(WatchE2eTest, ConcurrentWritersAreDeliveredWithoutGapsOrRepeats) {
  Watcher watcher(*client_, 0);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 5;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      TestClient client(server_->address(), admin_key_);
      MoveCustomers(client, "w" + std::to_string(t) + "-", kPerThread);
    });
  }
  for (auto& writer : writers) writer.join();
  const auto events = watcher.WaitFor(kThreads * kPerThread);
  ExpectSequences(events, 1, kThreads * kPerThread);
  std::set<std::string> customers;
  for (const auto& event : events) customers.insert(event.customer_id());
  EXPECT_EQ(customers.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_F(WatchE2eTest, AWatcherSeesOnlyItsOwnTenant) {
  TestClient other = ClientWithKey(NewTenantKey("Globex"));
  CreateSegmentWith(other, "smb");
  Watcher mine(*client_, 0);
  Watcher theirs(other, 0);
  MoveCustomers(*client_, "acme-", 3);
  MoveCustomers(other, "globex-", 2);
  const auto my_events = mine.WaitFor(3);
  const auto their_events = theirs.WaitFor(2);
  ExpectSequences(their_events, 1, 2);
  for (const auto& event : their_events) EXPECT_EQ(event.customer_id().rfind("globex-", 0), 0u);
  // Give a wrongly routed event every chance to show up before checking.
  MoveCustomers(*client_, "acme-late-", 1);
  ExpectSequences(mine.WaitFor(4), 1, 4);
  for (const auto& event : mine.WaitFor(4)) EXPECT_EQ(event.customer_id().rfind("acme-", 0), 0u);
  EXPECT_EQ(theirs.WaitFor(2).size(), 2u);
}

TEST_F(WatchE2eTest, AStalledClientDoesNotHoldBackOthers) {
  Watcher stalled(*client_, 0, /*read=*/false);
  Watcher live(*client_, 0);
  MoveCustomers(*client_, "x-", 20);
  ExpectSequences(live.WaitFor(20), 1, 20);
}

TEST_F(WatchE2eTest, RejectsBadInputAndMissingKeys) {
  Watcher negative(*client_, -1);
  const grpc::Status bad = negative.Ended();
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"after_sequence"});

  TestClient anonymous = ClientWithKey("");
  Watcher unauthenticated(anonymous, 0);
  EXPECT_EQ(unauthenticated.Ended().error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(WatchE2eTest, ShutdownEndsOpenStreamsPromptly) {
  Watcher watcher(*client_, 0);
  MoveCustomers(*client_, "s-", 1);
  ASSERT_EQ(watcher.WaitFor(1).size(), 1u);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Stop(), 0);
  // Well inside the 5 s grace the fixture gives the server.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(watcher.Ended().error_code(), StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace lifecycle::testing
