#pragma once

#include <optional>
#include <string>

#include "server/domain/customer.h"

namespace lifecycle::storage {

class Transaction;

// The one place that knows where a customer's personal data lives. A table
// that stores personal data about a customer gets its line in Erase (see
// kEraseData in customer_erasure.cc), in the same statement.
class CustomerErasureStore {
 public:
  explicit CustomerErasureStore(Transaction& tx) : tx_(tx) {}

  // Empties the attributes and marks the customer erased by `erased_by`
  // (bumping its version), deletes its signals and the health derived from
  // them, and blanks the free text of its follow-ups, checklist steps and
  // transitions, keeping their structured fields as anonymised counts for
  // reports. NOT_FOUND when there is no such customer. Idempotent: for an
  // erased customer nothing is written and the first erasure is returned.
  domain::CustomerErasure Erase(const std::string& tenant_id, const std::string& customer_id,
                                const std::string& erased_by);
  // The erasure of an existing customer, if it was erased.
  std::optional<domain::CustomerErasure> Find(const std::string& tenant_id,
                                              const std::string& customer_id);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
