#include "server/api/checklist_template_requests.h"

#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
namespace {

const std::vector<std::string> kUpdatablePaths = {"display_name", "steps"};

std::chrono::seconds CheckDueOffset(domain::Violations& violations, const std::string& field,
                                    const google::protobuf::Duration& offset) {
  const std::chrono::seconds seconds(offset.seconds());
  if (offset.nanos() != 0 || seconds.count() < 0 || seconds > domain::kMaxDueOffset) {
    violations.Add(field, "must be whole seconds from 0 to 365 days");
    return std::chrono::seconds(0);
  }
  return seconds;
}

std::vector<domain::StepTemplate> CheckSteps(
    domain::Violations& violations,
    const google::protobuf::RepeatedPtrField<v1::ChecklistStepTemplate>& steps) {
  std::vector<domain::StepTemplate> out;
  if (steps.empty() || steps.size() > static_cast<int>(domain::kMaxTemplateSteps)) {
    violations.Add("template.steps",
                   "must hold 1 to " + std::to_string(domain::kMaxTemplateSteps) + " steps");
    return out;
  }
  std::set<std::string> seen;
  for (int i = 0; i < steps.size(); ++i) {
    const v1::ChecklistStepTemplate& in = steps[i];
    const std::string path = "template.steps[" + std::to_string(i) + "]";
    domain::StepTemplate step{
        .step_id = in.step_id(), .title = in.title(), .required = in.required()};
    CheckId(violations, path + ".step_id", in.step_id());
    if (!seen.insert(in.step_id()).second) {
      violations.Add(path + ".step_id", "is used by an earlier step");
    }
    if (auto kind = CheckEnum(violations, path + ".kind", in.kind(), domain::StepKindFromNumber)) {
      step.kind = *kind;
    }
    CheckRequiredText(violations, path + ".title", in.title(), domain::kMaxStepTitleLength);
    if (auto channel =
            CheckEnum(violations, path + ".channel", in.channel(), domain::ChannelFromNumber)) {
      step.channel = *channel;
    }
    step.due_offset = CheckDueOffset(violations, path + ".due_offset", in.due_offset());
    out.push_back(std::move(step));
  }
  return out;
}

// The fields of a template named in `fields`.
void CheckContent(domain::Violations& violations, const v1::ChecklistTemplate& in,
                  domain::ChecklistTemplate& out, const std::set<std::string>& fields) {
  if (fields.contains("display_name")) {
    CheckRequiredText(violations, "template.display_name", in.display_name(),
                      domain::kMaxDisplayNameLength);
    out.display_name = in.display_name();
  }
  if (fields.contains("steps")) out.steps = CheckSteps(violations, in.steps());
}

}  // namespace

domain::ChecklistTemplate ValidateCreateChecklistTemplate(
    const v1::CreateChecklistTemplateRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_template_()) {
    violations.Add("template", "is required");
    std::move(violations).ThrowIfAny();
  }
  domain::ChecklistTemplate out{.segment_id = request.template_().segment_id()};
  CheckId(violations, "template.segment_id", out.segment_id);
  CheckContent(violations, request.template_(), out,
               {kUpdatablePaths.begin(), kUpdatablePaths.end()});
  std::move(violations).ThrowIfAny();
  return out;
}

TemplateQuery ValidateGetChecklistTemplate(const v1::GetChecklistTemplateRequest& request) {
  domain::Violations violations;
  CheckId(violations, "segment_id", request.segment_id());
  TemplateQuery query{.segment_id = request.segment_id(),
                      .version = CheckVersion(violations, request.version())};
  std::move(violations).ThrowIfAny();
  return query;
}

TemplateUpdate ValidateUpdateChecklistTemplate(const v1::UpdateChecklistTemplateRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_template_()) {
    violations.Add("template", "is required");
    std::move(violations).ThrowIfAny();
  }
  TemplateUpdate update;
  update.patch.segment_id = request.template_().segment_id();
  CheckId(violations, "template.segment_id", update.patch.segment_id);
  update.mask = CheckUpdateMask(violations, request.update_mask(), kUpdatablePaths);
  CheckContent(violations, request.template_(), update.patch, update.mask);
  CheckExpectedVersion(violations, request.has_expected_version(), request.expected_version(),
                       update.expected_version);
  std::move(violations).ThrowIfAny();
  return update;
}

domain::ChecklistTemplate ApplyTemplateUpdate(const domain::ChecklistTemplate& current,
                                              const TemplateUpdate& update) {
  domain::ChecklistTemplate next = current;
  if (update.mask.contains("display_name")) next.display_name = update.patch.display_name;
  if (update.mask.contains("steps")) next.steps = update.patch.steps;
  return next;
}

TemplateListQuery ValidateListChecklistTemplates(const v1::ListChecklistTemplatesRequest& request) {
  domain::Violations violations;
  TemplateListQuery query{.page_size = CheckPageSize(violations, request.page_size()),
                          .query_digest = "checklist_templates"};
  CheckPageToken(violations, request.page_token(), query.query_digest, 1, [&](const auto& at) {
    CheckId(violations, "page_token", at[0]);
    query.after = at[0];
  });
  std::move(violations).ThrowIfAny();
  return query;
}

}  // namespace lifecycle::api
