#pragma once

#include <chrono>
#include <memory>

#include "server/app/periodic_task.h"
#include "storage/read_replica.h"

namespace lifecycle::app {

// Probes the read replica every `interval` (storage::ReadReplica::Probe)
// and logs when reads move to the primary and back, with the reason.
class ReadReplicaProber {
 public:
  ReadReplicaProber(storage::ReadReplica& replica, std::chrono::milliseconds interval);
  void Stop();

 private:
  void ProbeOnce();

  storage::ReadReplica& replica_;
  bool fresh_ = false;  // as last logged; only the probe thread touches it
  bool logged_ = false;
  std::unique_ptr<PeriodicTask> task_;
};

}  // namespace lifecycle::app
