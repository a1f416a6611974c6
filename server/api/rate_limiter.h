#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lifecycle::api {

struct RateLimit {
  double calls_per_second = 0;  // 0: unlimited
  double burst = 100;           // calls a key may make at once after idling
};

// One token bucket per API key: a key may make `burst` calls at once, then
// `calls_per_second` on average. Over the limit a call is refused at once
// with RESOURCE_EXHAUSTED, like a full server, so one noisy client cannot
// take every worker from the others. Per server: with N replicas a key gets
// up to N times the limit.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  bool enabled() const { return limit_.calls_per_second > 0; }
  // Takes one token from `key_id`'s bucket; false when it is empty.
  bool TryAcquire(const std::string& key_id, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };

  void ForgetFullBuckets(Clock::time_point now);

  static constexpr std::size_t kMaxBuckets = 100'000;
  const RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace lifecycle::api
