#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/stage_transition.h"

namespace lifecycle::storage {

class Transaction;

struct TransitionOutcome {
  domain::StageSnapshot stage;
  domain::StageTransition transition;
};

// SQL for the lifecycle: customers' stage columns and the transition log.
class LifecycleStore {
 public:
  explicit LifecycleStore(Transaction& tx) : tx_(tx) {}

  // Locks the customer's row until commit and returns its stage. NOT_FOUND.
  // Anything that decides on a customer's stage takes this lock first, so
  // decisions about one customer are made one at a time.
  domain::StageSnapshot Lock(const std::string& tenant_id, const std::string& customer_id);

  // Current stage: one primary-key lookup.
  std::optional<domain::StageSnapshot> GetStage(const std::string& tenant_id,
                                                const std::string& customer_id);
  // Current stages of many customers in one query; absent ids are skipped.
  std::vector<domain::StageSnapshot> GetStages(const std::string& tenant_id,
                                               const std::vector<std::string>& customer_ids);
  // The stage at `as_of`, from the log; nothing if the customer did not exist then.
  std::optional<domain::StageSnapshot> GetStageAsOf(const std::string& tenant_id,
                                                    const std::string& customer_id,
                                                    domain::Timestamp as_of);

  // Locks the customer, asks the state machine (server/domain/transitions.h)
  // with the facts its guards need, then writes the stage, the log row and
  // the tenant's next sequence, and wakes watchers after commit. NOT_FOUND,
  // ABORTED (VERSION_MISMATCH) or FAILED_PRECONDITION (the decision's reason).
  TransitionOutcome Apply(const std::string& tenant_id, const domain::TransitionCommand& command);

  // Records segmentation's decision for one customer: nothing if unchanged;
  // a NEW customer placed in a segment moves to SEGMENTED; anyone else gets a
  // segment-change row (same stage). Trigger SEGMENTATION, actor "system".
  std::optional<TransitionOutcome> PlaceInSegment(const std::string& tenant_id,
                                                  const std::string& customer_id,
                                                  const domain::SegmentPlacement& placement,
                                                  const std::string& request_id);

  // A customer's transitions with sequence < before (nothing: newest), newest first.
  std::vector<domain::StageTransition> History(const std::string& tenant_id,
                                               const std::string& customer_id,
                                               std::optional<std::int64_t> before, int limit);
  // The tenant's transitions with sequence > after, oldest first.
  std::vector<domain::StageTransition> After(const std::string& tenant_id, std::int64_t after,
                                             int limit);

  // True if the customer exists (to tell NOT_FOUND from an empty history).
  bool CustomerExists(const std::string& tenant_id, const std::string& customer_id);

 private:
  // What a decided move writes.
  struct Move {
    domain::Stage to = domain::Stage::kNew;
    domain::Trigger trigger = domain::Trigger::kManual;
    std::string actor;
    std::string reason;
    std::string override_reason;  // only when the decision used it
    std::string request_id;
    std::string segment_id;            // after the move ("" for none)
    std::int64_t segment_version = 0;  // of segment_id's rule, when it changed
  };
  // Writes the stage, the log row and the tenant's next sequence (last, so
  // sequence order is commit order), opens or closes the onboarding
  // checklist when the move enters or leaves ONBOARDING, and wakes watchers
  // after commit.
  TransitionOutcome WriteMove(const std::string& tenant_id, const domain::StageSnapshot& before,
                              const Move& move);

  domain::TransitionFacts LoadFacts(const std::string& tenant_id, const std::string& customer_id,
                                    const std::string& segment_id);

  Transaction& tx_;
};

// The NOTIFY channel Apply signals (payload: tenant id) after each commit.
inline constexpr const char* kTransitionChannel = "lifecycle_transitions";

}  // namespace lifecycle::storage
