// Onboarding checklists against a real PostgreSQL: every move into
// ONBOARDING opens the segment's checklist in the same transaction, every
// move out closes it, the customer keeps the template version they started
// with, and the ONBOARDING -> RETAINED guard counts their open required steps.

#include "storage/onboarding_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/domain/error.h"
#include "storage/checklist_template_store.h"
#include "storage/customer_store.h"
#include "storage/lifecycle_store.h"
#include "storage/segment_store.h"
#include "storage/transaction.h"
#include "tests/support/store_test.h"

namespace lifecycle {
namespace {

using domain::Stage;
using std::chrono::hours;

// Every store the scenario touches, on one transaction.
struct Stores {
  explicit Stores(storage::Transaction& tx)
      : customers(tx), segments(tx), templates(tx), lifecycle(tx), onboarding(tx) {}
  storage::CustomerStore customers;
  storage::SegmentStore segments;
  storage::ChecklistTemplateStore templates;
  storage::LifecycleStore lifecycle;
  storage::OnboardingStore onboarding;
};

domain::StepTemplate Step(const std::string& id, bool required, hours offset) {
  return domain::StepTemplate{.step_id = id,
                              .kind = domain::StepKind::kEducate,
                              .title = "Step " + id,
                              .channel = domain::Channel::kSms,
                              .due_offset = offset,
                              .required = required};
}

class OnboardingStoreTest : public testing::StoreTest<Stores> {
 protected:
  void SetUp() override {
    InTx([&](Stores& s) {
      s.segments.Create(tenant_, domain::Segment{.segment_id = "smb",
                                                 .display_name = "Small businesses",
                                                 .is_default = true});
      s.templates.Create(tenant_,
                         domain::ChecklistTemplate{
                             .segment_id = "smb",
                             .display_name = "SMB v1",
                             .steps = {Step("thank", true, hours(0)), Step("tour", true, hours(48)),
                                       Step("news", false, hours(168))}});
      return 0;
    });
  }

  // A customer placed in `segment` ("" for none), SEGMENTED.
  void Segmented(const std::string& customer_id, const std::string& segment = "smb") {
    InTx([&](Stores& s) {
      s.customers.Create(tenant_, customer_id, "{}");
      return s.lifecycle.Apply(tenant_, Move(customer_id, Stage::kSegmented, segment));
    });
  }

  domain::TransitionCommand Move(const std::string& customer_id, Stage to,
                                 const std::string& segment = "") {
    return domain::TransitionCommand{.customer_id = customer_id,
                                     .to = to,
                                     .actor = "key-1",
                                     .actor_role = domain::Role::kService,
                                     .reason = "test",
                                     .segment_id = segment};
  }

  storage::TransitionOutcome Apply(const std::string& customer_id, Stage to) {
    return InTx([&](Stores& s) { return s.lifecycle.Apply(tenant_, Move(customer_id, to)); });
  }

  domain::Checklist Latest(const std::string& customer_id) {
    auto checklist = InTx([&](Stores& s) { return s.onboarding.Latest(tenant_, customer_id); });
    EXPECT_TRUE(checklist.has_value());
    return checklist.value_or(domain::Checklist{});
  }
};

TEST_F(OnboardingStoreTest, EnteringOnboardingOpensTheSegmentsChecklistWithDueTimes) {
  Segmented("c-1");
  EXPECT_FALSE(InTx([&](Stores& s) { return s.onboarding.Latest(tenant_, "c-1"); }));
  const auto moved = Apply("c-1", Stage::kOnboarding);

  const domain::Checklist checklist = Latest("c-1");
  EXPECT_EQ(checklist.onboarding_number, 1);
  EXPECT_EQ(checklist.segment_id, "smb");
  EXPECT_EQ(checklist.template_version, 1);
  // The checklist starts when the stage was entered.
  EXPECT_EQ(checklist.start_time, moved.stage.stage_enter_time);
  ASSERT_EQ(checklist.steps.size(), 3u);
  EXPECT_EQ(checklist.steps[0].step.step_id, "thank");
  EXPECT_EQ(checklist.steps[1].due_time, checklist.start_time + hours(48));
  EXPECT_EQ(checklist.steps[2].due_time, checklist.start_time + hours(168));
  EXPECT_EQ(checklist.steps[1].step.channel, domain::Channel::kSms);
  EXPECT_FALSE(checklist.close_time);
  EXPECT_EQ(InTx([&](Stores& s) { return s.onboarding.OpenRequiredSteps(tenant_, "c-1"); }), 2);
}

TEST_F(OnboardingStoreTest, OpenRequiredStepsHoldTheGuardUnlessOverridden) {
  Segmented("c-1");
  Apply("c-1", Stage::kOnboarding);
  auto error = ErrorFrom(
      [&](Stores& s) { return s.lifecycle.Apply(tenant_, Move("c-1", Stage::kRetained)); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "GUARD_FAILED");
  EXPECT_EQ(error->metadata().at("missing"), "2 required checklist step(s)");

  auto forced = Move("c-1", Stage::kRetained);
  forced.actor_role = domain::Role::kSupport;
  forced.override_reason = "onboarded in store";
  InTx([&](Stores& s) { return s.lifecycle.Apply(tenant_, forced); });
  const domain::Checklist closed = Latest("c-1");
  ASSERT_TRUE(closed.close_time);
  EXPECT_EQ(closed.close_stage, Stage::kRetained);
  // A closed checklist no longer holds anything back.
  EXPECT_EQ(InTx([&](Stores& s) { return s.onboarding.OpenRequiredSteps(tenant_, "c-1"); }), 0);
}

TEST_F(OnboardingStoreTest, ACustomerKeepsTheTemplateVersionTheyStartedWith) {
  Segmented("early");
  Segmented("late");
  Apply("early", Stage::kOnboarding);
  InTx([&](Stores& s) {
    return s.templates.AddVersion(
        tenant_,
        domain::ChecklistTemplate{
            .segment_id = "smb", .display_name = "SMB v2", .steps = {Step("call", true, hours(1))}},
        1);
  });
  Apply("late", Stage::kOnboarding);

  const domain::Checklist early = Latest("early");
  EXPECT_EQ(early.template_version, 1);
  EXPECT_EQ(early.steps.size(), 3u);
  const domain::Checklist late = Latest("late");
  EXPECT_EQ(late.template_version, 2);
  ASSERT_EQ(late.steps.size(), 1u);
  EXPECT_EQ(late.steps[0].step.step_id, "call");
  // Version 1 stays readable as it was.
  auto v1 = InTx([&](Stores& s) { return s.templates.Get(tenant_, "smb", 1); });
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->display_name, "SMB v1");
  EXPECT_EQ(v1->steps.size(), 3u);
}

TEST_F(OnboardingStoreTest, WithoutATemplateTheChecklistIsEmptyAndTheGuardHolds) {
  InTx([&](Stores& s) {
    return s.segments.Create(
        tenant_,
        domain::Segment{.segment_id = "vip",
                        .display_name = "VIP",
                        .rule = domain::RuleNode{.condition = {.field = "attributes.vip",
                                                               .op = domain::RuleOp::kExists}}});
  });
  Segmented("c-1", "vip");
  Apply("c-1", Stage::kOnboarding);
  const domain::Checklist checklist = Latest("c-1");
  EXPECT_TRUE(checklist.steps.empty());
  EXPECT_EQ(checklist.segment_id, "vip");
  EXPECT_EQ(checklist.template_version, 0);
  EXPECT_EQ(Apply("c-1", Stage::kRetained).stage.stage, Stage::kRetained);
}

TEST_F(OnboardingStoreTest, LapsingClosesTheChecklistAndReacquaintanceOpensTheNextOne) {
  Segmented("c-1");
  Apply("c-1", Stage::kOnboarding);
  Apply("c-1", Stage::kLapsed);
  const domain::Checklist first = Latest("c-1");
  EXPECT_EQ(first.onboarding_number, 1);
  ASSERT_TRUE(first.close_time);
  EXPECT_EQ(first.close_stage, Stage::kLapsed);

  Apply("c-1", Stage::kOnboarding);  // reacquaintance
  const domain::Checklist second = Latest("c-1");
  EXPECT_EQ(second.onboarding_number, 2);
  EXPECT_FALSE(second.close_time);
  EXPECT_EQ(second.steps.size(), 3u);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM onboarding_checklists"), "2");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM onboarding_steps"), "6");
}

TEST_F(OnboardingStoreTest, AFailedMoveLeavesNoChecklist) {
  InTx([&](Stores& s) { return s.customers.Create(tenant_, "c-1", "{}"); });
  // NEW -> ONBOARDING is not in the table: the transaction rolls back.
  EXPECT_TRUE(ErrorFrom(
      [&](Stores& s) { return s.lifecycle.Apply(tenant_, Move("c-1", Stage::kOnboarding)); }));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM onboarding_checklists"), "0");
}

}  // namespace
}  // namespace lifecycle
