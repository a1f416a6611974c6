#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/replica_freshness.h"
#include "storage/session.h"

namespace lifecycle::storage {

struct ReadReplicaOptions {
  // Connections for reads (request role and tenant scoping as on the primary).
  SessionOptions replica;
  // Probe connections: both as the login role, which may read WAL positions.
  SessionOptions primary_probe;
  SessionOptions replica_probe;
  // Reads go to the replica only while it is proven to miss no write older than this.
  std::chrono::milliseconds max_lag{5000};
};

// A PostgreSQL streaming replica that read-only calls may use instead of
// the primary. Probe() (run periodically) proves how fresh it is; Lease()
// hands out a replica connection only while that proof is within max_lag,
// and nothing otherwise: the caller then reads on the primary.
class ReadReplica {
 public:
  explicit ReadReplica(ReadReplicaOptions options);

  // A replica connection for one call; returned to the replica on destruction.
  class Lease {
   public:
    Lease(ReadReplica& owner, std::unique_ptr<Session> session, std::uint64_t generation)
        : owner_(&owner), session_(std::move(session)), generation_(generation) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Session& session() { return *session_; }

   private:
    ReadReplica* owner_;
    std::unique_ptr<Session> session_;
    std::uint64_t generation_;
  };

  // nullopt when the replica is not proven fresh enough: read on the primary.
  std::optional<Lease> TryLease();
  // A call on a leased connection found the replica gone: stop using it
  // (and every connection opened before) until a probe proves it fresh again.
  void ReportUnavailable();

  // Samples the primary's WAL position, then the replica's replayed one.
  // One thread at a time. Says whether the replica is now fresh enough,
  // and why not.
  struct ProbeResult {
    bool fresh = false;
    std::string problem;  // empty when fresh
  };
  ProbeResult Probe();

  // Counted for metrics: calls that read on the replica, and read-only
  // calls that went to the primary because the replica was stale or away.
  struct Totals {
    std::uint64_t replica_reads = 0;
    std::uint64_t primary_fallbacks = 0;
    bool fresh = false;
    // How old the replica's proof is (-1: none), in milliseconds.
    double lag_ms = -1;
  };
  Totals CurrentTotals() const;
  void CountFallback() { primary_fallbacks_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void Return(std::unique_ptr<Session> session, std::uint64_t generation);
  void Forget();

  const ReadReplicaOptions options_;
  ReplicaFreshness freshness_;
  Session primary_probe_;
  Session replica_probe_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Session>> idle_;
  // Bumped when the replica is lost: connections of an older generation may
  // point at a server that has since restarted, so they are dropped.
  std::uint64_t generation_ = 0;
  std::atomic<std::uint64_t> replica_reads_{0};
  std::atomic<std::uint64_t> primary_fallbacks_{0};
};

}  // namespace lifecycle::storage
