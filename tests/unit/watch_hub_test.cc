// WatchHub: epochs per tenant, one-shot wake-ups, cancellation, shutdown,
// the periodic tick, and wake callbacks that register again.

#include "server/api/watch_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lifecycle::api {
namespace {

using std::chrono::milliseconds;

// Long enough that the tick never fires during a test that does not want it.
constexpr milliseconds kNoTick = std::chrono::hours(1);
constexpr milliseconds kTestTick{20};
// How long to wait for something that should happen within a tick or two.
constexpr auto kGenerous = std::chrono::seconds(10);

// Counts how often a wake callback ran.
struct Counter {
  std::atomic<int> calls{0};
  WatchHub::Wake Wake() {
    return [this] { ++calls; };
  }
};

// Registers `wake` for the tenant's next news, re-reading the epoch if it
// moved in between (the tick may fire at any moment). Returns the ticket.
std::uint64_t WaitForNews(WatchHub& hub, const std::string& tenant, WatchHub::Wake wake) {
  for (;;) {
    const std::uint64_t ticket = hub.Wait(tenant, hub.Epoch(tenant), wake);
    if (ticket != 0) return ticket;
  }
}

// ------------------------------------------------------------- epochs

TEST(WatchHubEpochTest, NotifyMovesOnlyThatTenant) {
  WatchHub hub(kNoTick);
  const auto a = hub.Epoch("tenant-a");
  const auto b = hub.Epoch("tenant-b");

  hub.Notify("tenant-a");

  EXPECT_GT(hub.Epoch("tenant-a"), a);
  EXPECT_EQ(hub.Epoch("tenant-b"), b);
}

TEST(WatchHubEpochTest, EpochIsStableWithoutNews) {
  WatchHub hub(kNoTick);
  const auto a = hub.Epoch("tenant-a");
  hub.Notify("tenant-b");
  EXPECT_EQ(hub.Epoch("tenant-a"), a);
  EXPECT_EQ(hub.Epoch("tenant-a"), a);
}

TEST(WatchHubEpochTest, NotifyAllMovesEveryTenantIncludingUnseenOnes) {
  WatchHub hub(kNoTick);
  hub.Notify("tenant-b");  // b's own counter is ahead of a's
  const auto a = hub.Epoch("tenant-a");
  const auto b = hub.Epoch("tenant-b");
  const auto unseen = hub.Epoch("tenant-c");

  hub.Notify("");

  EXPECT_GT(hub.Epoch("tenant-a"), a);
  EXPECT_GT(hub.Epoch("tenant-b"), b);
  EXPECT_GT(hub.Epoch("tenant-c"), unseen);
  EXPECT_GT(hub.Epoch("tenant-never-asked-before"), unseen);
}

// Each piece of news moves the epoch again: it never comes back to a value
// a watcher has already seen.
TEST(WatchHubEpochTest, EveryNotifyMovesItFurther) {
  WatchHub hub(kNoTick);
  std::uint64_t last = hub.Epoch("tenant-a");
  for (const char* tenant : {"tenant-a", "", "tenant-a", "", "", "tenant-a"}) {
    hub.Notify(tenant);
    const auto now = hub.Epoch("tenant-a");
    EXPECT_GT(now, last) << "after Notify(\"" << tenant << "\")";
    last = now;
  }
}

// -------------------------------------------------------------- Wait

TEST(WatchHubWaitTest, ReturnsZeroWhenTheEpochAlreadyMoved) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto seen = hub.Epoch("tenant-a");
  hub.Notify("tenant-a");

  EXPECT_EQ(hub.Wait("tenant-a", seen, counter.Wake()), 0u);

  // Not registered: later news does not call it either.
  hub.Notify("tenant-a");
  hub.Notify("");
  EXPECT_EQ(counter.calls, 0);
}

TEST(WatchHubWaitTest, ReturnsZeroWhenEveryoneWasNotified) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto seen = hub.Epoch("tenant-a");
  hub.Notify("");
  EXPECT_EQ(hub.Wait("tenant-a", seen, counter.Wake()), 0u);
  hub.Notify("tenant-a");
  EXPECT_EQ(counter.calls, 0);
}

TEST(WatchHubWaitTest, ReturnsDistinctNonZeroTickets) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto first = hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake());
  const auto second = hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake());
  const auto other = hub.Wait("tenant-b", hub.Epoch("tenant-b"), counter.Wake());
  EXPECT_NE(first, 0u);
  EXPECT_NE(second, 0u);
  EXPECT_NE(other, 0u);
  EXPECT_NE(first, second);
  EXPECT_NE(first, other);
  EXPECT_NE(second, other);
  EXPECT_EQ(counter.calls, 0);
}

TEST(WatchHubWaitTest, WokenOnceByItsTenantsNews) {
  Counter counter;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake()), 0u);

  hub.Notify("tenant-a");
  EXPECT_EQ(counter.calls, 1);

  // One-shot: more news does not call it again.
  hub.Notify("tenant-a");
  hub.Notify("");
  EXPECT_EQ(counter.calls, 1);
}

TEST(WatchHubWaitTest, NotWokenByAnotherTenantsNews) {
  Counter a;
  Counter b;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), a.Wake()), 0u);
  ASSERT_NE(hub.Wait("tenant-b", hub.Epoch("tenant-b"), b.Wake()), 0u);

  hub.Notify("tenant-b");
  EXPECT_EQ(a.calls, 0);
  EXPECT_EQ(b.calls, 1);

  hub.Notify("tenant-a");
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(b.calls, 1);
}

// A tenant id is compared whole, not by prefix.
TEST(WatchHubWaitTest, TenantIdsAreComparedExactly) {
  Counter counter;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake()), 0u);
  hub.Notify("tenant");
  hub.Notify("tenant-ab");
  hub.Notify("TENANT-A");
  EXPECT_EQ(counter.calls, 0);
  hub.Notify("tenant-a");
  EXPECT_EQ(counter.calls, 1);
}

TEST(WatchHubWaitTest, NotifyAllWakesEveryTenant) {
  Counter a;
  Counter b;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), a.Wake()), 0u);
  ASSERT_NE(hub.Wait("tenant-b", hub.Epoch("tenant-b"), b.Wake()), 0u);
  hub.Notify("");
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(b.calls, 1);
}

TEST(WatchHubWaitTest, EveryWaiterOfTheTenantIsWoken) {
  Counter counter;
  WatchHub hub(kNoTick);
  for (int i = 0; i < 5; ++i) {
    ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake()), 0u);
  }
  hub.Notify("tenant-a");
  EXPECT_EQ(counter.calls, 5);
}

// ------------------------------------------------------------- Cancel

TEST(WatchHubCancelTest, CancelBeforeWakeReturnsTrueAndTheWakeNeverRuns) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto ticket = hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake());
  ASSERT_NE(ticket, 0u);

  EXPECT_TRUE(hub.Cancel(ticket));
  hub.Notify("tenant-a");
  hub.Notify("");
  hub.Close();

  EXPECT_EQ(counter.calls, 0);
  EXPECT_FALSE(hub.Cancel(ticket)) << "a second cancel finds nothing";
}

TEST(WatchHubCancelTest, CancelAfterWakeReturnsFalse) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto ticket = hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake());
  ASSERT_NE(ticket, 0u);
  hub.Notify("tenant-a");
  ASSERT_EQ(counter.calls, 1);

  EXPECT_FALSE(hub.Cancel(ticket));
}

TEST(WatchHubCancelTest, CancelRemovesOnlyThatWaiter) {
  Counter cancelled;
  Counter kept;
  WatchHub hub(kNoTick);
  const auto ticket = hub.Wait("tenant-a", hub.Epoch("tenant-a"), cancelled.Wake());
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), kept.Wake()), 0u);
  ASSERT_TRUE(hub.Cancel(ticket));
  hub.Notify("tenant-a");
  EXPECT_EQ(cancelled.calls, 0);
  EXPECT_EQ(kept.calls, 1);
}

TEST(WatchHubCancelTest, UnknownTicketsAreNotCancelled) {
  WatchHub hub(kNoTick);
  EXPECT_FALSE(hub.Cancel(0));
  EXPECT_FALSE(hub.Cancel(12345));
}

// -------------------------------------------------------------- Close

TEST(WatchHubCloseTest, WakesEveryoneAndStaysClosed) {
  Counter a;
  Counter b;
  Counter late;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), a.Wake()), 0u);
  ASSERT_NE(hub.Wait("tenant-b", hub.Epoch("tenant-b"), b.Wake()), 0u);
  EXPECT_FALSE(hub.closed());

  hub.Close();

  EXPECT_TRUE(hub.closed());
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(b.calls, 1);

  // After Close nobody registers: look now, and see closed().
  EXPECT_EQ(hub.Wait("tenant-a", hub.Epoch("tenant-a"), late.Wake()), 0u);
  hub.Notify("tenant-a");
  hub.Notify("");
  EXPECT_EQ(late.calls, 0);
  EXPECT_EQ(a.calls, 1);
}

TEST(WatchHubCloseTest, ClosedWaiterCannotBeCancelled) {
  Counter counter;
  WatchHub hub(kNoTick);
  const auto ticket = hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake());
  ASSERT_NE(ticket, 0u);
  hub.Close();
  EXPECT_FALSE(hub.Cancel(ticket));
  EXPECT_EQ(counter.calls, 1);
}

TEST(WatchHubCloseTest, CloseTwiceIsHarmless) {
  Counter counter;
  WatchHub hub(kNoTick);
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake()), 0u);
  hub.Close();
  hub.Close();
  EXPECT_TRUE(hub.closed());
  EXPECT_EQ(counter.calls, 1);
}

// The server drops the hub at shutdown; nobody may be left waiting.
TEST(WatchHubCloseTest, DestructionWakesWaiters) {
  Counter counter;
  {
    WatchHub hub(kNoTick);
    ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"), counter.Wake()), 0u);
  }
  EXPECT_EQ(counter.calls, 1);
}

// A wake-up at shutdown sees closed() and must not register again.
TEST(WatchHubCloseTest, WakeDuringCloseSeesClosed) {
  WatchHub hub(kNoTick);
  bool saw_closed = false;
  std::uint64_t again = 1;
  ASSERT_NE(hub.Wait("tenant-a", hub.Epoch("tenant-a"),
                     [&] {
                       saw_closed = hub.closed();
                       again = hub.Wait("tenant-a", hub.Epoch("tenant-a"), [] {});
                     }),
            0u);
  hub.Close();
  EXPECT_TRUE(saw_closed);
  EXPECT_EQ(again, 0u);
}

// --------------------------------------------------------------- tick

TEST(WatchHubTickTest, TickWakesWaitersWithoutNews) {
  WatchHub hub(kTestTick);
  for (const char* tenant : {"tenant-a", "tenant-b"}) {
    SCOPED_TRACE(tenant);
    auto woken = std::make_shared<std::promise<void>>();
    const auto before = hub.Epoch(tenant);
    WaitForNews(hub, tenant, [woken] { woken->set_value(); });
    ASSERT_EQ(woken->get_future().wait_for(kGenerous), std::future_status::ready)
        << "the tick did not wake the waiter";
    EXPECT_GT(hub.Epoch(tenant), before);
  }
}

// The tick keeps going: a waiter that registers again from its wake-up (on
// the tick thread) is woken by the following ticks too.
TEST(WatchHubTickTest, TickKeepsWakingAWaiterThatRegistersAgain) {
  // Declared before the hub, which joins its tick thread first on the way out.
  constexpr int kWakes = 3;
  std::promise<void> done;
  std::atomic<int> wakes{0};
  std::function<void()> wake;
  WatchHub hub(kTestTick);
  wake = [&] {
    if (++wakes == kWakes) {
      done.set_value();
      return;
    }
    WaitForNews(hub, "tenant-a", wake);
  };
  WaitForNews(hub, "tenant-a", wake);
  ASSERT_EQ(done.get_future().wait_for(kGenerous), std::future_status::ready)
      << "woken " << wakes << " times";
  hub.Close();
  EXPECT_EQ(wakes, kWakes);
}

TEST(WatchHubTickTest, CloseStopsTheTickPromptly) {
  auto hub = std::make_unique<WatchHub>(kNoTick);
  auto destroyed = std::async(std::launch::async, [&] { hub.reset(); });
  EXPECT_EQ(destroyed.wait_for(kGenerous), std::future_status::ready)
      << "~WatchHub waited for an hour-long tick";
}

// --------------------------------------------------------- re-entrancy

// A wake callback runs outside the hub's lock: it may Wait again, read the
// epoch, check closed() and cancel, all from inside Notify. Notify runs on a
// helper thread so a deadlock fails the test instead of hanging it (the hub
// is then leaked on purpose, since its lock would stay held).
TEST(WatchHubReentrancyTest, WakeCallbackMayWaitAgainWithoutDeadlock) {
  auto* hub = new WatchHub(kNoTick);
  Counter second;
  std::atomic<std::uint64_t> second_ticket{0};
  std::atomic<bool> cancel_result{true};
  ASSERT_NE(
      hub->Wait("tenant-a", hub->Epoch("tenant-a"),
                [&] {
                  (void)hub->closed();
                  const auto ticket = hub->Wait("tenant-a", hub->Epoch("tenant-a"), second.Wake());
                  second_ticket = ticket;
                  // A throwaway waiter, cancelled from inside the callback.
                  cancel_result = hub->Cancel(hub->Wait("tenant-b", hub->Epoch("tenant-b"), [] {}));
                }),
      0u);

  std::packaged_task<void()> notify([hub] { hub->Notify("tenant-a"); });
  auto notified = notify.get_future();
  std::thread(std::move(notify)).detach();
  if (notified.wait_for(kGenerous) != std::future_status::ready) {
    FAIL() << "Notify deadlocked in a wake callback that calls Wait";
  }

  // The registration made inside the callback is live and woken by the
  // next news, once.
  EXPECT_NE(second_ticket.load(), 0u);
  EXPECT_TRUE(cancel_result.load());
  EXPECT_EQ(second.calls, 0);
  hub->Notify("tenant-a");
  EXPECT_EQ(second.calls, 1);
  hub->Notify("tenant-a");
  EXPECT_EQ(second.calls, 1);
  delete hub;
}

// --------------------------------------------------------- concurrency

// Many threads wait, cancel and notify at once. Afterwards every waiter that
// registered and was not cancelled has been woken exactly once (by news or
// by Close), and no cancelled or unregistered waiter ever ran.
TEST(WatchHubConcurrencyTest, EveryRegisteredWaiterIsWokenExactlyOnce) {
  constexpr int kWaiterThreads = 8;
  constexpr int kWaitsPerThread = 2000;
  constexpr int kNotifierThreads = 2;
  const std::vector<std::string> tenants = {"tenant-a", "tenant-b", "tenant-c", ""};

  struct Slot {
    std::atomic<int> calls{0};
    bool registered = false;
    bool cancelled = false;
  };
  auto slots = std::make_unique<Slot[]>(kWaiterThreads * kWaitsPerThread);

  WatchHub hub(milliseconds(1));
  std::atomic<bool> stop{false};
  std::vector<std::thread> notifiers;
  for (int n = 0; n < kNotifierThreads; ++n) {
    notifiers.emplace_back([&, n] {
      std::minstd_rand random(n);
      while (!stop) hub.Notify(tenants[random() % tenants.size()]);
    });
  }
  std::vector<std::thread> waiters;
  for (int t = 0; t < kWaiterThreads; ++t) {
    waiters.emplace_back([&, t] {
      std::minstd_rand random(100 + t);
      for (int i = 0; i < kWaitsPerThread; ++i) {
        Slot& slot = slots[t * kWaitsPerThread + i];
        const std::string tenant = tenants[random() % 3];
        const auto ticket = hub.Wait(tenant, hub.Epoch(tenant), [&slot] { ++slot.calls; });
        slot.registered = ticket != 0;
        if (slot.registered && random() % 2 == 0) slot.cancelled = hub.Cancel(ticket);
      }
    });
  }
  for (auto& thread : waiters) thread.join();
  stop = true;
  for (auto& thread : notifiers) thread.join();
  hub.Close();

  int registered = 0;
  int cancelled = 0;
  for (int i = 0; i < kWaiterThreads * kWaitsPerThread; ++i) {
    const Slot& slot = slots[i];
    registered += slot.registered;
    cancelled += slot.cancelled;
    const int expected = slot.registered && !slot.cancelled ? 1 : 0;
    ASSERT_EQ(slot.calls, expected)
        << "waiter " << i << " registered=" << slot.registered << " cancelled=" << slot.cancelled;
  }
  EXPECT_GT(registered, 0);
  EXPECT_GT(cancelled, 0);
}

}  // namespace
}  // namespace lifecycle::api
