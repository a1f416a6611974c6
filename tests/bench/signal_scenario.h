#pragma once

#include <memory>

#include "tests/bench/scenario.h"

namespace lifecycle::bench {

// RecordSignals with `batch` signals per call for random customers (half
// ACTIVITY, 30% PURCHASE, 10% NPS, 10% COMPLAINT), every event id new, so
// each call inserts `batch` signals and updates the health of as many
// customers. items_per_call is the batch size: items/s is signals/s.
std::unique_ptr<Scenario> MakeRecordSignalsScenario(const Target& target, int batch);

}  // namespace lifecycle::bench
