#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lifecycle::domain {

// "Customers holding every product of `antecedent` also hold `consequent`",
// learned from the tenant's holdings. Over the N customers with at least one
// holding:
//   support    = rule_count / N             (hold antecedent and consequent)
//   confidence = rule_count / antecedent_count
//   lift       = confidence / (consequent_count / N)
// Antecedents have one or two products (sorted): enough for "A and B, then
// C", and it bounds the work of a refresh.
struct AdoptionRule {
  std::vector<std::string> antecedent;
  std::string consequent;
  std::int64_t antecedent_count = 0;
  std::int64_t rule_count = 0;
  std::int64_t consequent_count = 0;
  std::int64_t customers = 0;  // N
  double support = 0;
  double confidence = 0;
  double lift = 0;
};

inline constexpr std::size_t kMaxAntecedentSize = 2;

// What a refresh keeps: rules (and the itemsets they come from) held by at
// least min_support of the customers, with at least min_confidence. A
// count c passes min_support when c >= min_support * N.
struct MiningThresholds {
  double min_support = 0.01;
  double min_confidence = 0.2;
};

// Fills support, confidence and lift from the counts.
AdoptionRule WithRatios(AdoptionRule rule);

// The reference miner: every rule the thresholds keep, from each
// customer's products (a basket; empty ones do not count). Storage mines
// with one SQL statement (storage/adoption_model_store.cc) that the
// integration tests check against this. Sorted by consequent, then
// antecedent.
std::vector<AdoptionRule> MineAdoptionRules(const std::vector<std::vector<std::string>>& baskets,
                                            const MiningThresholds& thresholds);

// True if every product of the rule's antecedent is in `held` (sorted).
bool AntecedentHeld(const AdoptionRule& rule, const std::vector<std::string>& held);

}  // namespace lifecycle::domain
