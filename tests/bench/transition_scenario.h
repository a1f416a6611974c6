#pragma once

#include <memory>

#include "tests/bench/scenario.h"

namespace lifecycle::bench {

// TransitionCustomer on the first `window` customers in turn, each call a
// valid move (NEW -> SEGMENTED, SEGMENTED -> LAPSED, LAPSED -> SEGMENTED,
// any other active stage -> LAPSED) with a fresh request id, so every
// success writes the stage, a log row and an idempotency record. No two
// calls in flight touch the same customer.
std::unique_ptr<Scenario> MakeTransitionScenario(const Target& target, int window);

}  // namespace lifecycle::bench
