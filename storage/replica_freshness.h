#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace lifecycle::storage {

// How far behind the primary a streaming replica is, proven from WAL
// positions rather than replay timestamps: pg_last_xact_replay_timestamp()
// keeps growing on an idle primary although nothing is missing.
//
// The prober samples the primary's WAL position (pg_current_wal_lsn) and
// then the replica's replayed position (pg_last_wal_replay_lsn). Every
// write committed on the primary before a sample's time lies at or below
// its position, so once the replica has replayed past a sample it shows
// all of those writes. CaughtUpAsOf is the latest such sample time: a read
// on the replica misses nothing committed before it. Thread-safe.
class ReplicaFreshness {
 public:
  using Clock = std::chrono::steady_clock;

  // The primary had written WAL up to `position` at `when` (read after `when`).
  void PrimaryAt(Clock::time_point when, std::uint64_t position);
  // The replica has replayed up to `position` (read after every PrimaryAt so far).
  void ReplayedTo(std::uint64_t position);
  // The replica is unreachable or no longer replaying: nothing is proven
  // until a later ReplayedTo.
  void Lost();

  std::optional<Clock::time_point> CaughtUpAsOf() const;
  // True when the replica is proven to miss no write older than `max_lag`.
  bool FreshWithin(std::chrono::milliseconds max_lag, Clock::time_point now) const;

 private:
  // Enough for minutes of samples at the prober's pace; older ones only
  // make the proof coarser when dropped, never wrong.
  static constexpr std::size_t kMaxSamples = 1024;

  mutable std::mutex mutex_;
  std::deque<std::pair<Clock::time_point, std::uint64_t>> samples_;  // oldest first
  std::optional<Clock::time_point> caught_up_as_of_;
};

}  // namespace lifecycle::storage
