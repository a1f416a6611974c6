#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/domain/cross_sell_policy.h"

namespace lifecycle::storage {

class Transaction;

// SQL for cross_sell_policies: one row per tenant that changed the defaults.
class CrossSellPolicyStore {
 public:
  explicit CrossSellPolicyStore(Transaction& tx) : tx_(tx) {}

  // The tenant's policy, or the defaults (version 0).
  domain::CrossSellPolicy Get(const std::string& tenant_id);
  // Stores a validated policy as the next version. ABORTED (VERSION_MISMATCH)
  // when expected_version is given and is not the stored version.
  domain::CrossSellPolicy Put(const std::string& tenant_id, const domain::CrossSellPolicy& policy,
                              std::optional<std::int64_t> expected_version);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
