#include "server/api/onboarding_requests.h"

#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
namespace {

std::optional<std::string> OptionalSegment(domain::Violations& violations,
                                           const std::string& segment_id) {
  if (segment_id.empty()) return std::nullopt;
  CheckId(violations, "segment_id", segment_id);
  return segment_id;
}

std::optional<domain::Timestamp> CheckTime(domain::Violations& violations, const std::string& field,
                                           bool has, const google::protobuf::Timestamp& time) {
  if (!has) {
    violations.Add(field, "is required");
  } else if (!IsValidTimestamp(time)) {
    violations.Add(field, "is not a valid timestamp");
  } else {
    return FromProto(time);
  }
  return std::nullopt;
}

// The fields CompleteStep and SkipStep share.
domain::StepResolution CheckStepTarget(domain::Violations& violations,
                                       const std::string& request_id,
                                       const std::string& customer_id, const std::string& step_id) {
  CheckRequestId(violations, request_id);
  CheckId(violations, "customer_id", customer_id);
  CheckId(violations, "step_id", step_id);
  return domain::StepResolution{
      .customer_id = customer_id, .step_id = step_id, .request_id = request_id};
}

}  // namespace

std::string ValidateGetChecklist(const v1::GetChecklistRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  std::move(violations).ThrowIfAny();
  return request.customer_id();
}

domain::StepResolution ValidateCompleteStep(const v1::CompleteStepRequest& request) {
  domain::Violations violations;
  domain::StepResolution resolution =
      CheckStepTarget(violations, request.request_id(), request.customer_id(), request.step_id());
  CheckOptionalText(violations, "note", request.note(), domain::kMaxStepNoteLength);
  resolution.note = request.note();
  std::move(violations).ThrowIfAny();
  return resolution;
}

domain::StepResolution ValidateSkipStep(const v1::SkipStepRequest& request) {
  domain::Violations violations;
  domain::StepResolution resolution =
      CheckStepTarget(violations, request.request_id(), request.customer_id(), request.step_id());
  resolution.action = domain::StepAction::kSkip;
  CheckRequiredText(violations, "reason", request.reason(), kMaxSkipReasonLength);
  CheckOptionalText(violations, "override_reason", request.override_reason(), kMaxSkipReasonLength);
  resolution.reason = request.reason();
  resolution.override_reason = request.override_reason();
  std::move(violations).ThrowIfAny();
  return resolution;
}

domain::FollowUp ValidateLogFollowUp(const v1::LogFollowUpRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_follow_up()) {
    violations.Add("follow_up", "is required");
    std::move(violations).ThrowIfAny();
  }
  const v1::FollowUp& in = request.follow_up();
  domain::FollowUp out{.customer_id = in.customer_id(),
                       .agent_id = in.agent_id(),
                       .needed_help = in.needed_help(),
                       .help_quality = in.help_quality(),
                       .help_reason = in.help_reason(),
                       .note = in.note()};
  CheckId(violations, "follow_up.customer_id", in.customer_id());
  CheckId(violations, "follow_up.agent_id", in.agent_id());
  if (auto channel =
          CheckEnum(violations, "follow_up.channel", in.channel(), domain::ChannelFromNumber)) {
    out.channel = *channel;
  }
  if (auto activated = CheckEnum(violations, "follow_up.activated", in.activated(),
                                 domain::ActivationFromNumber)) {
    out.activated = *activated;
  }
  if (auto outcome = CheckEnum(violations, "follow_up.outcome", in.outcome(),
                               domain::FollowUpOutcomeFromNumber)) {
    out.outcome = *outcome;
  }
  CheckOptionalText(violations, "follow_up.note", in.note(), domain::kMaxFollowUpNoteLength);
  if (in.needed_help()) {
    out.help_kind =
        CheckEnum(violations, "follow_up.help_kind", in.help_kind(), domain::HelpKindFromNumber);
    if (in.help_quality() != 0 && (in.help_quality() < domain::kMinHelpQuality ||
                                   in.help_quality() > domain::kMaxHelpQuality)) {
      violations.Add("follow_up.help_quality", "must be 1 to 5 (0: not rated)");
    }
    CheckOptionalText(violations, "follow_up.help_reason", in.help_reason(),
                      domain::kMaxHelpReasonLength);
  } else {
    // Help that was not needed has no kind, rating or reason.
    const std::string why = "must be unset unless needed_help";
    if (in.help_kind() != v1::HELP_KIND_UNSPECIFIED) violations.Add("follow_up.help_kind", why);
    if (in.help_quality() != 0) violations.Add("follow_up.help_quality", why);
    if (!in.help_reason().empty()) violations.Add("follow_up.help_reason", why);
  }
  std::move(violations).ThrowIfAny();
  return out;
}

FollowUpListQuery ValidateListFollowUps(const v1::ListFollowUpsRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  FollowUpListQuery query{.customer_id = request.customer_id(),
                          .page_size = CheckPageSize(violations, request.page_size()),
                          .query_digest = "follow_ups;" + request.customer_id()};
  CheckPageToken(violations, request.page_token(), query.query_digest, 1,
                 [&](const auto& at) { query.before = PositivePosition(at[0]); });
  std::move(violations).ThrowIfAny();
  return query;
}

OverdueQuery ValidateListOverdueSteps(const v1::ListOverdueStepsRequest& request) {
  domain::Violations violations;
  OverdueQuery query{.segment_id = OptionalSegment(violations, request.segment_id()),
                     .page_size = CheckPageSize(violations, request.page_size()),
                     .query_digest = "overdue;" + request.segment_id()};
  // Position: due time (epoch micros), customer id, checklist position + 1
  // (PositivePosition reads numbers from 1).
  CheckPageToken(violations, request.page_token(), query.query_digest, 3, [&](const auto& at) {
    CheckId(violations, "page_token", at[1]);
    query.after = storage::OverduePosition{
        .due_time = domain::Timestamp(std::chrono::microseconds(PositivePosition(at[0]))),
        .customer_id = at[1],
        .position = static_cast<int>(PositivePosition(at[2]) - 1)};
  });
  std::move(violations).ThrowIfAny();
  return query;
}

MetricsQuery ValidateGetOnboardingMetrics(const v1::GetOnboardingMetricsRequest& request) {
  domain::Violations violations;
  MetricsQuery query{.segment_id = OptionalSegment(violations, request.segment_id())};
  auto start = CheckTime(violations, "start_time", request.has_start_time(), request.start_time());
  auto end = CheckTime(violations, "end_time", request.has_end_time(), request.end_time());
  if (start && end && *start >= *end) violations.Add("end_time", "must be after start_time");
  std::move(violations).ThrowIfAny();
  query.start = *start;
  query.end = *end;
  return query;
}

}  // namespace lifecycle::api
