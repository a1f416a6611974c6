#pragma once

#include <optional>
#include <string>

#include "server/domain/checklist.h"
#include "server/domain/checklist_rules.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::storage {
class Transaction;
}

namespace lifecycle::api {

struct StepOutcome {
  domain::Checklist checklist;                      // after the step (closed if the customer moved)
  std::optional<storage::TransitionOutcome> moved;  // to RETAINED, when it finished onboarding
};

// Completes or skips a step of the customer's open checklist, in the
// caller's transaction, with the customer's row locked. When that resolves
// the last pending required step, the customer moves ONBOARDING -> RETAINED
// in the same transaction (trigger CHECKLIST_COMPLETED, actor "system"),
// through the lifecycle guard like every other move. Resolving an optional
// step never moves anyone: a checklist with nothing required leaves the
// move to a person.
StepOutcome ResolveStep(storage::Transaction& tx, const std::string& tenant_id,
                        const domain::StepResolution& resolution);

}  // namespace lifecycle::api
