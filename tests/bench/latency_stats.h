#pragma once

#include <cstdint>
#include <vector>

namespace lifecycle::bench {

// Percentiles of one scenario's call latencies. Every latency is kept and
// sorted (HdrHistogram is not packaged in Debian 12); runs are bounded in
// count, so that is at most a few tens of MB.
struct LatencySummary {
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Sorts `nanos` in place.
LatencySummary Summarize(std::vector<int64_t>& nanos);

}  // namespace lifecycle::bench
