#pragma once

#include <optional>
#include <string>

#include "server/domain/tenant.h"

namespace lifecycle::storage {
class Transaction;
}

namespace lifecycle::api {

struct IssuedKey {
  domain::ApiKey key;
  std::string token;  // the bearer secret, shown once
};

// Creates a key for `tenant_id` inside the caller's transaction.
IssuedKey IssueApiKey(storage::Transaction& tx, const std::string& tenant_id,
                      const std::string& display_name, domain::Role role,
                      std::optional<domain::Timestamp> expire_time);

struct BootstrappedTenant {
  domain::Tenant tenant;
  IssuedKey admin_key;
};

// Operator bootstrap (`lifecycled admin create-tenant`): a tenant and its
// first admin key, in one transaction.
BootstrappedTenant CreateTenantWithAdminKey(const std::string& dsn, const std::string& name);

}  // namespace lifecycle::api
