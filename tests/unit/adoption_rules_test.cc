// Rule mining on a small dataset checked by hand: support, confidence and
// lift are exact, the thresholds prune what they should, and antecedents
// stay within two products.

#include "server/domain/adoption_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lifecycle::domain {
namespace {

using Basket = std::vector<std::string>;

// Six customers with holdings (and one without). Counts:
//   A 4, B 4, C 3, D 1; AB 3, AC 3, BC 2; ABC 2.
const std::vector<Basket> kBaskets = {
    {"A", "B", "C"}, {"C", "B", "A"}, {"A", "B"}, {"A", "C"}, {"B"}, {"D"}, {},
};

struct Expected {
  Basket antecedent;
  std::string consequent;
  std::int64_t antecedent_count;
  std::int64_t rule_count;
  double support;
  double confidence;
  double lift;
};

void ExpectRules(const std::vector<AdoptionRule>& rules, const std::vector<Expected>& expected) {
  ASSERT_EQ(rules.size(), expected.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rules[i].antecedent, expected[i].antecedent);
    EXPECT_EQ(rules[i].consequent, expected[i].consequent);
    EXPECT_EQ(rules[i].antecedent_count, expected[i].antecedent_count);
    EXPECT_EQ(rules[i].rule_count, expected[i].rule_count);
    EXPECT_EQ(rules[i].customers, 6);
    EXPECT_DOUBLE_EQ(rules[i].support, expected[i].support);
    EXPECT_DOUBLE_EQ(rules[i].confidence, expected[i].confidence);
    EXPECT_DOUBLE_EQ(rules[i].lift, expected[i].lift);
  }
}

TEST(MineAdoptionRulesTest, EveryRuleOfTheFrequentItemsetsWithExactRatios) {
  // min_support 0.3 of 6 customers: a count of 2 or more. D (1) is pruned.
  const auto rules = MineAdoptionRules(kBaskets, {.min_support = 0.3, .min_confidence = 0.5});
  ExpectRules(rules, {
                         // lift = confidence / (consequent count / 6)
                         {{"B"}, "A", 4, 3, 3.0 / 6, 3.0 / 4, 0.75 / (4.0 / 6)},
                         {{"B", "C"}, "A", 2, 2, 2.0 / 6, 1.0, 1.0 / (4.0 / 6)},
                         {{"C"}, "A", 3, 3, 3.0 / 6, 1.0, 1.0 / (4.0 / 6)},
                         {{"A"}, "B", 4, 3, 3.0 / 6, 3.0 / 4, 0.75 / (4.0 / 6)},
                         {{"A", "C"}, "B", 3, 2, 2.0 / 6, 2.0 / 3, (2.0 / 3) / (4.0 / 6)},
                         {{"C"}, "B", 3, 2, 2.0 / 6, 2.0 / 3, (2.0 / 3) / (4.0 / 6)},
                         {{"A"}, "C", 4, 3, 3.0 / 6, 3.0 / 4, 0.75 / (3.0 / 6)},
                         {{"A", "B"}, "C", 3, 2, 2.0 / 6, 2.0 / 3, (2.0 / 3) / (3.0 / 6)},
                         {{"B"}, "C", 4, 2, 2.0 / 6, 2.0 / 4, 0.5 / (3.0 / 6)},
                     });
}

TEST(MineAdoptionRulesTest, MinConfidencePrunesWeakRules) {
  const auto rules = MineAdoptionRules(kBaskets, {.min_support = 0.3, .min_confidence = 0.7});
  std::vector<std::string> kept;
  for (const auto& rule : rules) {
    std::string name;
    for (const auto& id : rule.antecedent) name += id;
    kept.push_back(name + "->" + rule.consequent);
  }
  EXPECT_EQ(kept, (std::vector<std::string>{"B->A", "BC->A", "C->A", "A->B", "A->C"}));
}

TEST(MineAdoptionRulesTest, MinSupportPrunesRareItemsets) {
  // A count of 3 or more: BC (2) and ABC (2) go, with every rule from them.
  const auto rules = MineAdoptionRules(kBaskets, {.min_support = 0.5, .min_confidence = 0});
  std::vector<std::string> kept;
  for (const auto& rule : rules) kept.push_back(rule.antecedent.at(0) + "->" + rule.consequent);
  EXPECT_EQ(kept, (std::vector<std::string>{"B->A", "C->A", "A->B", "A->C"}));
}

TEST(MineAdoptionRulesTest, AntecedentsHaveAtMostTwoProducts) {
  const std::vector<Basket> baskets(3, Basket{"A", "B", "C", "D"});
  const auto rules = MineAdoptionRules(baskets, {.min_support = 0.1, .min_confidence = 0});
  // 4 products: 12 rules {x} -> y, and 12 rules {x, y} -> z.
  EXPECT_EQ(rules.size(), 24u);
  for (const auto& rule : rules) EXPECT_LE(rule.antecedent.size(), kMaxAntecedentSize);
}

TEST(MineAdoptionRulesTest, NoBasketsNoRules) {
  EXPECT_TRUE(MineAdoptionRules({}, {}).empty());
  EXPECT_TRUE(MineAdoptionRules({{}, {"A"}}, {}).empty());
}

TEST(AdoptionRuleTest, WithRatiosFromCounts) {
  const AdoptionRule rule = WithRatios(AdoptionRule{
      .antecedent_count = 20, .rule_count = 18, .consequent_count = 30, .customers = 100});
  EXPECT_DOUBLE_EQ(rule.support, 0.18);
  EXPECT_DOUBLE_EQ(rule.confidence, 0.9);
  EXPECT_DOUBLE_EQ(rule.lift, 3.0);
}

TEST(AdoptionRuleTest, AntecedentHeld) {
  const AdoptionRule rule{.antecedent = {"A", "B"}, .consequent = "C"};
  EXPECT_TRUE(AntecedentHeld(rule, {"A", "B", "D"}));
  EXPECT_FALSE(AntecedentHeld(rule, {"A", "D"}));
  EXPECT_FALSE(AntecedentHeld(rule, {}));
}

}  // namespace
}  // namespace lifecycle::domain
