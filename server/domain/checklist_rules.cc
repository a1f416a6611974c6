#include "server/domain/checklist_rules.h"

#include "server/domain/error.h"

namespace lifecycle::domain {

Checklist NewChecklist(const std::string& customer_id, std::int64_t onboarding_number,
                       const std::string& segment_id, const ChecklistTemplate* from,
                       Timestamp start) {
  Checklist checklist{.customer_id = customer_id,
                      .onboarding_number = onboarding_number,
                      .segment_id = segment_id,
                      .start_time = start};
  if (from == nullptr) return checklist;
  checklist.template_version = from->version;
  for (const auto& step : from->steps) {
    checklist.steps.push_back(
        ChecklistStep{.step = step, .due_time = DueTime(start, step.due_offset)});
  }
  return checklist;
}

Timestamp DueTime(Timestamp start, std::chrono::seconds due_offset) { return start + due_offset; }

bool IsOverdue(const ChecklistStep& step, Timestamp now) {
  return step.status == StepStatus::kPending && now > step.due_time;
}

bool IsOverdue(const Checklist& checklist, const ChecklistStep& step, Timestamp now) {
  return !checklist.close_time && IsOverdue(step, now);
}

ChecklistProgress Progress(const Checklist& checklist) {
  ChecklistProgress progress;
  for (const auto& step : checklist.steps) {
    ++progress.total;
    if (step.status != StepStatus::kPending) {
      ++progress.resolved;
    } else if (step.step.required) {
      ++progress.open_required;
    }
  }
  if (progress.total > 0) progress.percent = progress.resolved * 100 / progress.total;
  return progress;
}

StepDecision DecideStepResolution(const Checklist& checklist, const StepResolution& resolution) {
  std::size_t index = 0;
  while (index < checklist.steps.size() &&
         checklist.steps[index].step.step_id != resolution.step_id) {
    ++index;
  }
  if (index == checklist.steps.size()) {
    throw Error::NotFound("step '" + resolution.step_id + "' in the checklist of customer '" +
                          checklist.customer_id + "'");
  }
  const std::map<std::string, std::string> where = {
      {"customer_id", checklist.customer_id},
      {"step_id", resolution.step_id},
      {"onboarding_number", std::to_string(checklist.onboarding_number)}};
  if (checklist.close_time) {
    auto metadata = where;
    metadata["close_stage"] = std::string(StageName(checklist.close_stage.value_or(Stage::kNew)));
    throw Error::FailedPrecondition(
        "CHECKLIST_CLOSED", "the checklist closed when the customer left ONBOARDING", metadata);
  }
  const ChecklistStep& step = checklist.steps[index];
  if (step.status != StepStatus::kPending) {
    auto metadata = where;
    metadata["status"] = std::string(StepStatusName(step.status));
    throw Error::FailedPrecondition(
        "STEP_ALREADY_RESOLVED",
        "step '" + resolution.step_id + "' is already " + std::string(StepStatusName(step.status)),
        metadata);
  }
  if (resolution.action == StepAction::kComplete) return StepDecision{.index = index};

  StepDecision skip{.index = index, .status = StepStatus::kSkipped};
  if (!step.step.required) return skip;
  if (!resolution.override_reason.empty() && MayOverride(resolution.actor_role)) {
    skip.override_reason = resolution.override_reason;
    return skip;
  }
  auto metadata = where;
  metadata["override"] = resolution.override_reason.empty()
                             ? "give override_reason with a support or admin key"
                             : "needs role support or admin";
  throw Error::FailedPrecondition(
      "STEP_REQUIRED",
      "step '" + resolution.step_id + "' is required: only a support override may skip it",
      metadata);
}

}  // namespace lifecycle::domain
