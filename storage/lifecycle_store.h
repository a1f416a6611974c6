#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/stage_transition.h"

namespace lifecycle::storage {

class Transaction;

struct TransitionOutcome {
  domain::StageSnapshot stage;
  domain::StageTransition transition;
};

// What ApplyMany did: the moves made (in sequence order), the ones the state
// machine refused (with its decision), and ids that name no customer.
struct BulkTransitionOutcome {
  std::vector<TransitionOutcome> applied;
  std::vector<std::pair<std::string, domain::TransitionDecision>> denied;
  std::vector<std::string> missing;
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

  // Many moves decided by the same rules as Apply, written set-based: locks
  // every customer (in id order, so concurrent callers cannot deadlock), asks
  // the state machine about each, then sets the stages, takes one block of
  // the tenant's sequence numbers last, logs every move and notifies once.
  // Refused moves do not fail the others. One command per customer (a
  // second one is refused as DUPLICATE_CUSTOMER).
  BulkTransitionOutcome ApplyMany(const std::string& tenant_id,
                                  const std::vector<domain::TransitionCommand>& commands);

  // Records segmentation's decision for one customer: nothing if unchanged;
  // a NEW customer placed in a segment moves to SEGMENTED; anyone else gets a
  // segment-change row (same stage). Trigger SEGMENTATION, actor "system".
  std::optional<TransitionOutcome> PlaceInSegment(const std::string& tenant_id,
                                                  const std::string& customer_id,
                                                  const domain::SegmentPlacement& placement,
                                                  const std::string& request_id);

  // Locks these customers' rows (in id order) until commit; absent ids are skipped.
  std::vector<domain::StageSnapshot> LockStages(const std::string& tenant_id,
                                                const std::vector<std::string>& customer_ids);

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
  // A move the state machine allowed, with the locked row it starts from.
  struct Move {
    domain::TransitionCommand command;
    domain::StageSnapshot before;
    std::string segment_id;            // after the move
    std::int64_t segment_version = 0;  // of segment_id's rule, when the segment changes
    bool overridden = false;
  };
  // Writes allowed moves of distinct, locked customers: stages, then the
  // sequence numbers, then the log rows, then one NOTIFY. A move into or
  // out of ONBOARDING opens or closes the onboarding checklist.
  std::vector<TransitionOutcome> Write(const std::string& tenant_id,
                                       const std::vector<Move>& moves);

  // The current version of a segment a move assigns: NOT_FOUND if there is
  // no such segment, FAILED_PRECONDITION (SEGMENT_RETIRED) if retired.
  std::int64_t AssignableVersion(const std::string& tenant_id, const std::string& segment_id);
  // ApplyMany's form of AssignableVersion: a refusal instead of an error.
  std::optional<domain::TransitionDecision> SegmentRefusal(const std::string& tenant_id,
                                                           const domain::StageSnapshot& before,
                                                           const std::string& segment_id,
                                                           std::int64_t& segment_version);

  domain::TransitionFacts LoadFacts(const std::string& tenant_id, const std::string& customer_id,
                                    const std::string& segment_id);

  Transaction& tx_;
};

// The NOTIFY channel Apply signals (payload: tenant id) after each commit.
inline constexpr const char* kTransitionChannel = "lifecycle_transitions";

}  // namespace lifecycle::storage
