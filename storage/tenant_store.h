#pragma once

#include <optional>
#include <string>

#include "server/domain/tenant.h"

namespace lifecycle::storage {

class Transaction;

// SQL for the tenants table.
class TenantStore {
 public:
  explicit TenantStore(Transaction& tx) : tx_(tx) {}

  domain::Tenant Create(const std::string& name);
  std::optional<domain::Tenant> Get(const std::string& tenant_id);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
