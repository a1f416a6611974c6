#include "server/domain/transitions.h"

#include <array>

namespace lifecycle::domain {
namespace {

constexpr unsigned Bit(Trigger trigger) { return 1u << static_cast<int>(trigger); }

constexpr unsigned kManual = Bit(Trigger::kManual);
constexpr unsigned kSignal = Bit(Trigger::kSignal);
constexpr unsigned kChecklist = Bit(Trigger::kChecklistCompleted);
constexpr unsigned kOffer = Bit(Trigger::kOfferAccepted);
constexpr unsigned kSweep = Bit(Trigger::kLapseSweep);
constexpr unsigned kSegmentation = Bit(Trigger::kSegmentation);

using enum Stage;

// The reacquaintance lifecycle. Forward: segment, acquire, retain, extend.
// Any active stage may lapse; a lapsed customer is reacquainted through
// onboarding or re-segmentation. Backwards moves exist where a business
// really undoes a step (a refunded first purchase, a cancelled cross-sell),
// so no stage is a one-way high-water mark.
constexpr std::array kTable = {
    TransitionRule{kNew, kSegmented, kManual | kSegmentation, Guard::kHasSegment, false},
    TransitionRule{kSegmented, kOnboarding, kManual | kSignal, Guard::kNone, false},
    TransitionRule{kOnboarding, kRetained, kManual | kChecklist, Guard::kRequiredStepsDone, false},
    TransitionRule{kRetained, kExtended, kManual | kOffer, Guard::kHoldsCrossSoldProduct, false},
    // Lapse: any active stage, by hand or by the inactivity sweep.
    TransitionRule{kSegmented, kLapsed, kManual | kSweep, Guard::kNone, false},
    TransitionRule{kOnboarding, kLapsed, kManual | kSweep, Guard::kNone, false},
    TransitionRule{kRetained, kLapsed, kManual | kSweep, Guard::kNone, false},
    TransitionRule{kExtended, kLapsed, kManual | kSweep, Guard::kNone, false},
    // Reacquaintance.
    TransitionRule{kLapsed, kOnboarding, kManual | kSignal, Guard::kNone, false},
    TransitionRule{kLapsed, kSegmented, kManual | kSegmentation, Guard::kHasSegment, false},
    // Backwards, by hand and with a reason.
    TransitionRule{kSegmented, kNew, kManual, Guard::kNone, true},
    TransitionRule{kOnboarding, kSegmented, kManual, Guard::kHasSegment, true},
    TransitionRule{kRetained, kOnboarding, kManual, Guard::kNone, true},
    TransitionRule{kExtended, kRetained, kManual, Guard::kNone, true},
};

// Empty when the guard holds; otherwise what is missing.
std::string MissingFor(Guard guard, const TransitionFacts& facts) {
  switch (guard) {
    case Guard::kNone:
      return "";
    case Guard::kHasSegment:
      return facts.segment_id.empty() ? "segment_id" : "";
    case Guard::kRequiredStepsDone:
      return facts.open_required_steps > 0
                 ? std::to_string(facts.open_required_steps) + " required checklist step(s)"
                 : "";
    case Guard::kHoldsCrossSoldProduct:
      return facts.products_held < 2
                 ? "a second product held (holds " + std::to_string(facts.products_held) + ")"
                 : "";
  }
  return "";
}

TransitionDecision Deny(const TransitionAttempt& attempt, std::string reason, std::string message) {
  TransitionDecision decision;
  decision.error_reason = std::move(reason);
  decision.message = std::move(message);
  decision.metadata = {{"from", std::string(StageName(attempt.from))},
                       {"to", std::string(StageName(attempt.to))},
                       {"trigger", std::string(TriggerName(attempt.trigger))}};
  return decision;
}

}  // namespace

std::string_view TriggerName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kManual:
      return "MANUAL";
    case Trigger::kSignal:
      return "SIGNAL";
    case Trigger::kChecklistCompleted:
      return "CHECKLIST_COMPLETED";
    case Trigger::kOfferAccepted:
      return "OFFER_ACCEPTED";
    case Trigger::kLapseSweep:
      return "LAPSE_SWEEP";
    case Trigger::kSegmentation:
      return "SEGMENTATION";
  }
  return "UNKNOWN";
}

std::optional<Trigger> TriggerFromNumber(int number) {
  if (number < 1 || number > 6) return std::nullopt;
  return static_cast<Trigger>(number);
}

std::optional<Trigger> TriggerFromName(std::string_view name) {
  for (int number = 1; number <= 6; ++number) {
    if (TriggerName(static_cast<Trigger>(number)) == name) return static_cast<Trigger>(number);
  }
  return std::nullopt;
}

std::string_view GuardName(Guard guard) {
  switch (guard) {
    case Guard::kNone:
      return "NONE";
    case Guard::kHasSegment:
      return "HAS_SEGMENT";
    case Guard::kRequiredStepsDone:
      return "REQUIRED_STEPS_DONE";
    case Guard::kHoldsCrossSoldProduct:
      return "HOLDS_CROSS_SOLD_PRODUCT";
  }
  return "UNKNOWN";
}

std::span<const TransitionRule> TransitionTable() { return kTable; }

const TransitionRule* FindRule(Stage from, Stage to) {
  for (const auto& rule : kTable) {
    if (rule.from == from && rule.to == to) return &rule;
  }
  return nullptr;
}

TransitionDecision DecideTransition(const TransitionAttempt& attempt,
                                    const TransitionFacts& facts) {
  const TransitionRule* rule = FindRule(attempt.from, attempt.to);
  if (rule == nullptr || (rule->triggers & Bit(attempt.trigger)) == 0) {
    return Deny(attempt, "TRANSITION_NOT_ALLOWED",
                "the lifecycle does not allow " + std::string(StageName(attempt.from)) + " -> " +
                    std::string(StageName(attempt.to)) + " by " +
                    std::string(TriggerName(attempt.trigger)));
  }
  if (rule->backwards && attempt.reason.empty()) {
    auto decision = Deny(attempt, "REASON_REQUIRED", "moving backwards needs a reason");
    decision.metadata["missing"] = "reason";
    return decision;
  }
  const std::string missing = MissingFor(rule->guard, facts);
  if (missing.empty()) {
    TransitionDecision allowed;
    allowed.allowed = true;
    return allowed;
  }

  if (!attempt.override_reason.empty() && MayOverride(attempt.actor_role)) {
    TransitionDecision overridden;
    overridden.allowed = true;
    overridden.overridden = true;
    return overridden;
  }
  auto decision =
      Deny(attempt, "GUARD_FAILED",
           "guard " + std::string(GuardName(rule->guard)) + " failed: missing " + missing);
  decision.metadata["guard"] = std::string(GuardName(rule->guard));
  decision.metadata["missing"] = missing;
  if (!attempt.override_reason.empty()) {
    decision.metadata["override"] = "needs role support or admin";
  }
  return decision;
}

}  // namespace lifecycle::domain
