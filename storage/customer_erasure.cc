#include "storage/customer_erasure.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// Takes the customer's row lock, so an erasure and a concurrent write to the
// same customer (a signal, a follow-up) are ordered: nothing slips in after.
const Statement kMark{"customer_erase_mark",
                      "UPDATE customers SET attributes = '{}', erased_at = now(), erased_by = $3,"
                      " version = version + 1, updated_at = now()"
                      " WHERE tenant_id = $1::uuid AND customer_id = $2 AND erased_at IS NULL"
                      " RETURNING " LC_SQL_MICROS("erased_at") ", erased_by"};
const Statement kFind{"customer_erase_find",
                      "SELECT " LC_SQL_MICROS("erased_at") ", erased_by FROM customers"
                      " WHERE tenant_id = $1::uuid AND customer_id = $2"};
// Every other table with personal data about the customer, in one statement.
// Cross-sell offers stay (product, channel, outcome: the counts conversion
// metrics need); the products the customer holds go.
const Statement kEraseData{
    "customer_erase_data",
    "WITH signals_gone AS (DELETE FROM signals WHERE tenant_id = $1::uuid AND customer_id = $2),"
    " health_gone AS (DELETE FROM retention_health"
    "   WHERE tenant_id = $1::uuid AND customer_id = $2),"
    " health_days_gone AS (DELETE FROM retention_health_days"
    "   WHERE tenant_id = $1::uuid AND customer_id = $2),"
    " holdings_gone AS (DELETE FROM holdings WHERE tenant_id = $1::uuid AND customer_id = $2),"
    " follow_ups_blanked AS (UPDATE onboarding_follow_ups SET note = '', help_reason = ''"
    "   WHERE tenant_id = $1::uuid AND customer_id = $2),"
    " steps_blanked AS (UPDATE onboarding_steps"
    "   SET note = '', skip_reason = '', override_reason = ''"
    "   WHERE tenant_id = $1::uuid AND customer_id = $2)"
    " UPDATE stage_transitions SET reason = '', override_reason = ''"
    " WHERE tenant_id = $1::uuid AND customer_id = $2"};

std::optional<domain::CustomerErasure> ErasureFrom(const pqxx::row& row) {
  if (row[0].is_null()) return std::nullopt;
  return domain::CustomerErasure{FromEpochMicros(row[0].as<std::int64_t>()),
                                 row[1].as<std::string>()};
}

}  // namespace

domain::CustomerErasure CustomerErasureStore::Erase(const std::string& tenant_id,
                                                    const std::string& customer_id,
                                                    const std::string& erased_by) {
  auto marked = tx_.Exec(kMark, tenant_id, customer_id, erased_by);
  if (marked.empty()) {
    if (auto earlier = Find(tenant_id, customer_id)) return *earlier;
    throw domain::Error::NotFound("customer '" + customer_id + "'");
  }
  tx_.Exec(kEraseData, tenant_id, customer_id);
  return *ErasureFrom(marked[0]);
}

std::optional<domain::CustomerErasure> CustomerErasureStore::Find(const std::string& tenant_id,
                                                                  const std::string& customer_id) {
  auto rows = tx_.Exec(kFind, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return ErasureFrom(rows[0]);
}

}  // namespace lifecycle::storage
