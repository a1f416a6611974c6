#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/bench/scenario.h"

namespace lifecycle::bench {

struct LoadOptions {
  std::chrono::milliseconds duration{10000};
  int inflight_per_worker = 8;   // closed loop: a call ends, the next starts
  int64_t max_calls = 10000000;  // bound in count as well as time
};

struct LoadResult {
  int64_t ok = 0;
  int64_t errors = 0;
  std::map<std::string, int64_t> error_codes;  // "FAILED_PRECONDITION: ..." -> count
  double seconds = 0;                          // first start to last completion
  std::vector<int64_t> latencies_ns;           // successful calls only
};

// Runs `scenario` closed-loop: one thread per channel in the scenario's
// target, each with its own CompletionQueue and `inflight_per_worker` calls
// outstanding, until the duration or call budget is spent; then waits for
// the calls in flight.
LoadResult RunClosedLoop(Scenario& scenario, int workers, const LoadOptions& options);

}  // namespace lifecycle::bench
