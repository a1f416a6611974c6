#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/tenant.h"

namespace lifecycle::storage {

class Transaction;

// SQL for the tenants table.
class TenantStore {
 public:
  explicit TenantStore(Transaction& tx) : tx_(tx) {}

  domain::Tenant Create(const std::string& name);
  std::optional<domain::Tenant> Get(const std::string& tenant_id);
  // Every tenant id, for background sweeps.
  std::vector<std::string> Ids();

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
