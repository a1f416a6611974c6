#pragma once

// Validation of the OnboardingService template requests. Each function
// throws INVALID_ARGUMENT naming every bad field.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "lifecycle/v1/onboarding.pb.h"
#include "server/domain/checklist.h"

namespace lifecycle::api {

struct TemplateQuery {
  std::string segment_id;
  std::optional<std::int64_t> version;
};

struct TemplateUpdate {
  domain::ChecklistTemplate patch;  // segment_id and the masked fields
  std::set<std::string> mask;
  std::optional<std::int64_t> expected_version;
};

struct TemplateListQuery {
  int page_size = 0;
  std::string after;  // segment_id
  std::string query_digest;
};

domain::ChecklistTemplate ValidateCreateChecklistTemplate(
    const v1::CreateChecklistTemplateRequest& request);
TemplateQuery ValidateGetChecklistTemplate(const v1::GetChecklistTemplateRequest& request);
TemplateUpdate ValidateUpdateChecklistTemplate(const v1::UpdateChecklistTemplateRequest& request);
// The current version with the masked fields replaced.
domain::ChecklistTemplate ApplyTemplateUpdate(const domain::ChecklistTemplate& current,
                                              const TemplateUpdate& update);
TemplateListQuery ValidateListChecklistTemplates(const v1::ListChecklistTemplatesRequest& request);

}  // namespace lifecycle::api
