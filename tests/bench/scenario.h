#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/bench/pending_call.h"

namespace lifecycle::bench {

// What every scenario needs to know about the server and the data set.
struct Target {
  std::vector<std::shared_ptr<grpc::Channel>> channels;  // one per worker thread
  std::string api_key;                                   // service role
  int customers = 0;                                     // ids cust-0 .. cust-(N-1)
};

// The synthetic customer ids scripts/bench loads.
std::string CustomerId(int index);

// One kind of call, issued over and over by the load driver's workers.
// Start() is called from worker `worker` only, so per-worker state (stubs,
// random generators) needs no locking.
class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual std::string name() const = 0;
  // Items one successful call answers (customer ids for batch_get).
  virtual int items_per_call() const { return 1; }
  // Runs once before the clock starts (e.g. to learn current stages).
  virtual void Prepare() {}
  virtual std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) = 0;
};

// Known scenario names, in the order a full run uses.
std::vector<std::string> ScenarioNames();
// nullptr for an unknown name.
std::unique_ptr<Scenario> MakeScenario(const std::string& name, const Target& target,
                                       int transition_customers);

}  // namespace lifecycle::bench
