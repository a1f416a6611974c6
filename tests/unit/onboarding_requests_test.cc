// Validation of OnboardingService requests: every kind of bad input is
// named by its exact request path, and valid requests become the right
// domain values.

#include "server/api/onboarding_requests.h"

#include <gtest/gtest.h>

#include <string>

#include "lifecycle/v1/onboarding.pb.h"
#include "server/api/checklist_template_requests.h"
#include "server/api/page_token.h"
#include "tests/support/request_cases.h"

namespace lifecycle::api {
namespace {

using validation_testing::Case;
using validation_testing::CaseName;
using validation_testing::Fields;
using validation_testing::Sorted;
using validation_testing::SortFields;
using validation_testing::ViolatedFields;

void AddStep(v1::ChecklistTemplate& t, const std::string& step_id, bool required) {
  auto* step = t.add_steps();
  step->set_step_id(step_id);
  step->set_kind(v1::STEP_KIND_ACKNOWLEDGE);
  step->set_title("Say thank you");
  step->set_channel(v1::CHANNEL_EMAIL);
  step->mutable_due_offset()->set_seconds(3600);
  step->set_required(required);
}

// ------------------------------------------------ CreateChecklistTemplate

v1::CreateChecklistTemplateRequest ValidCreate() {
  v1::CreateChecklistTemplateRequest request;
  request.set_request_id("req-1");
  request.mutable_template_()->set_segment_id("smb");
  request.mutable_template_()->set_display_name("SMB welcome");
  AddStep(*request.mutable_template_(), "thank", true);
  AddStep(*request.mutable_template_(), "tour", false);
  return request;
}

using CreateCase = Case<v1::CreateChecklistTemplateRequest>;
class ValidateCreateTemplateTest : public testing::TestWithParam<CreateCase> {};

TEST_P(ValidateCreateTemplateTest, ReportsExactlyTheBadFields) {
  auto request = ValidCreate();
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateCreateChecklistTemplate(request); }), GetParam().fields);
}

v1::ChecklistStepTemplate& Step0(v1::CreateChecklistTemplateRequest& r) {
  return *r.mutable_template_()->mutable_steps(0);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateCreateTemplateTest,
    testing::ValuesIn(SortFields<v1::CreateChecklistTemplateRequest>({
        {"Valid", [](auto&) {}, {}},
        {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
        {"NoTemplate", [](auto& r) { r.clear_template_(); }, {"template"}},
        {"BadSegmentId",
         [](auto& r) { r.mutable_template_()->set_segment_id("a b"); },
         {"template.segment_id"}},
        {"NoDisplayName",
         [](auto& r) { r.mutable_template_()->clear_display_name(); },
         {"template.display_name"}},
        {"DisplayNameTooLong",
         [](auto& r) { r.mutable_template_()->set_display_name(std::string(201, 'x')); },
         {"template.display_name"}},
        {"NoSteps", [](auto& r) { r.mutable_template_()->clear_steps(); }, {"template.steps"}},
        {"FiftyOneSteps",
         [](auto& r) {
           for (int i = 0; i < 49; ++i) AddStep(*r.mutable_template_(), "s" + std::to_string(i), 0);
         },
         {"template.steps"}},
        {"FiftySteps",
         [](auto& r) {
           for (int i = 0; i < 48; ++i) AddStep(*r.mutable_template_(), "s" + std::to_string(i), 0);
         },
         {}},
        {"BadStepId", [](auto& r) { Step0(r).set_step_id(""); }, {"template.steps[0].step_id"}},
        {"DuplicateStepId",
         [](auto& r) { r.mutable_template_()->mutable_steps(1)->set_step_id("thank"); },
         {"template.steps[1].step_id"}},
        {"NoKind", [](auto& r) { Step0(r).clear_kind(); }, {"template.steps[0].kind"}},
        {"UnknownKind",
         [](auto& r) { Step0(r).set_kind(static_cast<v1::StepKind>(99)); },
         {"template.steps[0].kind"}},
        {"NoTitle", [](auto& r) { Step0(r).clear_title(); }, {"template.steps[0].title"}},
        {"TitleWithControl",
         [](auto& r) { Step0(r).set_title("a\x01"); },
         {"template.steps[0].title"}},
        {"NoChannel", [](auto& r) { Step0(r).clear_channel(); }, {"template.steps[0].channel"}},
        {"UnknownChannel",
         [](auto& r) { Step0(r).set_channel(static_cast<v1::Channel>(42)); },
         {"template.steps[0].channel"}},
        {"NegativeOffset",
         [](auto& r) { Step0(r).mutable_due_offset()->set_seconds(-1); },
         {"template.steps[0].due_offset"}},
        {"FractionalOffset",
         [](auto& r) { Step0(r).mutable_due_offset()->set_nanos(5); },
         {"template.steps[0].due_offset"}},
        {"OffsetOverAYear",
         [](auto& r) { Step0(r).mutable_due_offset()->set_seconds(365 * 86400 + 1); },
         {"template.steps[0].due_offset"}},
        {"OffsetOfAYear",
         [](auto& r) { Step0(r).mutable_due_offset()->set_seconds(365 * 86400); },
         {}},
        {"NoOffsetIsDueAtStart", [](auto& r) { Step0(r).clear_due_offset(); }, {}},
        {"SeveralAtOnce",
         [](auto& r) {
           r.clear_request_id();
           Step0(r).clear_title();
           r.mutable_template_()->mutable_steps(1)->clear_channel();
         },
         {"request_id", "template.steps[0].title", "template.steps[1].channel"}},
    })),
    CaseName<v1::CreateChecklistTemplateRequest>);

TEST(ValidateCreateTemplateValueTest, KeepsTheStepsInOrder) {
  const domain::ChecklistTemplate t = ValidateCreateChecklistTemplate(ValidCreate());
  EXPECT_EQ(t.segment_id, "smb");
  ASSERT_EQ(t.steps.size(), 2u);
  EXPECT_EQ(t.steps[0].step_id, "thank");
  EXPECT_TRUE(t.steps[0].required);
  EXPECT_EQ(t.steps[0].kind, domain::StepKind::kAcknowledge);
  EXPECT_EQ(t.steps[0].channel, domain::Channel::kEmail);
  EXPECT_EQ(t.steps[0].due_offset, std::chrono::seconds(3600));
  EXPECT_EQ(t.steps[1].step_id, "tour");
  EXPECT_FALSE(t.steps[1].required);
}

// ------------------------------------------------ UpdateChecklistTemplate

using UpdateCase = Case<v1::UpdateChecklistTemplateRequest>;
class ValidateUpdateTemplateTest : public testing::TestWithParam<UpdateCase> {};

TEST_P(ValidateUpdateTemplateTest, ReportsExactlyTheBadFields) {
  v1::UpdateChecklistTemplateRequest request;
  request.set_request_id("req-1");
  request.mutable_template_()->set_segment_id("smb");
  request.mutable_template_()->set_display_name("New name");
  request.mutable_update_mask()->add_paths("display_name");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateUpdateChecklistTemplate(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateUpdateTemplateTest,
    testing::ValuesIn(SortFields<v1::UpdateChecklistTemplateRequest>({
        {"Valid", [](auto&) {}, {}},
        {"NoMask", [](auto& r) { r.clear_update_mask(); }, {"update_mask"}},
        {"UnknownPath",
         [](auto& r) { r.mutable_update_mask()->add_paths("version"); },
         {"update_mask.paths"}},
        {"StepsMaskedButEmpty",
         [](auto& r) { r.mutable_update_mask()->add_paths("steps"); },
         {"template.steps"}},
        {"StepsNotMaskedAreIgnored",
         [](auto& r) { AddStep(*r.mutable_template_(), "", true); },
         {}},
        {"ExpectedVersionZero", [](auto& r) { r.set_expected_version(0); }, {"expected_version"}},
        {"ExpectedVersionOne", [](auto& r) { r.set_expected_version(1); }, {}},
        {"NoTemplate", [](auto& r) { r.clear_template_(); }, {"template"}},
        {"NoSegmentId",
         [](auto& r) { r.mutable_template_()->clear_segment_id(); },
         {"template.segment_id"}},
    })),
    CaseName<v1::UpdateChecklistTemplateRequest>);

TEST(ApplyTemplateUpdateTest, ReplacesOnlyTheMaskedFields) {
  domain::ChecklistTemplate current{.segment_id = "smb", .version = 2, .display_name = "Old"};
  current.steps.push_back({.step_id = "thank"});
  v1::UpdateChecklistTemplateRequest request;
  request.set_request_id("r");
  request.mutable_template_()->set_segment_id("smb");
  request.mutable_template_()->set_display_name("New");
  request.mutable_update_mask()->add_paths("display_name");
  const auto next = ApplyTemplateUpdate(current, ValidateUpdateChecklistTemplate(request));
  EXPECT_EQ(next.display_name, "New");
  ASSERT_EQ(next.steps.size(), 1u);
  EXPECT_EQ(next.steps[0].step_id, "thank");
}

TEST(ValidateGetTemplateTest, NamesBadSegmentAndVersion) {
  v1::GetChecklistTemplateRequest request;
  request.set_version(-1);
  EXPECT_EQ(ViolatedFields([&] { ValidateGetChecklistTemplate(request); }),
            Sorted({"segment_id", "version"}));
  request.set_segment_id("smb");
  request.set_version(2);
  EXPECT_EQ(ValidateGetChecklistTemplate(request).version, 2);
}

TEST(ValidateListTemplatesTest, RefusesTokensOfOtherListsAndBadSizes) {
  v1::ListChecklistTemplatesRequest request;
  request.set_page_size(1001);
  request.set_page_token(EncodePageToken("follow_ups;c-1", {"3"}));
  EXPECT_EQ(ViolatedFields([&] { ValidateListChecklistTemplates(request); }),
            Sorted({"page_size", "page_token"}));
  request.set_page_size(0);
  request.set_page_token(EncodePageToken("checklist_templates", {"smb"}));
  const auto query = ValidateListChecklistTemplates(request);
  EXPECT_EQ(query.after, "smb");
  EXPECT_EQ(query.page_size, 50);
}

// ------------------------------------------------------------------ steps

using CompleteCase = Case<v1::CompleteStepRequest>;
class ValidateCompleteStepTest : public testing::TestWithParam<CompleteCase> {};

TEST_P(ValidateCompleteStepTest, ReportsExactlyTheBadFields) {
  v1::CompleteStepRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_step_id("thank");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateCompleteStep(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateCompleteStepTest,
    testing::ValuesIn(SortFields<v1::CompleteStepRequest>({
        {"Valid", [](auto&) {}, {}},
        {"WithNote", [](auto& r) { r.set_note("sent by hand"); }, {}},
        {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
        {"NoCustomer", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
        {"NoStep", [](auto& r) { r.clear_step_id(); }, {"step_id"}},
        {"NoteTooLong", [](auto& r) { r.set_note(std::string(2001, 'n')); }, {"note"}},
        {"NoteBadUtf8", [](auto& r) { r.set_note("\xff"); }, {"note"}},
    })),
    CaseName<v1::CompleteStepRequest>);

using SkipCase = Case<v1::SkipStepRequest>;
class ValidateSkipStepTest : public testing::TestWithParam<SkipCase> {};

TEST_P(ValidateSkipStepTest, ReportsExactlyTheBadFields) {
  v1::SkipStepRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_step_id("news");
  request.set_reason("customer asked for no email");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateSkipStep(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateSkipStepTest,
    testing::ValuesIn(SortFields<v1::SkipStepRequest>({
        {"Valid", [](auto&) {}, {}},
        {"WithOverride", [](auto& r) { r.set_override_reason("done by phone"); }, {}},
        {"NoReason", [](auto& r) { r.clear_reason(); }, {"reason"}},
        {"ReasonTooLong", [](auto& r) { r.set_reason(std::string(1001, 'r')); }, {"reason"}},
        {"OverrideTooLong",
         [](auto& r) { r.set_override_reason(std::string(1001, 'o')); },
         {"override_reason"}},
        {"NoIds",
         [](auto& r) {
           r.clear_customer_id();
           r.clear_step_id();
           r.clear_request_id();
         },
         {"customer_id", "request_id", "step_id"}},
    })),
    CaseName<v1::SkipStepRequest>);

TEST(ValidateSkipStepValueTest, CarriesReasonAndOverride) {
  v1::SkipStepRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_step_id("teach");
  request.set_reason("in person instead");
  request.set_override_reason("shown in store");
  const auto resolution = ValidateSkipStep(request);
  EXPECT_EQ(resolution.action, domain::StepAction::kSkip);
  EXPECT_EQ(resolution.reason, "in person instead");
  EXPECT_EQ(resolution.override_reason, "shown in store");
  EXPECT_EQ(resolution.request_id, "req-1");
}

// ------------------------------------------------------------- follow-ups

using FollowUpCase = Case<v1::LogFollowUpRequest>;
class ValidateLogFollowUpTest : public testing::TestWithParam<FollowUpCase> {};

v1::FollowUp& F(v1::LogFollowUpRequest& r) { return *r.mutable_follow_up(); }

TEST_P(ValidateLogFollowUpTest, ReportsExactlyTheBadFields) {
  v1::LogFollowUpRequest request;
  request.set_request_id("req-1");
  F(request).set_customer_id("c-1");
  F(request).set_agent_id("agent-7");
  F(request).set_channel(v1::CHANNEL_PHONE);
  F(request).set_activated(v1::ACTIVATION_YES);
  F(request).set_needed_help(true);
  F(request).set_help_kind(v1::HELP_KIND_SETUP);
  F(request).set_help_quality(4);
  F(request).set_outcome(v1::FOLLOW_UP_OUTCOME_RESOLVED);
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateLogFollowUp(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateLogFollowUpTest,
    testing::ValuesIn(SortFields<v1::LogFollowUpRequest>({
        {"Valid", [](auto&) {}, {}},
        {"Unrated", [](auto& r) { F(r).set_help_quality(0); }, {}},
        {"NoHelpNeeded",
         [](auto& r) {
           F(r).set_needed_help(false);
           F(r).clear_help_kind();
           F(r).clear_help_quality();
         },
         {}},
        {"NoFollowUp", [](auto& r) { r.clear_follow_up(); }, {"follow_up"}},
        {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
        {"NoCustomer", [](auto& r) { F(r).clear_customer_id(); }, {"follow_up.customer_id"}},
        {"NoAgent", [](auto& r) { F(r).clear_agent_id(); }, {"follow_up.agent_id"}},
        {"NoChannel", [](auto& r) { F(r).clear_channel(); }, {"follow_up.channel"}},
        {"NoActivation", [](auto& r) { F(r).clear_activated(); }, {"follow_up.activated"}},
        {"UnknownActivation",
         [](auto& r) { F(r).set_activated(static_cast<v1::Activation>(9)); },
         {"follow_up.activated"}},
        {"NoOutcome", [](auto& r) { F(r).clear_outcome(); }, {"follow_up.outcome"}},
        {"HelpWithoutKind", [](auto& r) { F(r).clear_help_kind(); }, {"follow_up.help_kind"}},
        {"QualitySix", [](auto& r) { F(r).set_help_quality(6); }, {"follow_up.help_quality"}},
        {"QualityNegative", [](auto& r) { F(r).set_help_quality(-1); }, {"follow_up.help_quality"}},
        {"HelpReasonTooLong",
         [](auto& r) { F(r).set_help_reason(std::string(1001, 'x')); },
         {"follow_up.help_reason"}},
        {"NoteTooLong", [](auto& r) { F(r).set_note(std::string(2001, 'x')); }, {"follow_up.note"}},
        {"HelpDetailsWithoutHelp",
         [](auto& r) {
           F(r).set_needed_help(false);
           F(r).set_help_reason("why");
         },
         {"follow_up.help_kind", "follow_up.help_quality", "follow_up.help_reason"}},
    })),
    CaseName<v1::LogFollowUpRequest>);

TEST(ValidateListFollowUpsTest, ReadsTheTokenOfTheSameCustomerOnly) {
  v1::ListFollowUpsRequest request;
  request.set_customer_id("c-1");
  request.set_page_token(EncodePageToken("follow_ups;c-1", {"17"}));
  EXPECT_EQ(ValidateListFollowUps(request).before, 17);
  request.set_customer_id("c-2");
  EXPECT_EQ(ViolatedFields([&] { ValidateListFollowUps(request); }), Fields{"page_token"});
  request.set_customer_id("");
  request.clear_page_token();
  request.set_page_size(-1);
  EXPECT_EQ(ViolatedFields([&] { ValidateListFollowUps(request); }),
            Sorted({"customer_id", "page_size"}));
}

// ---------------------------------------------------------- overdue queue

TEST(ValidateListOverdueStepsTest, SegmentIsOptionalAndTokensKeepTheirSegment) {
  v1::ListOverdueStepsRequest request;
  EXPECT_FALSE(ValidateListOverdueSteps(request).segment_id);
  request.set_segment_id("smb");
  request.set_page_token(EncodePageToken("overdue;smb", {"1700000000000000", "c-9", "3"}));
  const auto query = ValidateListOverdueSteps(request);
  EXPECT_EQ(query.segment_id, "smb");
  ASSERT_TRUE(query.after);
  EXPECT_EQ(query.after->customer_id, "c-9");
  EXPECT_EQ(query.after->position, 2);  // tokens carry position + 1
  EXPECT_EQ(query.after->due_time.time_since_epoch(), std::chrono::microseconds(1700000000000000));

  request.set_segment_id("other");
  EXPECT_EQ(ViolatedFields([&] { ValidateListOverdueSteps(request); }), Fields{"page_token"});
  request.set_segment_id("bad id");
  request.clear_page_token();
  EXPECT_EQ(ViolatedFields([&] { ValidateListOverdueSteps(request); }), Fields{"segment_id"});
  request.set_segment_id("");
  request.set_page_token(EncodePageToken("overdue;", {"x", "c-9", "3"}));
  EXPECT_EQ(ViolatedFields([&] { ValidateListOverdueSteps(request); }), Fields{"page_token"});
}

// ---------------------------------------------------------------- metrics

using MetricsCase = Case<v1::GetOnboardingMetricsRequest>;
class ValidateMetricsTest : public testing::TestWithParam<MetricsCase> {};

TEST_P(ValidateMetricsTest, ReportsExactlyTheBadFields) {
  v1::GetOnboardingMetricsRequest request;
  request.mutable_start_time()->set_seconds(1'700'000'000);
  request.mutable_end_time()->set_seconds(1'700'086'400);
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateGetOnboardingMetrics(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateMetricsTest,
    testing::ValuesIn(SortFields<v1::GetOnboardingMetricsRequest>({
        {"Valid", [](auto&) {}, {}},
        {"OneSegment", [](auto& r) { r.set_segment_id("smb"); }, {}},
        {"BadSegment", [](auto& r) { r.set_segment_id("a b"); }, {"segment_id"}},
        {"NoStart", [](auto& r) { r.clear_start_time(); }, {"start_time"}},
        {"NoEnd", [](auto& r) { r.clear_end_time(); }, {"end_time"}},
        {"BadStart", [](auto& r) { r.mutable_start_time()->set_nanos(-1); }, {"start_time"}},
        {"EndBeforeStart",
         [](auto& r) { r.mutable_end_time()->set_seconds(1'600'000'000); },
         {"end_time"}},
        {"EmptyPeriod",
         [](auto& r) { r.mutable_end_time()->set_seconds(1'700'000'000); },
         {"end_time"}},
    })),
    CaseName<v1::GetOnboardingMetricsRequest>);

}  // namespace
}  // namespace lifecycle::api
