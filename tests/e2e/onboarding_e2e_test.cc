// OnboardingService through the real server: a customer entering ONBOARDING
// gets the segment's checklist, finishing the required steps retains them,
// required steps are not skipped without a support override, retries do not
// complete twice, follow-ups are listed, the overdue queue is ordered, and
// the metrics match a fixture computed by hand.

#include <google/protobuf/util/time_util.h>

#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::util::TimeUtil;
using grpc::StatusCode;

struct StepSpec {
  std::string step_id;
  bool required;
  int offset_hours;
};

class OnboardingE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    // The default segment takes every new customer: created -> SEGMENTED.
    CreateSegment("smb", /*is_default=*/true);
  }

  void CreateSegment(const std::string& segment_id, bool is_default) {
    v1::CreateSegmentRequest request;
    request.set_request_id(NewRequestId());
    auto* segment = request.mutable_segment();
    segment->set_segment_id(segment_id);
    segment->set_display_name(segment_id);
    segment->set_basis(v1::SEGMENT_BASIS_VALUE_BASED);
    segment->set_is_default(is_default);
    segment->set_priority(10);
    if (!is_default) {
      // Customers with attributes.<segment_id> set.
      auto* condition = segment->mutable_rule()->mutable_condition();
      condition->set_field("attributes." + segment_id);
      condition->set_op(v1::RULE_OPERATOR_EXISTS);
    }
    v1::CreateSegmentResponse response;
    const grpc::Status status =
        client_->segments().CreateSegment(client_->Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status CreateTemplate(const std::string& segment_id, const std::vector<StepSpec>& steps,
                              TestClient* as = nullptr) {
    v1::CreateChecklistTemplateRequest request;
    request.set_request_id(NewRequestId());
    request.mutable_template_()->set_segment_id(segment_id);
    request.mutable_template_()->set_display_name("Welcome " + segment_id);
    for (const auto& spec : steps) {
      auto* step = request.mutable_template_()->add_steps();
      step->set_step_id(spec.step_id);
      step->set_kind(v1::STEP_KIND_EDUCATE);
      step->set_title("Step " + spec.step_id);
      step->set_channel(v1::CHANNEL_PHONE);
      step->mutable_due_offset()->set_seconds(spec.offset_hours * 3600);
      step->set_required(spec.required);
    }
    v1::CreateChecklistTemplateResponse response;
    TestClient& client = as != nullptr ? *as : *client_;
    return client.onboarding().CreateChecklistTemplate(client.Context().get(), request, &response);
  }

  // Created (placed in its segment) and moved to ONBOARDING.
  void Onboard(const std::string& customer_id, const std::string& attributes = "{}") {
    client_->CreateCustomer(customer_id, attributes);
    const grpc::Status status = client_->Transition(customer_id, v1::STAGE_ONBOARDING);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status GetChecklist(const std::string& customer_id, v1::Checklist* checklist) {
    v1::GetChecklistRequest request;
    request.set_customer_id(customer_id);
    v1::GetChecklistResponse response;
    const grpc::Status status =
        client_->onboarding().GetChecklist(client_->Context().get(), request, &response);
    *checklist = response.checklist();
    return status;
  }

  v1::Checklist Checklist(const std::string& customer_id) {
    v1::Checklist checklist;
    const grpc::Status status = GetChecklist(customer_id, &checklist);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return checklist;
  }

  grpc::Status Complete(const std::string& customer_id, const std::string& step_id,
                        v1::CompleteStepResponse* response = nullptr,
                        const std::string& request_id = NewRequestId()) {
    v1::CompleteStepRequest request;
    request.set_customer_id(customer_id);
    request.set_step_id(step_id);
    request.set_request_id(request_id);
    v1::CompleteStepResponse ignored;
    return client_->onboarding().CompleteStep(client_->Context().get(), request,
                                              response != nullptr ? response : &ignored);
  }

  grpc::Status Skip(TestClient& as, const std::string& customer_id, const std::string& step_id,
                    const std::string& reason, const std::string& override_reason = "",
                    v1::SkipStepResponse* response = nullptr) {
    v1::SkipStepRequest request;
    request.set_customer_id(customer_id);
    request.set_step_id(step_id);
    request.set_reason(reason);
    request.set_override_reason(override_reason);
    request.set_request_id(NewRequestId());
    v1::SkipStepResponse ignored;
    return as.onboarding().SkipStep(as.Context().get(), request,
                                    response != nullptr ? response : &ignored);
  }

  v1::Stage StageOf(const std::string& customer_id) {
    v1::GetCustomerStageRequest request;
    request.set_customer_id(customer_id);
    v1::GetCustomerStageResponse response;
    EXPECT_TRUE(
        client_->lifecycle().GetCustomerStage(client_->Context().get(), request, &response).ok());
    return response.customer_stage().stage();
  }

  const std::vector<StepSpec> kWelcome = {
      {"thank", true, 0}, {"tour", true, 48}, {"news", false, 0}};
};

TEST_F(OnboardingE2eTest, EnteringOnboardingGetsTheSegmentsChecklist) {
  ASSERT_TRUE(CreateTemplate("smb", kWelcome).ok());
  client_->CreateCustomer("c-1");
  v1::Checklist none;
  const grpc::Status before = GetChecklist("c-1", &none);
  EXPECT_EQ(before.error_code(), StatusCode::NOT_FOUND) << "no checklist before onboarding";
  EXPECT_EQ(GetChecklist("nobody", &none).error_code(), StatusCode::NOT_FOUND);

  v1::TransitionCustomerResponse moved;
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_ONBOARDING, &moved).ok());
  const v1::Checklist checklist = Checklist("c-1");
  EXPECT_EQ(checklist.segment_id(), "smb");
  EXPECT_EQ(checklist.template_version(), 1);
  EXPECT_EQ(checklist.onboarding_number(), 1);
  EXPECT_EQ(checklist.start_time(), moved.customer_stage().stage_enter_time());
  EXPECT_EQ(checklist.progress_percent(), 0);
  EXPECT_EQ(checklist.open_required_steps(), 2);
  ASSERT_EQ(checklist.steps_size(), 3);
  EXPECT_EQ(checklist.steps(1).step_id(), "tour");
  EXPECT_EQ(checklist.steps(1).channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(checklist.steps(1).status(), v1::STEP_STATUS_PENDING);
  EXPECT_EQ(TimeUtil::TimestampToSeconds(checklist.steps(1).due_time()) -
                TimeUtil::TimestampToSeconds(checklist.start_time()),
            48 * 3600);
  EXPECT_FALSE(checklist.steps(1).overdue());
  EXPECT_TRUE(checklist.steps(2).overdue()) << "due at the start, so late right after";
  EXPECT_FALSE(checklist.has_close_time());
}

TEST_F(OnboardingE2eTest, CompletingTheRequiredStepsMovesTheCustomerToRetained) {
  ASSERT_TRUE(CreateTemplate("smb", kWelcome).ok());
  Onboard("c-1");
  v1::CompleteStepResponse first;
  ASSERT_TRUE(Complete("c-1", "thank", &first).ok());
  EXPECT_FALSE(first.has_transition());
  EXPECT_EQ(first.checklist().progress_percent(), 33);
  EXPECT_EQ(first.checklist().open_required_steps(), 1);
  EXPECT_TRUE(first.checklist().steps(2).overdue());
  EXPECT_EQ(first.checklist().steps(0).resolved_by(), tenant_.admin_key.key.key_id);
  EXPECT_EQ(StageOf("c-1"), v1::STAGE_ONBOARDING);
  EXPECT_EQ(ErrorReason(Complete("c-1", "thank")), "STEP_ALREADY_RESOLVED");

  // The optional step is still pending: it does not hold the customer back.
  v1::CompleteStepResponse last;
  ASSERT_TRUE(Complete("c-1", "tour", &last, "finish-1").ok());
  ASSERT_TRUE(last.has_transition());
  EXPECT_EQ(last.transition().from_stage(), v1::STAGE_ONBOARDING);
  EXPECT_EQ(last.transition().to_stage(), v1::STAGE_RETAINED);
  EXPECT_EQ(last.transition().trigger(), v1::TRIGGER_CHECKLIST_COMPLETED);
  EXPECT_EQ(last.transition().actor(), "system");
  EXPECT_EQ(last.transition().request_id(), "finish-1");
  EXPECT_EQ(last.checklist().close_stage(), v1::STAGE_RETAINED);
  EXPECT_EQ(last.checklist().progress_percent(), 66);
  EXPECT_EQ(StageOf("c-1"), v1::STAGE_RETAINED);
  EXPECT_EQ(db_.Query("SELECT trigger FROM stage_transitions ORDER BY sequence DESC LIMIT 1"),
            "CHECKLIST_COMPLETED");

  // Nothing is overdue on a closed checklist, and it takes no more steps.
  for (const auto& step : last.checklist().steps()) EXPECT_FALSE(step.overdue());
  const grpc::Status late = Skip(*client_, "c-1", "news", "too late");
  EXPECT_EQ(late.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(late), "CHECKLIST_CLOSED");
  EXPECT_EQ(ErrorMetadata(late).at("close_stage"), "RETAINED");
  EXPECT_EQ(Checklist("c-1").close_stage(), v1::STAGE_RETAINED);
}

TEST_F(OnboardingE2eTest, ARequiredStepIsSkippedOnlyWithASupportOverride) {
  ASSERT_TRUE(CreateTemplate("smb", kWelcome).ok());
  Onboard("c-1");
  TestClient service = ClientWithKey(KeyWithRole(v1::ROLE_SERVICE));
  TestClient support = ClientWithKey(KeyWithRole(v1::ROLE_SUPPORT));
  TestClient readonly = ClientWithKey(KeyWithRole(v1::ROLE_READONLY));

  const grpc::Status admin_plain = Skip(*client_, "c-1", "tour", "no time");
  EXPECT_EQ(admin_plain.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(admin_plain), "STEP_REQUIRED");
  EXPECT_EQ(ErrorMetadata(admin_plain).at("step_id"), "tour");
  EXPECT_EQ(ErrorReason(Skip(service, "c-1", "tour", "no time", "trust me")), "STEP_REQUIRED");
  EXPECT_EQ(Skip(readonly, "c-1", "tour", "no time", "x").error_code(),
            StatusCode::PERMISSION_DENIED);
  const grpc::Status no_reason = Skip(support, "c-1", "tour", "", "shown in store");
  EXPECT_EQ(no_reason.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(no_reason), std::vector<std::string>{"reason"});
  EXPECT_EQ(Checklist("c-1").steps(1).status(), v1::STEP_STATUS_PENDING);

  // Anyone who may resolve steps may skip an optional one.
  ASSERT_TRUE(Skip(service, "c-1", "news", "opted out of email").ok());
  v1::SkipStepResponse skipped;
  ASSERT_TRUE(Skip(support, "c-1", "tour", "prefers in person", "shown in store", &skipped).ok());
  EXPECT_EQ(skipped.checklist().steps(1).status(), v1::STEP_STATUS_SKIPPED);
  EXPECT_EQ(skipped.checklist().steps(1).skip_reason(), "prefers in person");
  EXPECT_EQ(skipped.checklist().steps(1).override_reason(), "shown in store");
  EXPECT_EQ(skipped.checklist().steps(2).override_reason(), "");
  EXPECT_FALSE(skipped.has_transition()) << "thank is still open";
  EXPECT_EQ(skipped.checklist().open_required_steps(), 1);
}

TEST_F(OnboardingE2eTest, RetriesWithTheSameRequestIdDoNotCompleteTwice) {
  ASSERT_TRUE(CreateTemplate("smb", {{"thank", true, 0}}).ok());
  Onboard("c-1");
  constexpr int kRetries = 8;
  std::vector<v1::CompleteStepResponse> responses(kRetries);
  std::vector<grpc::Status> statuses(kRetries);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRetries; ++i) {
    threads.emplace_back([&, i] { statuses[i] = Complete("c-1", "thank", &responses[i], "once"); });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kRetries; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(responses[i].transition().sequence(), responses[0].transition().sequence());
    EXPECT_EQ(responses[i].checklist().steps(0).resolve_time(),
              responses[0].checklist().steps(0).resolve_time());
  }
  EXPECT_EQ(responses[0].transition().trigger(), v1::TRIGGER_CHECKLIST_COMPLETED);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions WHERE to_stage = 'RETAINED'"), "1");

  // A new request for the step is refused (the checklist closed with it);
  // the old id with another payload is a different request.
  EXPECT_EQ(ErrorReason(Complete("c-1", "thank")), "CHECKLIST_CLOSED");
  v1::CompleteStepRequest other;
  other.set_customer_id("c-1");
  other.set_step_id("thank");
  other.set_note("different");
  other.set_request_id("once");
  v1::CompleteStepResponse ignored;
  const grpc::Status reused =
      client_->onboarding().CompleteStep(client_->Context().get(), other, &ignored);
  EXPECT_EQ(reused.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(reused), std::vector<std::string>{"request_id"});
}

TEST_F(OnboardingE2eTest, WithNothingRequiredNothingMovesTheCustomerByItself) {
  Onboard("c-1");  // smb has no template yet
  const v1::Checklist checklist = Checklist("c-1");
  EXPECT_EQ(checklist.steps_size(), 0);
  EXPECT_EQ(checklist.progress_percent(), 100);
  EXPECT_EQ(checklist.segment_id(), "smb");
  EXPECT_EQ(checklist.template_version(), 0);
  EXPECT_EQ(StageOf("c-1"), v1::STAGE_ONBOARDING);
  // Only optional steps: completing them all leaves the move to a person.
  ASSERT_TRUE(CreateTemplate("smb", {{"news", false, 0}}).ok());
  Onboard("c-2");
  v1::CompleteStepResponse done;
  ASSERT_TRUE(Complete("c-2", "news", &done).ok());
  EXPECT_FALSE(done.has_transition());
  EXPECT_EQ(done.checklist().progress_percent(), 100);
  EXPECT_EQ(StageOf("c-2"), v1::STAGE_ONBOARDING);
  // The guard holds for both.
  EXPECT_TRUE(client_->Transition("c-1", v1::STAGE_RETAINED).ok());
  EXPECT_TRUE(client_->Transition("c-2", v1::STAGE_RETAINED).ok());
}

TEST_F(OnboardingE2eTest, FollowUpsAreLoggedBySupportAndListedNewestFirst) {
  ASSERT_TRUE(CreateTemplate("smb", kWelcome).ok());
  Onboard("c-1");
  const std::string support_key = KeyWithRole(v1::ROLE_SUPPORT);
  TestClient support = ClientWithKey(support_key);
  TestClient service = ClientWithKey(KeyWithRole(v1::ROLE_SERVICE));
  const auto log = [&](TestClient& as, const std::string& customer, v1::HelpKind kind,
                       const std::string& note, v1::FollowUp* out = nullptr) {
    v1::LogFollowUpRequest request;
    request.set_request_id(NewRequestId());
    auto* f = request.mutable_follow_up();
    f->set_customer_id(customer);
    f->set_agent_id("agent-7");
    f->set_channel(v1::CHANNEL_PHONE);
    f->set_activated(v1::ACTIVATION_YES);
    f->set_needed_help(kind != v1::HELP_KIND_UNSPECIFIED);
    f->set_help_kind(kind);
    f->set_outcome(v1::FOLLOW_UP_OUTCOME_RESOLVED);
    f->set_note(note);
    v1::LogFollowUpResponse response;
    const grpc::Status status = as.onboarding().LogFollowUp(as.Context().get(), request, &response);
    if (out != nullptr) *out = response.follow_up();
    return status;
  };
  v1::FollowUp logged;
  ASSERT_TRUE(log(support, "c-1", v1::HELP_KIND_SETUP, "first", &logged).ok());
  EXPECT_EQ(logged.onboarding_number(), 1);
  EXPECT_EQ(logged.help_kind(), v1::HELP_KIND_SETUP);
  EXPECT_EQ(logged.logged_by(), support_key.substr(3, 16));
  ASSERT_TRUE(log(support, "c-1", v1::HELP_KIND_UNSPECIFIED, "second").ok());
  ASSERT_TRUE(log(*client_, "c-1", v1::HELP_KIND_HOW_TO, "third").ok());
  EXPECT_EQ(log(service, "c-1", v1::HELP_KIND_SETUP, "x").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(log(support, "nobody", v1::HELP_KIND_SETUP, "x").error_code(), StatusCode::NOT_FOUND);
  const grpc::Status bad = log(support, "c-1", static_cast<v1::HelpKind>(77), "x");
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"follow_up.help_kind"});

  std::vector<std::string> notes;
  v1::ListFollowUpsRequest request;
  request.set_customer_id("c-1");
  request.set_page_size(2);
  int pages = 0;
  do {
    v1::ListFollowUpsResponse response;
    ASSERT_TRUE(
        client_->onboarding().ListFollowUps(client_->Context().get(), request, &response).ok());
    for (const auto& f : response.follow_ups()) notes.push_back(f.note());
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(notes, (std::vector<std::string>{"third", "second", "first"}));
  EXPECT_EQ(pages, 2);
}

TEST_F(OnboardingE2eTest, TheOverdueQueueListsTheOldestDueFirst) {
  CreateSegment("vip", false);
  ASSERT_TRUE(CreateTemplate("smb", {{"call", true, 0}, {"later", true, 24 * 7}}).ok());
  ASSERT_TRUE(CreateTemplate("vip", {{"visit", true, 0}}).ok());
  // Due at the start of onboarding, so due in this order.
  Onboard("c-3");
  Onboard("c-1");
  Onboard("v-1", R"({"vip": true})");
  Onboard("c-2");
  Onboard("c-4");
  ASSERT_TRUE(Complete("c-1", "call").ok());                       // done: not overdue
  ASSERT_TRUE(client_->Transition("c-4", v1::STAGE_LAPSED).ok());  // closed checklist

  const auto queue = [&](const std::string& segment) {
    std::vector<std::string> order;
    v1::ListOverdueStepsRequest request;
    request.set_segment_id(segment);
    request.set_page_size(2);
    do {
      v1::ListOverdueStepsResponse response;
      const grpc::Status status =
          client_->onboarding().ListOverdueSteps(client_->Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& item : response.steps()) {
        EXPECT_TRUE(item.step().overdue());
        order.push_back(item.customer_id() + "/" + item.step().step_id());
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return order;
  };
  EXPECT_EQ(queue(""), (std::vector<std::string>{"c-3/call", "v-1/visit", "c-2/call"}));
  EXPECT_EQ(queue("smb"), (std::vector<std::string>{"c-3/call", "c-2/call"}));
  EXPECT_EQ(queue("vip"), (std::vector<std::string>{"v-1/visit"}));
}

// Five onboardings in January 2026 and one in February, with start and
// close times set to round values, and follow-ups:
//   smb a: 2h to RETAINED; YES + SETUP help rated 4, then YES, no help
//   smb b: 10h to RETAINED; NO + BILLING help rated 2
//   smb c: 4h to RETAINED; UNKNOWN, no help
//   smb d: lapsed after 1h; no follow-up
//   vip e: 30h to RETAINED (vip has no template: an empty checklist,
//          moved by hand)
//   smb f: February (outside the period); YES + SETUP help rated 1
// smb, January: started 4, completed 3 (0.75), median of 2h, 4h, 10h = 4h;
//   followed up 3; answered 2, activated 1 (0.5); needing help 2 (2/3):
//   SETUP 1, BILLING 1 (1/3 each); average quality (4 + 2) / 2 = 3 of 2.
// Whole tenant, January: started 5, completed 4 (0.8), median of 2h, 4h,
//   10h, 30h = (4h + 10h) / 2 = 7h.
TEST_F(OnboardingE2eTest, MetricsMatchAHandComputedFixture) {
  CreateSegment("vip", false);
  ASSERT_TRUE(CreateTemplate("smb", {{"thank", true, 0}}).ok());
  TestClient support = ClientWithKey(KeyWithRole(v1::ROLE_SUPPORT));
  for (const std::string id : {"a", "b", "c", "d", "f"}) Onboard(id);
  Onboard("e", R"({"vip": true})");
  for (const std::string id : {"a", "b", "c", "f"}) ASSERT_TRUE(Complete(id, "thank").ok());
  ASSERT_TRUE(client_->Transition("d", v1::STAGE_LAPSED).ok());
  ASSERT_TRUE(client_->Transition("e", v1::STAGE_RETAINED).ok());
  const std::map<std::string, std::pair<std::string, int>> times = {
      {"a", {"2026-01-05 10:00Z", 2}},  {"b", {"2026-01-06 10:00Z", 10}},
      {"c", {"2026-01-07 10:00Z", 4}},  {"d", {"2026-01-08 10:00Z", 1}},
      {"e", {"2026-01-09 10:00Z", 30}}, {"f", {"2026-02-10 10:00Z", 1}}};
  for (const auto& [id, at] : times) {
    db_.Query("UPDATE onboarding_checklists SET started_at = '" + at.first +
              "', closed_at = timestamptz '" + at.first + "' + interval '" +
              std::to_string(at.second) + " hours' WHERE customer_id = '" + id + "'");
  }
  const auto follow_up = [&](const std::string& customer, v1::Activation activated,
                             v1::HelpKind kind, int quality) {
    v1::LogFollowUpRequest request;
    request.set_request_id(NewRequestId());
    auto* f = request.mutable_follow_up();
    f->set_customer_id(customer);
    f->set_agent_id("agent-1");
    f->set_channel(v1::CHANNEL_PHONE);
    f->set_activated(activated);
    f->set_needed_help(kind != v1::HELP_KIND_UNSPECIFIED);
    f->set_help_kind(kind);
    f->set_help_quality(quality);
    f->set_outcome(v1::FOLLOW_UP_OUTCOME_RESOLVED);
    v1::LogFollowUpResponse response;
    const grpc::Status status =
        support.onboarding().LogFollowUp(support.Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  follow_up("a", v1::ACTIVATION_YES, v1::HELP_KIND_SETUP, 4);
  follow_up("a", v1::ACTIVATION_YES, v1::HELP_KIND_UNSPECIFIED, 0);
  follow_up("b", v1::ACTIVATION_NO, v1::HELP_KIND_BILLING, 2);
  follow_up("c", v1::ACTIVATION_UNKNOWN, v1::HELP_KIND_UNSPECIFIED, 0);
  follow_up("f", v1::ACTIVATION_YES, v1::HELP_KIND_SETUP, 1);

  const auto metrics = [&](const std::string& segment) {
    v1::GetOnboardingMetricsRequest request;
    request.set_segment_id(segment);
    EXPECT_TRUE(TimeUtil::FromString("2026-01-01T00:00:00Z", request.mutable_start_time()));
    EXPECT_TRUE(TimeUtil::FromString("2026-02-01T00:00:00Z", request.mutable_end_time()));
    v1::GetOnboardingMetricsResponse response;
    const grpc::Status status =
        client_->onboarding().GetOnboardingMetrics(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.metrics();
  };
  const v1::OnboardingMetrics smb = metrics("smb");
  EXPECT_EQ(smb.customers_started(), 4);
  EXPECT_EQ(smb.customers_completed(), 3);
  EXPECT_DOUBLE_EQ(smb.completion_rate(), 0.75);
  EXPECT_EQ(TimeUtil::DurationToSeconds(smb.median_time_to_complete()), 4 * 3600);
  EXPECT_EQ(smb.customers_followed_up(), 3);
  EXPECT_EQ(smb.activation_answered(), 2);
  EXPECT_EQ(smb.customers_activated(), 1);
  EXPECT_DOUBLE_EQ(smb.activation_rate(), 0.5);
  EXPECT_EQ(smb.customers_needing_help(), 2);
  EXPECT_DOUBLE_EQ(smb.needing_help_share(), 2.0 / 3);
  ASSERT_EQ(smb.help_by_kind_size(), 2);
  EXPECT_EQ(smb.help_by_kind(0).kind(), v1::HELP_KIND_SETUP);
  EXPECT_EQ(smb.help_by_kind(0).customers(), 1);
  EXPECT_DOUBLE_EQ(smb.help_by_kind(0).share(), 1.0 / 3);
  EXPECT_EQ(smb.help_by_kind(1).kind(), v1::HELP_KIND_BILLING);
  EXPECT_EQ(smb.help_by_kind(1).customers(), 1);
  EXPECT_DOUBLE_EQ(smb.average_help_quality(), 3.0);
  EXPECT_EQ(smb.help_ratings(), 2);

  const v1::OnboardingMetrics all = metrics("");
  EXPECT_EQ(all.customers_started(), 5);
  EXPECT_EQ(all.customers_completed(), 4);
  EXPECT_DOUBLE_EQ(all.completion_rate(), 0.8);
  EXPECT_EQ(TimeUtil::DurationToSeconds(all.median_time_to_complete()), 7 * 3600);
  EXPECT_EQ(all.customers_followed_up(), 3);

  // e's checklist is empty (vip has no template) but counts for vip.
  const v1::OnboardingMetrics vip = metrics("vip");
  EXPECT_EQ(vip.customers_started(), 1);
  EXPECT_EQ(vip.customers_completed(), 1);
  EXPECT_EQ(TimeUtil::DurationToSeconds(vip.median_time_to_complete()), 30 * 3600);
  EXPECT_EQ(vip.customers_followed_up(), 0);
  EXPECT_DOUBLE_EQ(vip.activation_rate(), 0.0);
}

TEST_F(OnboardingE2eTest, TemplatesAreVersionedAndOnlyAdminsWriteThem) {
  TestClient service = ClientWithKey(KeyWithRole(v1::ROLE_SERVICE));
  EXPECT_EQ(CreateTemplate("smb", kWelcome, &service).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateTemplate("nowhere", kWelcome).error_code(), StatusCode::NOT_FOUND);
  ASSERT_TRUE(CreateTemplate("smb", kWelcome).ok());
  EXPECT_EQ(CreateTemplate("smb", kWelcome).error_code(), StatusCode::ALREADY_EXISTS);
  const grpc::Status bad = CreateTemplate("smb", {{"a", true, -1}, {"a", true, 0}});
  EXPECT_EQ(ViolatedFields(bad), (std::vector<std::string>{"template.steps[0].due_offset",
                                                           "template.steps[1].step_id"}));

  v1::UpdateChecklistTemplateRequest update;
  update.set_request_id(NewRequestId());
  update.mutable_template_()->set_segment_id("smb");
  update.mutable_template_()->set_display_name("Welcome v2");
  update.mutable_update_mask()->add_paths("display_name");
  update.set_expected_version(1);
  v1::UpdateChecklistTemplateResponse updated;
  ASSERT_TRUE(client_->onboarding()
                  .UpdateChecklistTemplate(client_->Context().get(), update, &updated)
                  .ok());
  EXPECT_EQ(updated.template_().version(), 2);
  EXPECT_EQ(updated.template_().steps_size(), 3) << "steps were not in the mask";
  update.set_request_id(NewRequestId());
  const grpc::Status stale =
      client_->onboarding().UpdateChecklistTemplate(client_->Context().get(), update, &updated);
  EXPECT_EQ(stale.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(stale), "VERSION_MISMATCH");

  v1::GetChecklistTemplateRequest get;
  get.set_segment_id("smb");
  get.set_version(1);
  v1::GetChecklistTemplateResponse got;
  ASSERT_TRUE(client_->onboarding().GetChecklistTemplate(client_->Context().get(), get, &got).ok());
  EXPECT_EQ(got.template_().display_name(), "Welcome smb");
  get.set_version(3);
  EXPECT_EQ(
      client_->onboarding().GetChecklistTemplate(client_->Context().get(), get, &got).error_code(),
      StatusCode::NOT_FOUND);

  v1::ListChecklistTemplatesRequest list;
  v1::ListChecklistTemplatesResponse listed;
  ASSERT_TRUE(
      client_->onboarding().ListChecklistTemplates(client_->Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.templates_size(), 1);
  EXPECT_EQ(listed.templates(0).version(), 2);
}

}  // namespace
}  // namespace lifecycle::testing
