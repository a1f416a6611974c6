#include "storage/cross_sell_policy_store.h"

#include "server/domain/error.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define POLICY_COLUMNS                                                            \
  "min_repeat_purchases, repeat_window_seconds, cool_down_seconds, min_support, " \
  "min_confidence, version"

const Statement kGet{"cross_sell_policy_get",
                     "SELECT " POLICY_COLUMNS
                     " FROM cross_sell_policies WHERE tenant_id = $1::uuid"};
// Inserts version 1 or bumps the stored version; the WHERE refuses a stale
// expected version (no row returned).
const Statement kPut{
    "cross_sell_policy_put",
    "INSERT INTO cross_sell_policies AS p (tenant_id, min_repeat_purchases,"
    " repeat_window_seconds, cool_down_seconds, min_support, min_confidence, version)"
    " VALUES ($1::uuid, $2, $3, $4, $5, $6, 1)"
    " ON CONFLICT (tenant_id) DO UPDATE SET min_repeat_purchases = excluded.min_repeat_purchases,"
    " repeat_window_seconds = excluded.repeat_window_seconds,"
    " cool_down_seconds = excluded.cool_down_seconds, min_support = excluded.min_support,"
    " min_confidence = excluded.min_confidence, version = p.version + 1, updated_at = now()"
    " WHERE $7::bigint IS NULL OR p.version = $7::bigint RETURNING " POLICY_COLUMNS};

domain::CrossSellPolicy FromRow(const pqxx::row& row) {
  return domain::CrossSellPolicy{
      .min_repeat_purchases = row[0].as<int>(),
      .repeat_window = std::chrono::seconds(row[1].as<std::int64_t>()),
      .cool_down = std::chrono::seconds(row[2].as<std::int64_t>()),
      .mining = {.min_support = row[3].as<double>(), .min_confidence = row[4].as<double>()},
      .version = row[5].as<std::int64_t>(),
  };
}

}  // namespace

domain::CrossSellPolicy CrossSellPolicyStore::Get(const std::string& tenant_id) {
  auto rows = tx_.Exec(kGet, tenant_id);
  return rows.empty() ? domain::CrossSellPolicy{} : FromRow(rows[0]);
}

domain::CrossSellPolicy CrossSellPolicyStore::Put(const std::string& tenant_id,
                                                  const domain::CrossSellPolicy& policy,
                                                  std::optional<std::int64_t> expected_version) {
  auto mismatch = [&] {
    return domain::Error::VersionMismatch("cross-sell policy", *expected_version,
                                          Get(tenant_id).version);
  };
  // The defaults are version 0 and have no row for the upsert's WHERE to check.
  if (expected_version && Get(tenant_id).version != *expected_version) throw mismatch();
  auto put = [&](auto expected) {
    return tx_.Exec(kPut, tenant_id, policy.min_repeat_purchases,
                    static_cast<std::int64_t>(policy.repeat_window.count()),
                    static_cast<std::int64_t>(policy.cool_down.count()), policy.mining.min_support,
                    policy.mining.min_confidence, expected);
  };
  auto rows = expected_version ? put(*expected_version) : put(nullptr);
  if (rows.empty()) throw mismatch();  // changed meanwhile
  return FromRow(rows[0]);
}

}  // namespace lifecycle::storage
