#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/cross_sell_policy.h"
#include "server/domain/cross_sell_readiness.h"

namespace lifecycle::storage {

class Transaction;

// A customer's readiness inputs besides holdings and the model.
struct ReadinessRow {
  domain::ReadinessFacts facts;  // candidate_count left 0: ranking fills it
  std::string segment_id;
};

// Who ListReadyCustomers narrows to: one product, or one segment.
struct ReadyQuery {
  std::optional<std::string> product_id;
  std::optional<std::string> segment_id;
  std::optional<std::string> after;  // customer id
  int limit = 0;
};

struct ReadyCustomer {
  std::string customer_id;
  std::string segment_id;
  domain::Stage stage = domain::Stage::kRetained;
};

// SQL for cross-sell readiness.
class ReadinessStore {
 public:
  explicit ReadinessStore(Transaction& tx) : tx_(tx) {}

  // Stage, band, recent purchases and offers in one query; nothing for an
  // unknown customer.
  std::optional<ReadinessRow> Load(const std::string& tenant_id, const std::string& customer_id,
                                   const domain::CrossSellPolicy& policy, domain::Timestamp now);

  // Customers domain::DecideReadiness would call READY, by customer id, in
  // one statement: the same conditions written as SQL, with "a candidate"
  // meaning an active product not held that a rule (antecedent held) or a
  // takeable ladder step points to (the query's product, when given).
  std::vector<ReadyCustomer> Ready(const std::string& tenant_id, const ReadyQuery& query,
                                   const domain::CrossSellPolicy& policy, domain::Timestamp now);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
