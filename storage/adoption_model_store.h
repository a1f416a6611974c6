#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/adoption_rules.h"
#include "server/domain/customer.h"

namespace lifecycle::storage {

class Transaction;

// What a refresh learned.
struct AdoptionModelSummary {
  std::int64_t customers = 0;  // with at least one holding
  std::int64_t rule_count = 0;
  domain::Timestamp refresh_time;
};

// SQL for the tenant's adoption model: association rules mined from the
// holdings, and each segment's take-up of each product, both as of the
// last refresh.
class AdoptionModelStore {
 public:
  explicit AdoptionModelStore(Transaction& tx) : tx_(tx) {}

  // Relearns the rules and take-up from the holdings now, replacing the
  // stored ones. Set-based: products below min_support are pruned before
  // pairs are counted, pairs below it before triples, and antecedents have
  // at most two products, so the work grows with customers times the
  // square of frequent products per customer, not with all combinations.
  AdoptionModelSummary Refresh(const std::string& tenant_id,
                               const domain::MiningThresholds& thresholds);
  std::optional<AdoptionModelSummary> Summary(const std::string& tenant_id);

  // Best first (confidence, then support), optionally for one consequent.
  std::vector<domain::AdoptionRule> Rules(const std::string& tenant_id,
                                          const std::optional<std::string>& consequent, int limit);
  // Rules whose antecedent is all in `held`.
  std::vector<domain::AdoptionRule> RulesHeld(const std::string& tenant_id,
                                              const std::vector<std::string>& held);
  // Product id -> share of the segment's customers holding it ("" segment:
  // customers without one).
  std::map<std::string, double> TakeUp(const std::string& tenant_id, const std::string& segment_id);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
