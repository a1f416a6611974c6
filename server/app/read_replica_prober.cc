#include "server/app/read_replica_prober.h"

#include "server/api/structured_log.h"

namespace lifecycle::app {

ReadReplicaProber::ReadReplicaProber(storage::ReadReplica& replica,
                                     std::chrono::milliseconds interval)
    : replica_(replica), task_(std::make_unique<PeriodicTask>(interval, [this] { ProbeOnce(); })) {}

void ReadReplicaProber::Stop() { task_->Stop(); }

void ReadReplicaProber::ProbeOnce() {
  const auto result = replica_.Probe();
  if (logged_ && result.fresh == fresh_) return;
  if (result.fresh) {
    api::LogEvent(spdlog::level::info, "read_replica_in_use", {});
  } else {
    api::LogEvent(spdlog::level::warn, "read_replica_not_used",
                  {{"reason", result.problem}, {"reads_on", "primary"}});
  }
  fresh_ = result.fresh;
  logged_ = true;
}

}  // namespace lifecycle::app
