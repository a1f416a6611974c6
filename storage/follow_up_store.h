#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/follow_up.h"

namespace lifecycle::storage {

class Transaction;

// SQL for support follow-ups.
class FollowUpStore {
 public:
  explicit FollowUpStore(Transaction& tx) : tx_(tx) {}

  // Stores it against the customer's latest checklist and returns it with
  // its id and time. NOT_FOUND for an unknown customer.
  domain::FollowUp Log(const std::string& tenant_id, const domain::FollowUp& follow_up);
  // The customer's follow-ups with id < before (nothing: newest), newest first.
  std::vector<domain::FollowUp> List(const std::string& tenant_id, const std::string& customer_id,
                                     std::optional<std::int64_t> before, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
