#include "storage/tenant_store.h"

#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define TENANT_COLUMNS "tenant_id::text, name, " LC_SQL_MICROS("created_at")

const Statement kCreate{"tenant_create",
                        "INSERT INTO tenants (name) VALUES ($1) RETURNING " TENANT_COLUMNS};
const Statement kGet{"tenant_get",
                     "SELECT " TENANT_COLUMNS " FROM tenants WHERE tenant_id = $1::uuid"};

domain::Tenant FromRow(const pqxx::row& row) {
  return domain::Tenant{
      .tenant_id = row[0].as<std::string>(),
      .name = row[1].as<std::string>(),
      .create_time = FromEpochMicros(row[2].as<std::int64_t>()),
  };
}

const Statement kIds{"tenant_ids", "SELECT tenant_id::text FROM tenants ORDER BY tenant_id"};

}  // namespace

domain::Tenant TenantStore::Create(const std::string& name) {
  return FromRow(tx_.Exec(kCreate, name).at(0));
}

std::optional<domain::Tenant> TenantStore::Get(const std::string& tenant_id) {
  auto rows = tx_.Exec(kGet, tenant_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<std::string> TenantStore::Ids() {
  std::vector<std::string> ids;
  for (const auto& row : tx_.Exec(kIds)) ids.push_back(row[0].as<std::string>());
  return ids;
}

}  // namespace lifecycle::storage
