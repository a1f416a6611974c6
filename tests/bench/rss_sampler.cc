#include "tests/bench/rss_sampler.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

namespace lifecycle::bench {
namespace {

// A "Key:   1234 kB" line of /proc/<pid>/status, in KiB (0 if absent).
long StatusKib(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return 0;
}

}  // namespace

RssSampler::RssSampler(pid_t pid) : pid_(pid) {
  if (pid_ == 0) return;
  // "5" resets the peak RSS counter (Linux >= 4.0).
  std::ofstream clear("/proc/" + std::to_string(pid_) + "/clear_refs");
  clear << "5";
  clear.flush();
  hwm_reset_ = clear.good();
  poller_ = std::thread([this] {
    while (!stop_.load()) {
      const long rss = StatusKib(pid_, "VmRSS");
      long peak = peak_kib_.load();
      while (rss > peak && !peak_kib_.compare_exchange_weak(peak, rss)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

RssSampler::~RssSampler() { StopAndPeakMib(); }

double RssSampler::StopAndPeakMib() {
  if (pid_ == 0) return 0;
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  long peak = peak_kib_.load();
  if (hwm_reset_) peak = std::max(peak, StatusKib(pid_, "VmHWM"));
  return static_cast<double>(peak) / 1024.0;
}

}  // namespace lifecycle::bench
