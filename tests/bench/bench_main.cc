// lifecycled-bench: closed-loop async gRPC load against a running
// lifecycled, one scenario after another, printing throughput, latency
// percentiles, peak server RSS and ratios to the ceilings. scripts/bench
// sets up the data and the server and runs it; see docs/benchmarks.md.

#include <absl/synchronization/mutex.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include "tests/bench/cpu_meter.h"
#include "tests/bench/load_driver.h"
#include "tests/bench/report.h"
#include "tests/bench/rss_sampler.h"
#include "tests/bench/scenario.h"

namespace lifecycle::bench {
namespace {

struct Flags {
  std::string target = "127.0.0.1:50051";
  std::string api_key;
  int customers = 1000000;
  std::string scenarios = "echo,get_stage,batch_get,transition,record_signals";
  double duration_s = 10;
  double warmup_s = 1;
  int threads = 2;
  int inflight = 8;
  int64_t max_calls = 10000000;
  int transition_customers = 100000;
  int server_pid = 0;
  int postgres_pid = 0;
  std::vector<std::string> ceilings;  // NAME=calls_per_s
};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::map<std::string, double> ParseCeilings(const std::vector<std::string>& pairs) {
  std::map<std::string, double> ceilings;
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--ceiling wants NAME=VALUE");
    ceilings[pair.substr(0, eq)] = std::stod(pair.substr(eq + 1));
  }
  return ceilings;
}

// One channel per worker: each gets its own HTTP/2 connection (a distinct
// channel argument stops gRPC from sharing the subchannel).
Target MakeTarget(const Flags& flags) {
  Target target;
  target.api_key = flags.api_key;
  target.customers = flags.customers;
  for (int i = 0; i < flags.threads; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("lifecycle.bench.channel", i);
    target.channels.push_back(
        grpc::CreateCustomChannel(flags.target, grpc::InsecureChannelCredentials(), args));
  }
  return target;
}

ScenarioReport RunOne(Scenario& scenario, const Flags& flags) {
  scenario.Prepare();
  const auto millis = [](double s) { return std::chrono::milliseconds(std::lround(s * 1000)); };
  if (flags.warmup_s > 0) {
    RunClosedLoop(scenario, flags.threads,
                  {.duration = millis(flags.warmup_s),
                   .inflight_per_worker = flags.inflight,
                   .max_calls = flags.max_calls});
  }
  RssSampler rss(flags.server_pid);
  const CpuMeter cpu(flags.server_pid, flags.postgres_pid);
  LoadResult result = RunClosedLoop(scenario, flags.threads,
                                    {.duration = millis(flags.duration_s),
                                     .inflight_per_worker = flags.inflight,
                                     .max_calls = flags.max_calls});
  ScenarioReport report;
  report.name = scenario.name();
  report.concurrency = flags.threads * flags.inflight;
  report.ok = result.ok;
  report.errors = result.errors;
  report.seconds = result.seconds;
  report.peak_rss_mib = rss.StopAndPeakMib();
  report.cpu = cpu.PerCall(result.ok);
  report.calls_per_s = result.seconds > 0 ? result.ok / result.seconds : 0;
  report.items_per_s = report.calls_per_s * scenario.items_per_call();
  report.latency = Summarize(result.latencies_ns);
  for (const auto& [code, count] : result.error_codes) {
    std::cerr << scenario.name() << ": " << count << " x " << code << "\n";
  }
  return report;
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"lifecycled-bench: closed-loop gRPC load against a running lifecycled"};
  app.add_option("--target", flags.target, "Server address")->capture_default_str();
  app.add_option("--api-key", flags.api_key, "Bearer key with the service role")
      ->envname("LIFECYCLE_BENCH_KEY");
  app.add_option("--customers", flags.customers, "Customers loaded as cust-0 .. cust-(N-1)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--scenarios", flags.scenarios, "Comma-separated, run in this order")
      ->capture_default_str();
  app.add_option("--duration-s", flags.duration_s, "Measured seconds per scenario")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup-s", flags.warmup_s, "Unmeasured seconds before each scenario")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--threads", flags.threads, "Worker threads, one channel each")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--inflight", flags.inflight, "Calls in flight per thread")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-calls", flags.max_calls, "Upper bound on calls per scenario")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--transition-customers", flags.transition_customers,
                 "The transition scenario cycles through this many customers")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--server-pid", flags.server_pid, "Sample this process's peak RSS (0: off)");
  app.add_option("--postgres-pid", flags.postgres_pid,
                 "The postmaster: count its and its children's CPU per call (0: off)");
  app.add_option("--ceiling", flags.ceilings,
                 "NAME=calls_per_s: print each scenario's ratio to it (repeatable)");
  CLI11_PARSE(app, argc, argv);

  const auto ceilings = ParseCeilings(flags.ceilings);
  const Target target = MakeTarget(flags);
  std::vector<ScenarioReport> reports;
  std::optional<double> echo_rate;
  bool failed = false;
  for (const auto& name : Split(flags.scenarios, ',')) {
    auto scenario = MakeScenario(name, target, flags.transition_customers);
    if (!scenario) {
      std::cerr << "unknown scenario '" << name << "'\n";
      return 2;
    }
    std::cerr << "running " << name << " for " << flags.duration_s << " s\n";
    ScenarioReport report = RunOne(*scenario, flags);
    if (name == "echo") echo_rate = report.calls_per_s;
    if (echo_rate && name != "echo" && *echo_rate > 0) {
      report.vs_echo = report.calls_per_s / *echo_rate;
    }
    if (auto it = ceilings.find(name); it != ceilings.end() && it->second > 0) {
      report.vs_ceiling = report.calls_per_s / it->second;
    }
    failed = failed || report.ok == 0 || report.errors > 0;
    PrintMachineLine(report, std::cout);
    reports.push_back(report);
  }
  std::cout << "\n";
  PrintTable(reports, std::cout);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace lifecycle::bench

int main(int argc, char** argv) {
  // As in lifecycled's main: Debian's abseil leaves the Mutex deadlock
  // detector on, which would bill the client for a debug feature.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  try {
    return lifecycle::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "lifecycled-bench: " << e.what() << "\n";
    return 1;
  }
}
