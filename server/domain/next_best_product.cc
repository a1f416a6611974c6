#include "server/domain/next_best_product.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <tuple>

namespace lifecycle::domain {
namespace {

bool Holds(const std::vector<std::string>& held, const std::string& product_id) {
  return std::binary_search(held.begin(), held.end(), product_id);
}

// The better evidence of two rules for one product: the more confident,
// then the more specific ("holds A and B" explains more than "holds A"),
// then the first antecedent by id, so the choice never depends on order.
bool Stronger(const AdoptionRule& a, const AdoptionRule& b) {
  return std::make_tuple(a.confidence, a.antecedent.size(), std::cref(b.antecedent)) >
         std::make_tuple(b.confidence, b.antecedent.size(), std::cref(a.antecedent));
}

// Sort key: smaller is better.
auto RankKey(const NextProduct& next) {
  const double confidence = next.rule ? next.rule->confidence : 0;
  const int step = next.ladder_step > 0 ? next.ladder_step : std::numeric_limits<int>::max();
  return std::make_tuple(-confidence, step, -next.take_up, std::cref(next.product.product_id));
}

}  // namespace

bool ReachedStage(Stage stage, Stage min_stage) {
  if (stage == Stage::kExtended) return min_stage == Stage::kRetained || min_stage == stage;
  return stage == Stage::kRetained && min_stage == Stage::kRetained;
}

std::vector<NextProduct> RankNextProducts(const CandidateInputs& inputs) {
  std::vector<NextProduct> ranked;
  for (const Product& product : inputs.catalogue) {
    if (product.status != ProductStatus::kActive || Holds(inputs.held, product.product_id)) {
      continue;
    }
    NextProduct next{.product = product};
    for (const AdoptionRule& rule : inputs.rules) {
      if (rule.consequent != product.product_id || !AntecedentHeld(rule, inputs.held)) continue;
      if (!next.rule || Stronger(rule, *next.rule)) next.rule = rule;
    }
    for (std::size_t i = 0; i < inputs.ladder.steps.size(); ++i) {
      const LadderStep& step = inputs.ladder.steps[i];
      if (step.product_id != product.product_id) continue;
      if ((step.after_product_id.empty() || Holds(inputs.held, step.after_product_id)) &&
          ReachedStage(inputs.stage, step.min_stage)) {
        next.ladder_step = static_cast<int>(i) + 1;
      }
    }
    if (!next.rule && next.ladder_step == 0) continue;
    if (auto it = inputs.take_up.find(product.product_id); it != inputs.take_up.end()) {
      next.take_up = it->second;
    }
    ranked.push_back(std::move(next));
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const NextProduct& a, const NextProduct& b) { return RankKey(a) < RankKey(b); });
  return ranked;
}

}  // namespace lifecycle::domain
