#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/customer_facts.h"

namespace lifecycle::storage {

class Transaction;

// Reads the customer_facts view (storage/migrations/0003_customer_facts.sql):
// the facts segment rules and readiness checks evaluate in the domain.
class CustomerFactsStore {
 public:
  explicit CustomerFactsStore(Transaction& tx) : tx_(tx) {}

  std::optional<domain::CustomerFacts> Load(const std::string& tenant_id,
                                            const std::string& customer_id);
  // Customers with id > after, in id order.
  std::vector<domain::CustomerFacts> LoadPage(const std::string& tenant_id,
                                              const std::string& after, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
