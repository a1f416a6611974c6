#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/adoption_rules.h"
#include "server/domain/product.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// What ranking knows about one customer and the tenant.
struct CandidateInputs {
  Stage stage = Stage::kRetained;
  std::vector<std::string> held;          // sorted product ids
  std::vector<Product> catalogue;         // every product (retired ones are skipped)
  std::vector<AdoptionRule> rules;        // the model's rules (any; unheld antecedents are skipped)
  ProductLadder ladder;                   // the customer's segment's (may be empty)
  std::map<std::string, double> take_up;  // product id -> share of the segment holding it
};

// A product worth offering and why.
struct NextProduct {
  Product product;
  std::optional<AdoptionRule> rule;  // the strongest rule whose antecedent is held
  int ladder_step = 0;               // from 1; 0: no ladder step the customer can take now
  double take_up = 0;
};

// True if a customer in `stage` has reached `min_stage` for a ladder step.
bool ReachedStage(Stage stage, Stage min_stage);

// Active products the customer does not hold that a rule (antecedent held)
// or a takeable ladder step (previous product held, stage reached) points
// to, best first: highest rule confidence (none counts as 0), then lowest
// ladder step (on the ladder before off it), then highest take-up, then
// product id. A product's evidence is its most confident held rule (ties:
// the longer antecedent, then the first by id).
std::vector<NextProduct> RankNextProducts(const CandidateInputs& inputs);

}  // namespace lifecycle::domain
