#include "storage/api_key_store.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define KEY_COLUMNS \
  "tenant_id::text, key_id, display_name, role, secret_hash, " LC_SQL_MICROS( \
      "created_at") ", " LC_SQL_MICROS("expires_at") ", " LC_SQL_MICROS("revoked_at") ", " LC_SQL_MICROS("last_used_at")

const Statement kInsert{
    "api_key_insert",
    "INSERT INTO api_keys (tenant_id, key_id, display_name, role, secret_hash, expires_at)"
    " VALUES ($1::uuid, $2, $3, $4, decode($5, 'hex'),"
    "         " LC_SQL_FROM_MICROS("$6") ")"
    " RETURNING " KEY_COLUMNS};
// Authentication comes before the tenant is known, so row-level security
// would hide every key: the lookup goes through a SECURITY DEFINER function
// (migration 0008) that reads by key id alone.
const Statement kFind{"api_key_find", "SELECT " KEY_COLUMNS " FROM lifecycle_find_api_key($1)"};
const Statement kRevoke{"api_key_revoke",
                        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
                        " WHERE tenant_id = $1::uuid AND key_id = $2 RETURNING " KEY_COLUMNS};
// The WHERE keeps a second server's write within the same minute a no-op.
const Statement kTouch{"api_key_touch",
                       "UPDATE api_keys SET last_used_at = now()"
                       " WHERE tenant_id = $1::uuid AND key_id = $2"
                       " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')"};
const Statement kList{
    "api_key_list",
    "SELECT " KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1::uuid"
    " AND ($2::bigint IS NULL OR (created_at, key_id) < (" LC_SQL_FROM_MICROS("$2") ", $3))"
    " ORDER BY created_at DESC, key_id DESC LIMIT $4"};

std::optional<domain::Timestamp> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return FromEpochMicros(field.as<std::int64_t>());
}

domain::ApiKey FromRow(const pqxx::row& row) {
  pqxx::binarystring hash(row[4]);
  return domain::ApiKey{
      .tenant_id = row[0].as<std::string>(),
      .key_id = row[1].as<std::string>(),
      .display_name = row[2].as<std::string>(),
      .role = domain::RoleFromName(row[3].as<std::string>()).value_or(domain::Role::kReadonly),
      .secret_hash = hash.str(),
      .create_time = FromEpochMicros(row[5].as<std::int64_t>()),
      .expire_time = OptionalTime(row[6]),
      .revoke_time = OptionalTime(row[7]),
      .last_use_time = OptionalTime(row[8]),
  };
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

}  // namespace

domain::ApiKey ApiKeyStore::Insert(const domain::ApiKey& key) {
  auto rows = key.expire_time ? tx_.Exec(kInsert, key.tenant_id, key.key_id, key.display_name,
                                         std::string(domain::RoleName(key.role)),
                                         Hex(key.secret_hash), ToEpochMicros(*key.expire_time))
                              : tx_.Exec(kInsert, key.tenant_id, key.key_id, key.display_name,
                                         std::string(domain::RoleName(key.role)),
                                         Hex(key.secret_hash), nullptr);
  return FromRow(rows.at(0));
}

std::optional<domain::ApiKey> ApiKeyStore::FindByKeyId(const std::string& key_id) {
  auto rows = tx_.Exec(kFind, key_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

void ApiKeyStore::RecordUse(const std::string& tenant_id, const std::string& key_id) {
  tx_.Exec(kTouch, tenant_id, key_id);
}

domain::ApiKey ApiKeyStore::Revoke(const std::string& tenant_id, const std::string& key_id) {
  auto rows = tx_.Exec(kRevoke, tenant_id, key_id);
  if (rows.empty()) throw domain::Error::NotFound("api key '" + key_id + "'");
  return FromRow(rows[0]);
}

std::vector<domain::ApiKey> ApiKeyStore::List(const std::string& tenant_id,
                                              const std::optional<ApiKeyCursor>& after, int limit) {
  auto rows =
      after ? tx_.Exec(kList, tenant_id, ToEpochMicros(after->create_time), after->key_id, limit)
            : tx_.Exec(kList, tenant_id, nullptr, "", limit);
  std::vector<domain::ApiKey> keys;
  keys.reserve(rows.size());
  for (const auto& row : rows) keys.push_back(FromRow(row));
  return keys;
}

}  // namespace lifecycle::storage
