// The rules of onboarding checklists, without a database: instantiating a
// template (due dates), progress, overdue, and who may complete or skip what.

#include "server/domain/checklist_rules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server/domain/error.h"

namespace lifecycle::domain {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const Timestamp kStart = Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 3 / 1));

ChecklistTemplate Template() {
  return ChecklistTemplate{
      .segment_id = "smb",
      .version = 3,
      .display_name = "SMB welcome",
      .steps = {{.step_id = "thank",
                 .kind = StepKind::kAcknowledge,
                 .title = "Thank you",
                 .channel = Channel::kEmail,
                 .due_offset = seconds(0),
                 .required = true},
                {.step_id = "teach",
                 .kind = StepKind::kEducate,
                 .title = "Video tour",
                 .channel = Channel::kVideo,
                 .due_offset = hours(48),
                 .required = true},
                {.step_id = "news",
                 .kind = StepKind::kShareNews,
                 .title = "Newsletter",
                 .channel = Channel::kEmail,
                 .due_offset = hours(24 * 7),
                 .required = false}},
  };
}

Checklist WithStatuses(std::vector<StepStatus> statuses) {
  const ChecklistTemplate from = Template();
  Checklist checklist = NewChecklist("c-1", 1, "smb", &from, kStart);
  for (std::size_t i = 0; i < statuses.size(); ++i) checklist.steps[i].status = statuses[i];
  return checklist;
}

TEST(NewChecklistTest, CopiesTheTemplateInOrderWithDueTimesFromTheStart) {
  const ChecklistTemplate from = Template();
  const Checklist checklist = NewChecklist("c-1", 2, "smb", &from, kStart);
  EXPECT_EQ(checklist.customer_id, "c-1");
  EXPECT_EQ(checklist.onboarding_number, 2);
  EXPECT_EQ(checklist.segment_id, "smb");
  EXPECT_EQ(checklist.template_version, 3);
  EXPECT_EQ(checklist.start_time, kStart);
  ASSERT_EQ(checklist.steps.size(), 3u);
  EXPECT_EQ(checklist.steps[0].step.step_id, "thank");
  EXPECT_EQ(checklist.steps[1].step.step_id, "teach");
  EXPECT_EQ(checklist.steps[0].due_time, kStart);
  EXPECT_EQ(checklist.steps[1].due_time, kStart + hours(48));
  EXPECT_EQ(checklist.steps[2].due_time, kStart + hours(168));
  for (const auto& step : checklist.steps) EXPECT_EQ(step.status, StepStatus::kPending);
  EXPECT_FALSE(checklist.close_time);
}

TEST(NewChecklistTest, WithoutATemplateIsEmptyAndRequiresNothing) {
  const Checklist checklist = NewChecklist("c-1", 1, "vip", nullptr, kStart);
  EXPECT_TRUE(checklist.steps.empty());
  EXPECT_EQ(checklist.segment_id, "vip");
  EXPECT_EQ(checklist.template_version, 0);
  const ChecklistProgress progress = Progress(checklist);
  EXPECT_EQ(progress.total, 0);
  EXPECT_EQ(progress.open_required, 0);
  EXPECT_EQ(progress.percent, 100);
}

TEST(DueTimeTest, IsTheStartPlusTheOffset) {
  EXPECT_EQ(DueTime(kStart, seconds(0)), kStart);
  EXPECT_EQ(DueTime(kStart, seconds(90)), kStart + seconds(90));
}

TEST(IsOverdueTest, OnlyPendingStepsPastTheirDueTime) {
  Checklist checklist = WithStatuses({});
  const ChecklistStep& teach = checklist.steps[1];  // due start + 48h
  EXPECT_FALSE(IsOverdue(teach, kStart + hours(47)));
  EXPECT_FALSE(IsOverdue(teach, teach.due_time));  // due now: not late yet
  EXPECT_TRUE(IsOverdue(teach, teach.due_time + std::chrono::microseconds(1)));
  EXPECT_TRUE(IsOverdue(checklist, teach, kStart + hours(100)));
  checklist.close_time = kStart + hours(1);  // left ONBOARDING
  EXPECT_FALSE(IsOverdue(checklist, teach, kStart + hours(100)));
  checklist.steps[1].status = StepStatus::kDone;
  EXPECT_FALSE(IsOverdue(checklist.steps[1], kStart + hours(100)));
  checklist.steps[1].status = StepStatus::kSkipped;
  EXPECT_FALSE(IsOverdue(checklist.steps[1], kStart + hours(100)));
}

struct ProgressCase {
  std::string name;
  std::vector<StepStatus> statuses;  // of thank (req), teach (req), news (opt)
  int resolved;
  int open_required;
  int percent;
};

class ProgressTest : public testing::TestWithParam<ProgressCase> {};

TEST_P(ProgressTest, CountsResolvedAndOpenRequiredSteps) {
  const ChecklistProgress progress = Progress(WithStatuses(GetParam().statuses));
  EXPECT_EQ(progress.total, 3);
  EXPECT_EQ(progress.resolved, GetParam().resolved);
  EXPECT_EQ(progress.open_required, GetParam().open_required);
  EXPECT_EQ(progress.percent, GetParam().percent);
}

using enum StepStatus;
INSTANTIATE_TEST_SUITE_P(
    Statuses, ProgressTest,
    testing::Values(ProgressCase{"nothing_done", {kPending, kPending, kPending}, 0, 2, 0},
                    // 1 of 3 is 33%, rounded down.
                    ProgressCase{"optional_done", {kPending, kPending, kDone}, 1, 2, 33},
                    ProgressCase{"one_required_done", {kDone, kPending, kPending}, 1, 1, 33},
                    ProgressCase{"required_skipped", {kDone, kSkipped, kPending}, 2, 0, 66},
                    ProgressCase{"all_resolved", {kDone, kDone, kSkipped}, 3, 0, 100}),
    [](const auto& info) { return info.param.name; });

// ------------------------------------------------------------ resolution

StepResolution Complete(const std::string& step_id) {
  return StepResolution{
      .customer_id = "c-1", .step_id = step_id, .actor = "key-1", .actor_role = Role::kService};
}

StepResolution Skip(const std::string& step_id, Role role, const std::string& override_reason) {
  return StepResolution{.customer_id = "c-1",
                        .step_id = step_id,
                        .action = StepAction::kSkip,
                        .actor = "key-1",
                        .actor_role = role,
                        .reason = "customer declined",
                        .override_reason = override_reason};
}

Error ErrorOf(const Checklist& checklist, const StepResolution& resolution) {
  try {
    DecideStepResolution(checklist, resolution);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected an error";
  return Error::Internal("none");
}

TEST(DecideStepResolutionTest, CompletesAPendingStepByItsId) {
  const StepDecision decision = DecideStepResolution(WithStatuses({}), Complete("teach"));
  EXPECT_EQ(decision.index, 1u);
  EXPECT_EQ(decision.status, StepStatus::kDone);
  EXPECT_EQ(decision.override_reason, "");
}

TEST(DecideStepResolutionTest, AnUnknownStepIsNotFound) {
  EXPECT_EQ(ErrorOf(WithStatuses({}), Complete("nope")).code(), ErrorCode::kNotFound);
}

TEST(DecideStepResolutionTest, AResolvedStepCannotBeResolvedAgain) {
  const Error error = ErrorOf(WithStatuses({kDone}), Complete("thank"));
  EXPECT_EQ(error.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error.reason(), "STEP_ALREADY_RESOLVED");
  EXPECT_EQ(error.metadata().at("status"), "DONE");
  EXPECT_EQ(ErrorOf(WithStatuses({kSkipped}), Skip("thank", Role::kAdmin, "x")).reason(),
            "STEP_ALREADY_RESOLVED");
}

TEST(DecideStepResolutionTest, AClosedChecklistTakesNoMoreSteps) {
  Checklist checklist = WithStatuses({});
  checklist.close_time = kStart + hours(1);
  checklist.close_stage = Stage::kLapsed;
  const Error error = ErrorOf(checklist, Complete("teach"));
  EXPECT_EQ(error.reason(), "CHECKLIST_CLOSED");
  EXPECT_EQ(error.metadata().at("close_stage"), "LAPSED");
}

TEST(DecideStepResolutionTest, AnyoneWhoMayResolveStepsMaySkipAnOptionalOne) {
  const StepDecision decision =
      DecideStepResolution(WithStatuses({}), Skip("news", Role::kService, ""));
  EXPECT_EQ(decision.index, 2u);
  EXPECT_EQ(decision.status, StepStatus::kSkipped);
  EXPECT_EQ(decision.override_reason, "");
}

struct RequiredSkipCase {
  std::string name;
  Role role;
  std::string override_reason;
  bool allowed;
};

class RequiredSkipTest : public testing::TestWithParam<RequiredSkipCase> {};

TEST_P(RequiredSkipTest, NeedsAnOverrideBySupportOrAdmin) {
  const auto& c = GetParam();
  const Checklist checklist = WithStatuses({});
  if (c.allowed) {
    const StepDecision decision =
        DecideStepResolution(checklist, Skip("teach", c.role, c.override_reason));
    EXPECT_EQ(decision.status, StepStatus::kSkipped);
    EXPECT_EQ(decision.override_reason, c.override_reason);
  } else {
    const Error error = ErrorOf(checklist, Skip("teach", c.role, c.override_reason));
    EXPECT_EQ(error.code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(error.reason(), "STEP_REQUIRED");
    EXPECT_EQ(error.metadata().at("step_id"), "teach");
    EXPECT_FALSE(error.metadata().at("override").empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Roles, RequiredSkipTest,
    testing::Values(RequiredSkipCase{"support_without_override", Role::kSupport, "", false},
                    RequiredSkipCase{"admin_without_override", Role::kAdmin, "", false},
                    RequiredSkipCase{"service_with_override", Role::kService, "asked", false},
                    RequiredSkipCase{"readonly_with_override", Role::kReadonly, "asked", false},
                    RequiredSkipCase{"support_with_override", Role::kSupport, "done by phone",
                                     true},
                    RequiredSkipCase{"admin_with_override", Role::kAdmin, "done by phone", true}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lifecycle::domain
