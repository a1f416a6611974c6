#pragma once

#include <sys/types.h>

#include <atomic>
#include <thread>

namespace lifecycle::bench {

// Peak resident memory of the server process during one scenario. Resets
// the kernel's high-water mark (VmHWM, via /proc/<pid>/clear_refs, which
// needs the same user or root) at start and also polls VmRSS every 20 ms,
// so the answer is right even where the reset is not allowed (then it is
// the polled peak). Does nothing when pid is 0.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  // Stops polling; returns the peak in MiB (0 when unknown).
  double StopAndPeakMib();

 private:
  pid_t pid_;
  bool hwm_reset_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_kib_{0};
  std::thread poller_;
};

}  // namespace lifecycle::bench
