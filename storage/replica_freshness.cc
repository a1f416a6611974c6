#include "storage/replica_freshness.h"

namespace lifecycle::storage {

void ReplicaFreshness::PrimaryAt(Clock::time_point when, std::uint64_t position) {
  std::lock_guard lock(mutex_);
  samples_.emplace_back(when, position);
  if (samples_.size() > kMaxSamples) samples_.pop_front();
}

void ReplicaFreshness::ReplayedTo(std::uint64_t position) {
  std::lock_guard lock(mutex_);
  while (!samples_.empty() && samples_.front().second <= position) {
    caught_up_as_of_ = samples_.front().first;
    samples_.pop_front();
  }
}

void ReplicaFreshness::Lost() {
  std::lock_guard lock(mutex_);
  caught_up_as_of_.reset();
}

std::optional<ReplicaFreshness::Clock::time_point> ReplicaFreshness::CaughtUpAsOf() const {
  std::lock_guard lock(mutex_);
  return caught_up_as_of_;
}

bool ReplicaFreshness::FreshWithin(std::chrono::milliseconds max_lag, Clock::time_point now) const {
  const auto as_of = CaughtUpAsOf();
  return as_of && now - *as_of <= max_lag;
}

}  // namespace lifecycle::storage
