#pragma once

#include <sys/types.h>

namespace lifecycle::bench {

// CPU seconds spent per call, by who spent them.
struct CpuPerCall {
  double server_us = 0;    // the lifecycled process (all its threads)
  double postgres_us = 0;  // the postmaster and every child: backends, WAL writer, ...
  double client_us = 0;    // this load generator
};

// CPU time (user + system) of the server, of PostgreSQL and of this process
// over one scenario, from /proc/<pid>/stat and getrusage. Unlike throughput,
// CPU per call hardly moves when other work shares the machine, so it is
// the figure to compare runs by on a busy box. A pid of 0 is not measured.
class CpuMeter {
 public:
  CpuMeter(pid_t server_pid, pid_t postmaster_pid);

  // Per call over `calls` calls since construction.
  CpuPerCall PerCall(long long calls) const;

 private:
  struct Sample {
    double server_s = 0;
    double postgres_s = 0;
    double client_s = 0;
  };
  Sample Take() const;

  pid_t server_pid_;
  pid_t postmaster_pid_;
  Sample start_;
};

}  // namespace lifecycle::bench
