#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/domain/retention_policy.h"

namespace lifecycle::storage {

class Transaction;

// SQL for retention_policies: one row per tenant that changed the defaults.
class RetentionPolicyStore {
 public:
  explicit RetentionPolicyStore(Transaction& tx) : tx_(tx) {}

  // The tenant's policy, or the built-in defaults (version 0).
  domain::RetentionPolicy Get(const std::string& tenant_id);
  // Stores a validated policy as the next version. ABORTED (VERSION_MISMATCH)
  // when expected_version is given and is not the stored version.
  domain::RetentionPolicy Put(const std::string& tenant_id, const domain::RetentionPolicy& policy,
                              std::optional<std::int64_t> expected_version);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
