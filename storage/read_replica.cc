#include "storage/read_replica.h"

#include <pqxx/pqxx>

#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// Generous: a slow probe only delays the next proof (reads fall back to the
// primary meanwhile as the last proof ages), while a probe that times out
// under load would stop replica reads for nothing.
TxOptions ProbeRead() {
  TxOptions options;
  options.timeout = std::chrono::milliseconds{5000};
  options.single_read = true;
  return options;
}

// WAL the primary has written (every commit before this moment lies below it).
std::uint64_t PrimaryWalPosition(Session& primary) {
  return primary.Run(ProbeRead(), [](Transaction& tx) {
    return tx.raw()
        .exec1("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")[0]
        .as<std::uint64_t>();
  });
}

// WAL the replica has replayed; nullopt when it is not a replica (any more).
std::optional<std::uint64_t> ReplayedWalPosition(Session& replica) {
  return replica.Run(ProbeRead(), [](Transaction& tx) -> std::optional<std::uint64_t> {
    const auto row = tx.raw().exec1(
        "SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint");
    if (!row[0].as<bool>() || row[1].is_null()) return std::nullopt;
    return row[1].as<std::uint64_t>();
  });
}

}  // namespace

ReadReplica::ReadReplica(ReadReplicaOptions options)
    : options_(std::move(options)),
      primary_probe_(options_.primary_probe),
      replica_probe_(options_.replica_probe) {}

ReadReplica::Lease::~Lease() {
  if (session_) owner_->Return(std::move(session_), generation_);
}

std::optional<ReadReplica::Lease> ReadReplica::TryLease() {
  if (!freshness_.FreshWithin(options_.max_lag, ReplicaFreshness::Clock::now()))
    return std::nullopt;
  std::unique_ptr<Session> session;
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
    if (!idle_.empty()) {
      session = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  // Connects lazily, on the call's first statement.
  if (!session) session = std::make_unique<Session>(options_.replica);
  replica_reads_.fetch_add(1, std::memory_order_relaxed);
  return Lease(*this, std::move(session), generation);
}

void ReadReplica::Return(std::unique_ptr<Session> session, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation == generation_) idle_.push_back(std::move(session));
}

void ReadReplica::Forget() {
  freshness_.Lost();
  std::vector<std::unique_ptr<Session>> closing;
  std::lock_guard lock(mutex_);
  ++generation_;
  closing.swap(idle_);
}

void ReadReplica::ReportUnavailable() { Forget(); }

ReadReplica::ProbeResult ReadReplica::Probe() {
  try {
    const auto sampled = ReplicaFreshness::Clock::now();
    freshness_.PrimaryAt(sampled, PrimaryWalPosition(primary_probe_));
    const auto replayed = ReplayedWalPosition(replica_probe_);
    if (!replayed) {
      Forget();
      return {.fresh = false, .problem = "the read DSN is not a replica in recovery"};
    }
    freshness_.ReplayedTo(*replayed);
  } catch (const std::exception& error) {
    Forget();
    return {.fresh = false, .problem = error.what()};
  }
  if (freshness_.FreshWithin(options_.max_lag, ReplicaFreshness::Clock::now()))
    return {.fresh = true, .problem = {}};
  return {.fresh = false, .problem = "replica lag exceeds the bound"};
}

ReadReplica::Totals ReadReplica::CurrentTotals() const {
  Totals totals{.replica_reads = replica_reads_.load(std::memory_order_relaxed),
                .primary_fallbacks = primary_fallbacks_.load(std::memory_order_relaxed)};
  const auto now = ReplicaFreshness::Clock::now();
  totals.fresh = freshness_.FreshWithin(options_.max_lag, now);
  if (const auto as_of = freshness_.CaughtUpAsOf()) {
    totals.lag_ms = std::chrono::duration<double, std::milli>(now - *as_of).count();
  }
  return totals;
}

}  // namespace lifecycle::storage
