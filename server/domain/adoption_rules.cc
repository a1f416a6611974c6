#include "server/domain/adoption_rules.h"

#include <algorithm>
#include <map>
#include <set>

namespace lifecycle::domain {
namespace {

using Itemset = std::vector<std::string>;

bool Frequent(std::int64_t count, std::int64_t customers, const MiningThresholds& thresholds) {
  return static_cast<double>(count) >= thresholds.min_support * static_cast<double>(customers);
}

}  // namespace

AdoptionRule WithRatios(AdoptionRule rule) {
  if (rule.customers > 0) {
    rule.support = static_cast<double>(rule.rule_count) / static_cast<double>(rule.customers);
  }
  if (rule.antecedent_count > 0) {
    rule.confidence =
        static_cast<double>(rule.rule_count) / static_cast<double>(rule.antecedent_count);
  }
  if (rule.consequent_count > 0 && rule.customers > 0) {
    rule.lift = rule.confidence * static_cast<double>(rule.customers) /
                static_cast<double>(rule.consequent_count);
  }
  return rule;
}

std::vector<AdoptionRule> MineAdoptionRules(const std::vector<std::vector<std::string>>& baskets,
                                            const MiningThresholds& thresholds) {
  // Every itemset of up to three products, counted by brute force: this is
  // the definition, not the fast path.
  std::map<Itemset, std::int64_t> counts;
  std::int64_t customers = 0;
  for (const auto& basket : baskets) {
    const std::set<std::string> unique(basket.begin(), basket.end());
    if (unique.empty()) continue;
    ++customers;
    const Itemset items(unique.begin(), unique.end());
    for (std::size_t i = 0; i < items.size(); ++i) {
      ++counts[{items[i]}];
      for (std::size_t j = i + 1; j < items.size(); ++j) {
        ++counts[{items[i], items[j]}];
        for (std::size_t k = j + 1; k < items.size(); ++k) {
          ++counts[{items[i], items[j], items[k]}];
        }
      }
    }
  }

  std::vector<AdoptionRule> rules;
  for (const auto& [itemset, count] : counts) {
    if (itemset.size() < 2 || !Frequent(count, customers, thresholds)) continue;
    for (std::size_t c = 0; c < itemset.size(); ++c) {
      Itemset antecedent;
      for (std::size_t i = 0; i < itemset.size(); ++i) {
        if (i != c) antecedent.push_back(itemset[i]);
      }
      AdoptionRule rule{.antecedent = antecedent,
                        .consequent = itemset[c],
                        .antecedent_count = counts.at(antecedent),
                        .rule_count = count,
                        .consequent_count = counts.at({itemset[c]}),
                        .customers = customers};
      if (static_cast<double>(rule.rule_count) <
          thresholds.min_confidence * static_cast<double>(rule.antecedent_count)) {
        continue;
      }
      rules.push_back(WithRatios(std::move(rule)));
    }
  }
  std::sort(rules.begin(), rules.end(), [](const AdoptionRule& a, const AdoptionRule& b) {
    return std::tie(a.consequent, a.antecedent) < std::tie(b.consequent, b.antecedent);
  });
  return rules;
}

bool AntecedentHeld(const AdoptionRule& rule, const std::vector<std::string>& held) {
  return std::all_of(rule.antecedent.begin(), rule.antecedent.end(), [&](const std::string& id) {
    return std::binary_search(held.begin(), held.end(), id);
  });
}

}  // namespace lifecycle::domain
