#include "tests/bench/load_driver.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "server/api/status_mapping.h"

namespace lifecycle::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  Shared(Scenario& s, const LoadOptions& o, Clock::time_point stop)
      : scenario(s), options(o), stop_at(stop) {}
  Scenario& scenario;
  const LoadOptions& options;
  const Clock::time_point stop_at;
  std::atomic<int64_t> launched{0};
  std::mutex mutex;  // guards result
  LoadResult result;
};

// Takes one unit of the call budget; false once time or count is spent.
bool MayLaunch(Shared& shared) {
  if (Clock::now() >= shared.stop_at) return false;
  return shared.launched.fetch_add(1) < shared.options.max_calls;
}

void Worker(Shared& shared, int worker) {
  grpc::CompletionQueue cq;
  LoadResult local;
  local.latencies_ns.reserve(1 << 16);
  int outstanding = 0;
  for (int i = 0; i < shared.options.inflight_per_worker && MayLaunch(shared); ++i) {
    shared.scenario.Start(worker, cq).release();
    ++outstanding;
  }
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && cq.Next(&tag, &ok)) {
    std::unique_ptr<PendingCall> call(static_cast<PendingCall*>(tag));
    --outstanding;
    const auto end = Clock::now();
    if (call->on_done) call->on_done(call->status);
    if (ok && call->status.ok()) {
      ++local.ok;
      local.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - call->start).count());
    } else {
      ++local.errors;
      ++local.error_codes[std::string(api::StatusCodeName(call->status.error_code())) + ": " +
                          call->status.error_message().substr(0, 120)];
    }
    if (MayLaunch(shared)) {
      shared.scenario.Start(worker, cq).release();
      ++outstanding;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  std::lock_guard lock(shared.mutex);
  shared.result.ok += local.ok;
  shared.result.errors += local.errors;
  for (const auto& [code, count] : local.error_codes) shared.result.error_codes[code] += count;
  shared.result.latencies_ns.insert(shared.result.latencies_ns.end(), local.latencies_ns.begin(),
                                    local.latencies_ns.end());
}

}  // namespace

LoadResult RunClosedLoop(Scenario& scenario, int workers, const LoadOptions& options) {
  const auto started = Clock::now();
  Shared shared(scenario, options, started + options.duration);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(Worker, std::ref(shared), w);
  for (auto& thread : threads) thread.join();
  shared.result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return std::move(shared.result);
}

}  // namespace lifecycle::bench
