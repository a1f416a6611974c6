#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/bench/cpu_meter.h"
#include "tests/bench/latency_stats.h"

namespace lifecycle::bench {

// One scenario's outcome, as printed.
struct ScenarioReport {
  std::string name;
  int concurrency = 0;  // calls in flight
  int64_t ok = 0;
  int64_t errors = 0;
  double seconds = 0;
  double calls_per_s = 0;
  double items_per_s = 0;  // calls_per_s * ids per call
  LatencySummary latency;
  double peak_rss_mib = 0;
  CpuPerCall cpu;                    // microseconds of CPU per successful call
  std::optional<double> vs_echo;     // calls/s over echo's calls/s
  std::optional<double> vs_ceiling;  // calls/s over --ceiling NAME=value
};

// A human table, one row per scenario.
void PrintTable(const std::vector<ScenarioReport>& reports, std::ostream& out);
// `BENCH key=value ...`: one line per scenario, for scripts to parse.
void PrintMachineLine(const ScenarioReport& report, std::ostream& out);

}  // namespace lifecycle::bench
