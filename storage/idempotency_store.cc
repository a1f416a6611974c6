#include "storage/idempotency_store.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

const Statement kClaim{"idempotency_claim",
                       "INSERT INTO idempotency_keys (tenant_id, request_id, method, request_hash)"
                       " VALUES ($1::uuid, $2, $3, $4::bytea) ON CONFLICT DO NOTHING RETURNING 1"};
const Statement kStored{"idempotency_stored",
                        "SELECT method, request_hash, response FROM idempotency_keys"
                        " WHERE tenant_id = $1::uuid AND request_id = $2"};
const Statement kComplete{"idempotency_complete",
                          "UPDATE idempotency_keys SET response = $3::bytea"
                          " WHERE tenant_id = $1::uuid AND request_id = $2"};

// Walks idempotency_keys_by_age; SKIP LOCKED leaves rows a concurrent
// purge (another replica) is deleting to that purge.
const Statement kPurge{"idempotency_purge",
                       "DELETE FROM idempotency_keys WHERE (tenant_id, request_id) IN ("
                       " SELECT tenant_id, request_id FROM idempotency_keys"
                       " WHERE created_at < " LC_SQL_FROM_MICROS("$1") " ORDER BY created_at"
                       " LIMIT $2 FOR UPDATE SKIP LOCKED)"};

}  // namespace

std::optional<std::string> IdempotencyStore::Claim(const IdempotencyKey& key) {
  const pqxx::binarystring hash(key.request_hash);
  if (!tx_.Exec(kClaim, key.tenant_id, key.request_id, key.method, hash).empty()) {
    return std::nullopt;
  }
  auto row = tx_.Exec(kStored, key.tenant_id, key.request_id).at(0);
  if (row[0].as<std::string>() != key.method ||
      pqxx::binarystring(row[1]).str() != key.request_hash) {
    throw domain::Error::InvalidArgument(
        "request_id", "was already used for a different request; use a new request_id");
  }
  return pqxx::binarystring(row[2]).str();
}

void IdempotencyStore::Complete(const IdempotencyKey& key, const std::string& response) {
  tx_.Exec(kComplete, key.tenant_id, key.request_id, pqxx::binarystring(response));
}

int IdempotencyStore::PurgeCreatedBefore(std::chrono::system_clock::time_point cutoff, int limit) {
  return static_cast<int>(tx_.Exec(kPurge, ToEpochMicros(cutoff), limit).affected_rows());
}

}  // namespace lifecycle::storage
