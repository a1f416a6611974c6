#include "tests/bench/report.h"

#include <cstdio>

namespace lifecycle::bench {
namespace {

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string Ratio(const std::optional<double>& ratio) {
  return ratio ? Format("%.3f", *ratio) : "-";
}

}  // namespace

void PrintTable(const std::vector<ScenarioReport>& reports, std::ostream& out) {
  char line[320];
  std::snprintf(line, sizeof line,
                "%-11s %5s %10s %11s %8s %8s %8s %8s %7s %8s %8s %8s %9s %9s %9s\n", "scenario",
                "conc", "calls/s", "items/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
                "rss MiB", "vs echo", "vs ceil", "srv us/c", "pg us/c", "cli us/c");
  out << line;
  for (const auto& r : reports) {
    std::snprintf(
        line, sizeof line,
        "%-11s %5d %10.0f %11.0f %8.3f %8.3f %8.3f %8.2f %7lld %8.1f %8s %8s %9.1f %9.1f %9.1f\n",
        r.name.c_str(), r.concurrency, r.calls_per_s, r.items_per_s, r.latency.p50_ms,
        r.latency.p95_ms, r.latency.p99_ms, r.latency.max_ms, static_cast<long long>(r.errors),
        r.peak_rss_mib, Ratio(r.vs_echo).c_str(), Ratio(r.vs_ceiling).c_str(), r.cpu.server_us,
        r.cpu.postgres_us, r.cpu.client_us);
    out << line;
  }
}

void PrintMachineLine(const ScenarioReport& r, std::ostream& out) {
  out << "BENCH scenario=" << r.name << " concurrency=" << r.concurrency << " ok=" << r.ok
      << " errors=" << r.errors << " seconds=" << Format("%.3f", r.seconds)
      << " calls_per_s=" << Format("%.1f", r.calls_per_s)
      << " items_per_s=" << Format("%.1f", r.items_per_s)
      << " p50_ms=" << Format("%.3f", r.latency.p50_ms)
      << " p95_ms=" << Format("%.3f", r.latency.p95_ms)
      << " p99_ms=" << Format("%.3f", r.latency.p99_ms)
      << " max_ms=" << Format("%.3f", r.latency.max_ms)
      << " peak_rss_mib=" << Format("%.1f", r.peak_rss_mib) << " vs_echo=" << Ratio(r.vs_echo)
      << " vs_ceiling=" << Ratio(r.vs_ceiling)
      << " server_cpu_us=" << Format("%.1f", r.cpu.server_us)
      << " postgres_cpu_us=" << Format("%.1f", r.cpu.postgres_us)
      << " client_cpu_us=" << Format("%.1f", r.cpu.client_us)
      << std::endl;  // flushed: progress goes to stderr
}

}  // namespace lifecycle::bench
