// Readiness for every blocker, and the order of the next best products.

#include "server/domain/cross_sell_readiness.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/domain/next_best_product.h"

namespace lifecycle::domain {
namespace {

using std::chrono::days;

const Timestamp kNow = Timestamp(std::chrono::seconds(1'800'000'000));

// A customer nothing stops: RETAINED, healthy, 2 purchases, a candidate.
ReadinessFacts ReadyFacts() {
  return ReadinessFacts{.stage = Stage::kRetained,
                        .band = HealthBand::kHealthy,
                        .recent_purchases = 2,
                        .candidate_count = 1};
}

struct ReadinessCase {
  std::string name;
  std::function<void(ReadinessFacts&)> mutate;
  Readiness readiness;
  std::vector<ReadinessBlocker> blockers;
};

class DecideReadinessTest : public testing::TestWithParam<ReadinessCase> {};

TEST_P(DecideReadinessTest, ReadinessAndBlockers) {
  ReadinessFacts facts = ReadyFacts();
  GetParam().mutate(facts);
  const ReadinessDecision decision = DecideReadiness(facts, CrossSellPolicy{}, kNow);
  EXPECT_EQ(decision.readiness, GetParam().readiness);
  std::vector<ReadinessBlocker> blockers;
  for (const auto& issue : decision.issues) {
    blockers.push_back(issue.blocker);
    EXPECT_FALSE(issue.description.empty());
  }
  EXPECT_EQ(blockers, GetParam().blockers);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecideReadinessTest,
    testing::ValuesIn(std::vector<ReadinessCase>{
        {"Ready", [](auto&) {}, Readiness::kReady, {}},
        {"ExtendedIsReady", [](auto& f) { f.stage = Stage::kExtended; }, Readiness::kReady, {}},
        {"NoSignalsYetIsNoHealthBlock", [](auto& f) { f.band.reset(); }, Readiness::kReady, {}},
        {"NeutralIsFine", [](auto& f) { f.band = HealthBand::kNeutral; }, Readiness::kReady, {}},
        {"Onboarding",
         [](auto& f) { f.stage = Stage::kOnboarding; },
         Readiness::kBlocked,
         {ReadinessBlocker::kStage}},
        {"Lapsed",
         [](auto& f) { f.stage = Stage::kLapsed; },
         Readiness::kBlocked,
         {ReadinessBlocker::kStage}},
        {"AtRisk",
         [](auto& f) { f.band = HealthBand::kAtRisk; },
         Readiness::kBlocked,
         {ReadinessBlocker::kHealth}},
        {"Critical",
         [](auto& f) { f.band = HealthBand::kCritical; },
         Readiness::kBlocked,
         {ReadinessBlocker::kHealth}},
        {"OpenOffer",
         [](auto& f) { f.open_offer_id = 7; },
         Readiness::kBlocked,
         {ReadinessBlocker::kOpenOffer}},
        {"DeclinedWithinCoolDown",
         [](auto& f) { f.last_decline_time = kNow - days(29); },
         Readiness::kBlocked,
         {ReadinessBlocker::kCoolDown}},
        {"DeclinedBeforeCoolDown",
         [](auto& f) { f.last_decline_time = kNow - days(30); },
         Readiness::kReady,
         {}},
        {"FewRepeatPurchases",
         [](auto& f) { f.recent_purchases = 1; },
         Readiness::kNotYet,
         {ReadinessBlocker::kFewRepeatPurchases}},
        {"NoCandidate",
         [](auto& f) { f.candidate_count = 0; },
         Readiness::kNotYet,
         {ReadinessBlocker::kNoCandidate}},
        {"BlockersBeforeNotYet",
         [](auto& f) {
           f.recent_purchases = 0;
           f.stage = Stage::kSegmented;
           f.open_offer_id = 1;
         },
         Readiness::kBlocked,
         {ReadinessBlocker::kStage, ReadinessBlocker::kOpenOffer,
          ReadinessBlocker::kFewRepeatPurchases}},
    }),
    [](const auto& info) { return info.param.name; });

TEST(DecideReadinessPolicyTest, ThePolicySetsTheThresholds) {
  CrossSellPolicy policy;
  policy.min_repeat_purchases = 3;
  policy.cool_down = days(0);
  ReadinessFacts facts = ReadyFacts();
  facts.last_decline_time = kNow - std::chrono::seconds(1);
  const ReadinessDecision decision = DecideReadiness(facts, policy, kNow);
  EXPECT_EQ(decision.readiness, Readiness::kNotYet);
  ASSERT_EQ(decision.issues.size(), 1u);
  EXPECT_EQ(decision.issues[0].blocker, ReadinessBlocker::kFewRepeatPurchases);
}

// ------------------------------------------------------------- ranking

Product Active(const std::string& id) { return Product{.product_id = id, .category = "c"}; }

AdoptionRule Rule(std::vector<std::string> antecedent, const std::string& consequent,
                  double confidence) {
  return AdoptionRule{
      .antecedent = std::move(antecedent), .consequent = consequent, .confidence = confidence};
}

std::vector<std::string> Ids(const std::vector<NextProduct>& ranked) {
  std::vector<std::string> ids;
  for (const auto& next : ranked) ids.push_back(next.product.product_id);
  return ids;
}

CandidateInputs Inputs() {
  CandidateInputs inputs;
  inputs.stage = Stage::kRetained;
  inputs.held = {"A", "B"};
  for (const char* id : {"A", "B", "C", "D", "E", "F", "G", "H"}) {
    inputs.catalogue.push_back(Active(id));
  }
  return inputs;
}

TEST(RankNextProductsTest, HighestConfidenceFirstThenLadderThenTakeUpThenId) {
  CandidateInputs inputs = Inputs();
  inputs.rules = {Rule({"A", "B"}, "C", 0.9), Rule({"A"}, "D", 0.4), Rule({"B"}, "E", 0.4)};
  inputs.ladder.steps = {{.product_id = "F"},
                         {.product_id = "E", .after_product_id = "A"},
                         {.product_id = "G", .after_product_id = "B"}};
  inputs.take_up = {{"G", 0.5}, {"H", 0.9}};
  // C: 0.9. D and E tie at 0.4; E is ladder step 2, D is off the ladder.
  // F (step 1) and G (step 3) have no rule.
  const auto ranked = RankNextProducts(inputs);
  EXPECT_EQ(Ids(ranked), (std::vector<std::string>{"C", "E", "D", "F", "G"}));
  EXPECT_DOUBLE_EQ(ranked[0].rule->confidence, 0.9);
  EXPECT_EQ(ranked[1].ladder_step, 2);
  EXPECT_EQ(ranked[2].ladder_step, 0);
  EXPECT_DOUBLE_EQ(ranked[4].take_up, 0.5);
}

TEST(RankNextProductsTest, TakeUpBreaksTiesThenProductId) {
  CandidateInputs inputs = Inputs();
  inputs.rules = {Rule({"A"}, "D", 0.5), Rule({"A"}, "C", 0.5), Rule({"A"}, "E", 0.5)};
  inputs.take_up = {{"E", 0.3}};
  EXPECT_EQ(Ids(RankNextProducts(inputs)), (std::vector<std::string>{"E", "C", "D"}));
}

TEST(RankNextProductsTest, TheStrongestHeldRuleIsTheEvidence) {
  CandidateInputs inputs = Inputs();
  inputs.rules = {Rule({"A"}, "C", 0.3), Rule({"B"}, "C", 0.8), Rule({"Z"}, "C", 0.99)};
  auto ranked = RankNextProducts(inputs);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].rule->antecedent, (std::vector<std::string>{"B"}));
  // Equally confident: the more specific rule, then the first by id.
  inputs.rules.push_back(Rule({"A", "B"}, "C", 0.8));
  inputs.rules.push_back(Rule({"A"}, "C", 0.8));
  ranked = RankNextProducts(inputs);
  EXPECT_EQ(ranked[0].rule->antecedent, (std::vector<std::string>{"A", "B"}));
  inputs.rules = {Rule({"B"}, "C", 0.8), Rule({"A"}, "C", 0.8)};
  EXPECT_EQ(RankNextProducts(inputs)[0].rule->antecedent, (std::vector<std::string>{"A"}));
}

TEST(RankNextProductsTest, SkipsHeldRetiredAndUnreachableProducts) {
  CandidateInputs inputs = Inputs();
  inputs.catalogue[3].status = ProductStatus::kRetired;  // D
  inputs.rules = {Rule({"A"}, "B", 0.9), Rule({"A"}, "D", 0.9), Rule({"Z"}, "E", 0.9)};
  inputs.ladder.steps = {{.product_id = "F", .after_product_id = "C"},
                         {.product_id = "G", .min_stage = Stage::kExtended}};
  EXPECT_TRUE(RankNextProducts(inputs).empty());
  inputs.stage = Stage::kExtended;
  EXPECT_EQ(Ids(RankNextProducts(inputs)), (std::vector<std::string>{"G"}));
}

TEST(ReachedStageTest, RetainedAndExtended) {
  EXPECT_TRUE(ReachedStage(Stage::kRetained, Stage::kRetained));
  EXPECT_FALSE(ReachedStage(Stage::kRetained, Stage::kExtended));
  EXPECT_TRUE(ReachedStage(Stage::kExtended, Stage::kRetained));
  EXPECT_TRUE(ReachedStage(Stage::kExtended, Stage::kExtended));
  EXPECT_FALSE(ReachedStage(Stage::kOnboarding, Stage::kRetained));
}

}  // namespace
}  // namespace lifecycle::domain
