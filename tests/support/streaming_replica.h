#pragma once

#include <string>

namespace lifecycle::testing {

// A real PostgreSQL streaming replica of the test cluster: pg_basebackup -R
// into a temporary directory (as the postgres user), started on a unix
// socket of its own, with a replication slot so it can catch up after
// Stop()/Start(). It copies the whole cluster, so one per test binary.
// The destructor stops it, drops the slot and deletes the directory.
class StreamingReplica {
 public:
  StreamingReplica();
  ~StreamingReplica();
  StreamingReplica(const StreamingReplica&) = delete;
  StreamingReplica& operator=(const StreamingReplica&) = delete;

  // `primary_dsn` (a database of the test cluster) with host and port of the replica.
  std::string DsnFor(const std::string& primary_dsn) const;

  void Start();  // unless running
  void Stop();   // fast shutdown: open connections are cut at once
  // Replay stops (WAL is still received) until ResumeReplay: the replica
  // then falls behind the primary by every write made meanwhile.
  void PauseReplay();
  void ResumeReplay();
  // Returns once the replica has replayed every write the primary had committed
  // when this was called.
  void WaitUntilCaughtUp();

 private:
  void RunAsPostgres(const std::string& command) const;
  std::string Scalar(const std::string& dsn, const std::string& sql) const;

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace lifecycle::testing
