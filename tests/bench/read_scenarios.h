#pragma once

#include <memory>

#include "tests/bench/scenario.h"

namespace lifecycle::bench {

// The gRPC ceiling: lifecycle.bench.v1.EchoService/Echo with a small payload.
std::unique_ptr<Scenario> MakeEchoScenario(const Target& target);
// GetCustomerStage of a uniformly random customer (the hot path).
std::unique_ptr<Scenario> MakeGetStageScenario(const Target& target);
// BatchGetCustomerStages of `batch` random customers per call.
std::unique_ptr<Scenario> MakeBatchGetScenario(const Target& target, int batch);

}  // namespace lifecycle::bench
