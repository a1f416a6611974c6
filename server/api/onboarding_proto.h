#pragma once

// OnboardingService domain -> wire conversions.

#include "lifecycle/v1/onboarding.pb.h"
#include "server/domain/checklist.h"
#include "server/domain/follow_up.h"
#include "storage/onboarding_store.h"

namespace lifecycle::api {

v1::ChecklistTemplate ToProto(const domain::ChecklistTemplate& checklist_template);
v1::ChecklistStep ToProto(const domain::ChecklistStep& step, bool overdue);
// `now` decides which pending steps are overdue.
v1::Checklist ToProto(const domain::Checklist& checklist, domain::Timestamp now);
v1::OverdueStep ToProto(const storage::OverdueStep& overdue, domain::Timestamp now);
v1::FollowUp ToProto(const domain::FollowUp& follow_up);
v1::OnboardingMetrics ToProto(const domain::OnboardingMetrics& metrics,
                              const std::string& segment_id, domain::Timestamp start,
                              domain::Timestamp end);

}  // namespace lifecycle::api
