#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/domain/role.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// What caused a move. Values match lifecycle.v1.Trigger.
enum class Trigger {
  kManual = 1,              // TransitionCustomer
  kSignal = 2,              // a retention signal, e.g. a first purchase
  kChecklistCompleted = 3,  // every required onboarding step done
  kOfferAccepted = 4,       // a cross-sell offer accepted
  kLapseSweep = 5,          // the inactivity sweep
  kSegmentation = 6,        // (re-)segmentation placed the customer
};

std::string_view TriggerName(Trigger trigger);
std::optional<Trigger> TriggerFromName(std::string_view name);
std::optional<Trigger> TriggerFromNumber(int number);

// A condition a move needs beyond being in the table. Later features feed
// the facts; the table names which guard applies.
enum class Guard {
  kNone,
  kHasSegment,             // a segment is assigned
  kRequiredStepsDone,      // no required onboarding step is open
  kHoldsCrossSoldProduct,  // holds more than one product
};

std::string_view GuardName(Guard guard);

// The facts guards look at, loaded with the customer row locked.
struct TransitionFacts {
  std::string segment_id;
  int open_required_steps = 0;
  int products_held = 0;
};

// One allowed move. `triggers` is a bit set of (1 << Trigger).
struct TransitionRule {
  Stage from;
  Stage to;
  unsigned triggers;
  Guard guard;
  // Moving back down the lifecycle (e.g. EXTENDED -> RETAINED); needs a reason.
  bool backwards;
};

// The whole state machine, one row per allowed (from, to).
std::span<const TransitionRule> TransitionTable();
const TransitionRule* FindRule(Stage from, Stage to);

struct TransitionAttempt {
  Stage from;
  Stage to;
  Trigger trigger;
  Role actor_role;
  std::string reason;           // why, in the caller's words
  std::string override_reason;  // non-empty: pass a failed guard (support/admin)
};

// The outcome of asking the state machine. When denied, `error_reason` is
// the google.rpc.ErrorInfo reason and `metadata` says from, to and what is
// missing.
struct TransitionDecision {
  bool allowed = false;
  bool overridden = false;  // a failed guard was passed by an override
  std::string error_reason;
  std::string message;
  std::map<std::string, std::string> metadata;
};

// The one place that decides whether a move is allowed.
TransitionDecision DecideTransition(const TransitionAttempt& attempt, const TransitionFacts& facts);

}  // namespace lifecycle::domain
