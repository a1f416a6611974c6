#pragma once

// Validation of the OnboardingService requests about customers: checklists,
// steps, follow-ups, the overdue queue and metrics (templates:
// checklist_template_requests.h). Each function throws INVALID_ARGUMENT
// naming every bad field.

#include <cstdint>
#include <optional>
#include <string>

#include "lifecycle/v1/onboarding.pb.h"
#include "server/domain/checklist.h"
#include "server/domain/checklist_rules.h"
#include "server/domain/follow_up.h"
#include "storage/onboarding_store.h"

namespace lifecycle::api {

inline constexpr std::size_t kMaxSkipReasonLength = 1000;

struct FollowUpListQuery {
  std::string customer_id;
  int page_size = 0;
  std::optional<std::int64_t> before;  // follow_up_id
  std::string query_digest;
};

struct OverdueQuery {
  std::optional<std::string> segment_id;
  int page_size = 0;
  std::optional<storage::OverduePosition> after;
  std::string query_digest;
};

struct MetricsQuery {
  std::optional<std::string> segment_id;
  domain::Timestamp start;
  domain::Timestamp end;
};

std::string ValidateGetChecklist(const v1::GetChecklistRequest& request);
// The parts that come from the request; the caller adds actor and role.
domain::StepResolution ValidateCompleteStep(const v1::CompleteStepRequest& request);
domain::StepResolution ValidateSkipStep(const v1::SkipStepRequest& request);

// The parts that come from the request; the caller adds logged_by.
domain::FollowUp ValidateLogFollowUp(const v1::LogFollowUpRequest& request);
FollowUpListQuery ValidateListFollowUps(const v1::ListFollowUpsRequest& request);
OverdueQuery ValidateListOverdueSteps(const v1::ListOverdueStepsRequest& request);
MetricsQuery ValidateGetOnboardingMetrics(const v1::GetOnboardingMetricsRequest& request);

}  // namespace lifecycle::api
