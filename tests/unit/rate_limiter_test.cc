// The per-key token bucket, with the clock given by the test.

#include "server/api/rate_limiter.h"

#include <gtest/gtest.h>

namespace lifecycle::api {
namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

int AcquiredOf(RateLimiter& limiter, const std::string& key, int attempts, Clock::time_point at) {
  int acquired = 0;
  for (int i = 0; i < attempts; ++i) acquired += limiter.TryAcquire(key, at) ? 1 : 0;
  return acquired;
}

TEST(RateLimiterTest, ZeroRateMeansUnlimited) {
  RateLimiter limiter(RateLimit{.calls_per_second = 0, .burst = 1});
  EXPECT_FALSE(limiter.enabled());
  EXPECT_EQ(AcquiredOf(limiter, "k", 1000, Clock::now()), 1000);
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
  struct Case {
    const char* name;
    milliseconds idle;  // after the burst is used up
    int expected;       // calls allowed then, out of 100
  };
  const Case cases[] = {
      {"no time passed", milliseconds(0), 0},
      {"half a token", milliseconds(50), 0},
      {"one token", milliseconds(100), 1},
      {"three and a half tokens", milliseconds(350), 3},
      {"more than the burst", milliseconds(60000), 5},
  };
  for (const auto& c : cases) {
    RateLimiter limiter(RateLimit{.calls_per_second = 10, .burst = 5});
    const auto start = Clock::now();
    EXPECT_EQ(AcquiredOf(limiter, "k", 100, start), 5) << c.name;
    EXPECT_EQ(AcquiredOf(limiter, "k", 100, start + c.idle), c.expected) << c.name;
  }
}

TEST(RateLimiterTest, KeysHaveBucketsOfTheirOwn) {
  RateLimiter limiter(RateLimit{.calls_per_second = 1, .burst = 2});
  const auto now = Clock::now();
  EXPECT_EQ(AcquiredOf(limiter, "noisy", 10, now), 2);
  EXPECT_EQ(AcquiredOf(limiter, "quiet", 10, now), 2);
}

TEST(RateLimiterTest, ClockGoingBackwardsAddsNoTokens) {
  RateLimiter limiter(RateLimit{.calls_per_second = 10, .burst = 1});
  const auto now = Clock::now();
  EXPECT_TRUE(limiter.TryAcquire("k", now));
  EXPECT_FALSE(limiter.TryAcquire("k", now - std::chrono::seconds(5)));
}

}  // namespace
}  // namespace lifecycle::api
