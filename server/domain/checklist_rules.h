#pragma once

// The rules of a customer's checklist: when steps fall due, how far along it
// is, and whether a step may be completed or skipped.

#include <cstddef>
#include <string>

#include "server/domain/checklist.h"
#include "server/domain/role.h"

namespace lifecycle::domain {

// A customer's new checklist, for the segment they are in ("" for none):
// the template's steps in order, each due at start + its offset, all
// pending. No template: an empty checklist, with nothing required.
Checklist NewChecklist(const std::string& customer_id, std::int64_t onboarding_number,
                       const std::string& segment_id, const ChecklistTemplate* from,
                       Timestamp start);

// Start of onboarding + the step's offset.
Timestamp DueTime(Timestamp start, std::chrono::seconds due_offset);
// Still pending, and its due time has passed (a step due exactly now is not
// late yet).
bool IsOverdue(const ChecklistStep& step, Timestamp now);
// The same within a checklist: a closed checklist has nothing overdue (the
// customer left ONBOARDING, so nobody is chasing those steps).
bool IsOverdue(const Checklist& checklist, const ChecklistStep& step, Timestamp now);

struct ChecklistProgress {
  int total = 0;
  int resolved = 0;       // done or skipped
  int open_required = 0;  // required and still pending
  int percent = 100;      // resolved / total, rounded down; 100 when empty
};
ChecklistProgress Progress(const Checklist& checklist);

enum class StepAction { kComplete, kSkip };

// A validated CompleteStep or SkipStep.
struct StepResolution {
  std::string customer_id;
  std::string step_id;
  StepAction action = StepAction::kComplete;
  std::string actor;  // API key id
  Role actor_role = Role::kReadonly;
  std::string note;             // complete
  std::string reason;           // skip: required
  std::string override_reason;  // skip of a required step
  std::string request_id;
};

// What the resolution writes, once allowed.
struct StepDecision {
  std::size_t index = 0;  // into checklist.steps
  StepStatus status = StepStatus::kDone;
  std::string override_reason;  // kept only when the override was needed
};

// The one place that decides whether a step may be resolved. Throws NOT_FOUND
// for an unknown step, FAILED_PRECONDITION with reason CHECKLIST_CLOSED (the
// customer left ONBOARDING), STEP_ALREADY_RESOLVED, or STEP_REQUIRED (a
// required step skipped without an override by support or admin).
StepDecision DecideStepResolution(const Checklist& checklist, const StepResolution& resolution);

}  // namespace lifecycle::domain
