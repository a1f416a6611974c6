#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/customer.h"

namespace lifecycle::storage {

class Transaction;

// SQL for the customers table. Every statement is bound to one tenant.
class CustomerStore {
 public:
  explicit CustomerStore(Transaction& tx) : tx_(tx) {}

  // ALREADY_EXISTS when the id is taken (without aborting the transaction).
  domain::Customer Create(const std::string& tenant_id, const std::string& customer_id,
                          const std::string& attributes_json);
  std::optional<domain::Customer> Get(const std::string& tenant_id, const std::string& customer_id);
  // Replaces attributes and bumps the version. NOT_FOUND when absent;
  // ABORTED (reason VERSION_MISMATCH) when expected_version is stale.
  domain::Customer UpdateAttributes(const std::string& tenant_id, const std::string& customer_id,
                                    const std::string& attributes_json,
                                    std::optional<std::int64_t> expected_version);
  // Up to `limit` customers with customer_id > after, in customer_id order.
  std::vector<domain::Customer> List(const std::string& tenant_id,
                                     const domain::CustomerFilter& filter, const std::string& after,
                                     int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
