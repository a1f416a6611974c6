#include "tests/bench/latency_stats.h"

#include <algorithm>
#include <cmath>

namespace lifecycle::bench {
namespace {

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<int64_t>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return Millis(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t>& nanos) {
  LatencySummary summary;
  if (nanos.empty()) return summary;
  std::sort(nanos.begin(), nanos.end());
  summary.p50_ms = Percentile(nanos, 50);
  summary.p95_ms = Percentile(nanos, 95);
  summary.p99_ms = Percentile(nanos, 99);
  summary.max_ms = Millis(nanos.back());
  return summary;
}

}  // namespace lifecycle::bench
