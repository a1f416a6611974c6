// SessionPool scheduling without a database (sessions connect lazily, and
// these tasks never touch theirs): bounded bulk-write lane, other work not
// held up by it, one capacity for both lanes.

#include "storage/session_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace lifecycle {
namespace {

using storage::Lane;
using namespace std::chrono_literals;

storage::SessionPoolOptions Options(int size, int bulk_limit, std::size_t capacity = 64) {
  return storage::SessionPoolOptions{.session = {.dsn = "host=127.0.0.1 port=1"},
                                     .size = size,
                                     .queue_capacity = capacity,
                                     .bulk_write_limit = bulk_limit};
}

// A latch the test opens to let blocked tasks finish.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return open_; });
  }
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

template <class Predicate>
bool Eventually(Predicate predicate) {
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(1ms)) {
    if (predicate()) return true;
  }
  return predicate();
}

TEST(SessionPoolTest, RunsAtMostTheLimitOfBulkWritesAtOnce) {
  for (int limit : {1, 2, 3}) {
    storage::SessionPool pool(Options(/*size=*/6, limit));
    std::atomic<int> running{0}, peak{0}, done{0};
    for (int i = 0; i < 12; ++i) {
      ASSERT_TRUE(pool.TrySubmit(
          [&](storage::Session&) {
            const int now = ++running;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(5ms);
            --running;
            ++done;
          },
          Lane::kBulkWrite));
    }
    ASSERT_TRUE(Eventually([&] { return done == 12; }));
    EXPECT_EQ(peak, limit) << "limit " << limit;
  }
}

TEST(SessionPoolTest, OtherWorkRunsWhileBulkWritesWaitForTheirLimit) {
  storage::SessionPool pool(Options(/*size=*/3, /*bulk_limit=*/1));
  Gate gate;
  std::atomic<int> bulk_started{0}, quick_done{0};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pool.TrySubmit(
        [&](storage::Session&) {
          ++bulk_started;
          gate.Wait();
        },
        Lane::kBulkWrite));
  }
  // Submitted after the bulk writes, yet not queued behind them: the two
  // workers the bulk lane may not use take them.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&](storage::Session&) { ++quick_done; }));
  }
  EXPECT_TRUE(Eventually([&] { return quick_done == 20; }));
  EXPECT_EQ(bulk_started, 1);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return bulk_started == 4; }));
}

TEST(SessionPoolTest, BothLanesShareOneQueueCapacity) {
  storage::SessionPool pool(Options(/*size=*/1, /*bulk_limit=*/1, /*capacity=*/2));
  Gate gate;
  std::atomic<bool> busy{false};
  ASSERT_TRUE(pool.TrySubmit([&](storage::Session&) {
    busy = true;
    gate.Wait();
  }));
  ASSERT_TRUE(Eventually([&] { return busy.load(); }));  // the only worker is taken
  EXPECT_TRUE(pool.TrySubmit([](storage::Session&) {}, Lane::kBulkWrite));
  EXPECT_TRUE(pool.TrySubmit([](storage::Session&) {}));
  EXPECT_FALSE(pool.TrySubmit([](storage::Session&) {}, Lane::kBulkWrite));
  EXPECT_FALSE(pool.TrySubmit([](storage::Session&) {}));
  gate.Open();
}

}  // namespace
}  // namespace lifecycle
