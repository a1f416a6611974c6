#include "server/api/onboarding_proto.h"

#include <google/protobuf/util/time_util.h>

#include "server/api/converters.h"
#include "server/domain/checklist_rules.h"

namespace lifecycle::api {
namespace {

void StepTemplateToProto(const domain::StepTemplate& step, v1::ChecklistStepTemplate& out) {
  out.set_step_id(step.step_id);
  out.set_kind(static_cast<v1::StepKind>(step.kind));
  out.set_title(step.title);
  out.set_channel(static_cast<v1::Channel>(step.channel));
  out.mutable_due_offset()->set_seconds(step.due_offset.count());
  out.set_required(step.required);
}

}  // namespace

v1::ChecklistTemplate ToProto(const domain::ChecklistTemplate& checklist_template) {
  v1::ChecklistTemplate out;
  out.set_segment_id(checklist_template.segment_id);
  out.set_version(checklist_template.version);
  out.set_display_name(checklist_template.display_name);
  for (const auto& step : checklist_template.steps) StepTemplateToProto(step, *out.add_steps());
  *out.mutable_create_time() = ToProto(checklist_template.create_time);
  *out.mutable_update_time() = ToProto(checklist_template.update_time);
  return out;
}

v1::ChecklistStep ToProto(const domain::ChecklistStep& step, bool overdue) {
  v1::ChecklistStep out;
  out.set_step_id(step.step.step_id);
  out.set_kind(static_cast<v1::StepKind>(step.step.kind));
  out.set_title(step.step.title);
  out.set_channel(static_cast<v1::Channel>(step.step.channel));
  out.set_required(step.step.required);
  *out.mutable_due_time() = ToProto(step.due_time);
  out.set_status(static_cast<v1::StepStatus>(step.status));
  out.set_overdue(overdue);
  if (step.resolve_time) *out.mutable_resolve_time() = ToProto(*step.resolve_time);
  out.set_resolved_by(step.resolved_by);
  out.set_note(step.note);
  out.set_skip_reason(step.skip_reason);
  out.set_override_reason(step.override_reason);
  return out;
}

v1::Checklist ToProto(const domain::Checklist& checklist, domain::Timestamp now) {
  v1::Checklist out;
  out.set_customer_id(checklist.customer_id);
  out.set_onboarding_number(checklist.onboarding_number);
  out.set_segment_id(checklist.segment_id);
  out.set_template_version(checklist.template_version);
  *out.mutable_start_time() = ToProto(checklist.start_time);
  for (const auto& step : checklist.steps) {
    *out.add_steps() = ToProto(step, domain::IsOverdue(checklist, step, now));
  }
  const domain::ChecklistProgress progress = domain::Progress(checklist);
  out.set_progress_percent(progress.percent);
  out.set_open_required_steps(progress.open_required);
  if (checklist.close_time) *out.mutable_close_time() = ToProto(*checklist.close_time);
  if (checklist.close_stage) out.set_close_stage(ToProto(*checklist.close_stage));
  return out;
}

v1::OverdueStep ToProto(const storage::OverdueStep& overdue, domain::Timestamp now) {
  v1::OverdueStep out;
  out.set_customer_id(overdue.customer_id);
  out.set_segment_id(overdue.segment_id);
  out.set_onboarding_number(overdue.onboarding_number);
  *out.mutable_step() = ToProto(overdue.step, domain::IsOverdue(overdue.step, now));
  return out;
}

v1::FollowUp ToProto(const domain::FollowUp& follow_up) {
  v1::FollowUp out;
  out.set_follow_up_id(follow_up.follow_up_id);
  out.set_customer_id(follow_up.customer_id);
  out.set_onboarding_number(follow_up.onboarding_number);
  out.set_agent_id(follow_up.agent_id);
  out.set_channel(static_cast<v1::Channel>(follow_up.channel));
  out.set_activated(static_cast<v1::Activation>(follow_up.activated));
  out.set_needed_help(follow_up.needed_help);
  if (follow_up.help_kind) out.set_help_kind(static_cast<v1::HelpKind>(*follow_up.help_kind));
  out.set_help_quality(follow_up.help_quality);
  out.set_help_reason(follow_up.help_reason);
  out.set_outcome(static_cast<v1::FollowUpOutcome>(follow_up.outcome));
  out.set_note(follow_up.note);
  *out.mutable_create_time() = ToProto(follow_up.create_time);
  out.set_logged_by(follow_up.logged_by);
  return out;
}

v1::OnboardingMetrics ToProto(const domain::OnboardingMetrics& metrics,
                              const std::string& segment_id, domain::Timestamp start,
                              domain::Timestamp end) {
  using domain::Share;
  v1::OnboardingMetrics out;
  out.set_segment_id(segment_id);
  *out.mutable_start_time() = ToProto(start);
  *out.mutable_end_time() = ToProto(end);
  out.set_customers_started(metrics.started);
  out.set_customers_completed(metrics.completed);
  out.set_completion_rate(Share(metrics.completed, metrics.started));
  *out.mutable_median_time_to_complete() = google::protobuf::util::TimeUtil::MicrosecondsToDuration(
      metrics.median_time_to_complete.count());
  out.set_customers_followed_up(metrics.followed_up);
  out.set_activation_answered(metrics.activation_answered);
  out.set_customers_activated(metrics.activated);
  out.set_activation_rate(Share(metrics.activated, metrics.activation_answered));
  out.set_customers_needing_help(metrics.needing_help);
  out.set_needing_help_share(Share(metrics.needing_help, metrics.followed_up));
  for (const auto& [kind, customers] : metrics.needing_help_by_kind) {
    auto* share = out.add_help_by_kind();
    share->set_kind(static_cast<v1::HelpKind>(kind));
    share->set_customers(customers);
    share->set_share(Share(customers, metrics.followed_up));
  }
  out.set_average_help_quality(metrics.average_help_quality);
  out.set_help_ratings(metrics.help_ratings);
  return out;
}

}  // namespace lifecycle::api
