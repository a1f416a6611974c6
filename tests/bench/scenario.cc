#include "tests/bench/scenario.h"

#include "tests/bench/read_scenarios.h"
#include "tests/bench/signal_scenario.h"
#include "tests/bench/transition_scenario.h"

namespace lifecycle::bench {

std::string CustomerId(int index) { return "cust-" + std::to_string(index); }

std::vector<std::string> ScenarioNames() {
  return {"echo", "get_stage", "batch_get", "transition", "record_signals"};
}

std::unique_ptr<Scenario> MakeScenario(const std::string& name, const Target& target,
                                       int transition_customers) {
  if (name == "echo") return MakeEchoScenario(target);
  if (name == "get_stage") return MakeGetStageScenario(target);
  if (name == "batch_get") return MakeBatchGetScenario(target, 100);
  if (name == "transition") return MakeTransitionScenario(target, transition_customers);
  if (name == "record_signals") return MakeRecordSignalsScenario(target, 1000);
  return nullptr;
}

}  // namespace lifecycle::bench
