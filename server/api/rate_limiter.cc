#include "server/api/rate_limiter.h"

#include <algorithm>

namespace lifecycle::api {
namespace {

double SecondsBetween(RateLimiter::Clock::time_point from, RateLimiter::Clock::time_point to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

}  // namespace

bool RateLimiter::TryAcquire(const std::string& key_id, Clock::time_point now) {
  if (!enabled()) return true;
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= kMaxBuckets && !buckets_.contains(key_id)) ForgetFullBuckets(now);
  auto [it, created] = buckets_.try_emplace(key_id, Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!created) {
    bucket.tokens = std::min(limit_.burst, bucket.tokens + SecondsBetween(bucket.refilled, now) *
                                                               limit_.calls_per_second);
    bucket.refilled = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

// A full bucket is the same as no bucket, so idle keys cost no memory.
void RateLimiter::ForgetFullBuckets(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& bucket = entry.second;
    return bucket.tokens + SecondsBetween(bucket.refilled, now) * limit_.calls_per_second >=
           limit_.burst;
  });
}

}  // namespace lifecycle::api
