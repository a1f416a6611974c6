#include "storage/holding_store.h"

#include <algorithm>

#include "server/domain/error.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define HOLDING_COLUMNS "customer_id, product_id, source, " LC_SQL_MICROS("acquired_at")

// Upserts rows (customer, product, source, acquired micros) that name an
// existing customer and product; one row per pair. An open holding is left
// as it is; a removed one reopens (never before its removal).
#define UPSERT_HOLDINGS(rows)                                                                  \
  "INSERT INTO holdings AS h (tenant_id, customer_id, product_id, source, acquired_at)"        \
  " SELECT $1::uuid, r.customer_id, r.product_id, r.source, " LC_SQL_FROM_MICROS(              \
      "r.at") " FROM (" rows                                                                   \
              ") r"                                                                            \
              " JOIN customers c ON c.tenant_id = $1::uuid AND c.customer_id = r.customer_id"  \
              " JOIN products p ON p.tenant_id = $1::uuid AND p.product_id = r.product_id"     \
              " ON CONFLICT (tenant_id, customer_id, product_id) DO UPDATE"                    \
              " SET source = excluded.source,"                                                 \
              " acquired_at = greatest(excluded.acquired_at, h.removed_at), removed_at = NULL" \
              " WHERE h.removed_at IS NOT NULL"

const Statement kAdd{"holding_add",
                     UPSERT_HOLDINGS("SELECT $2::text AS customer_id, $3::text AS product_id,"
                                     " $4::text AS source, $5::bigint AS at")};
const Statement kAddPurchases{
    "holding_add_purchases",
    UPSERT_HOLDINGS("SELECT DISTINCT ON (u.customer_id, u.product_id) u.customer_id,"
                    " u.product_id, 'PURCHASE' AS source, u.at"
                    " FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(customer_id,"
                    " product_id, at) ORDER BY u.customer_id, u.product_id, u.at")};
const Statement kGet{"holding_get", "SELECT " HOLDING_COLUMNS
                                    " FROM holdings WHERE tenant_id = $1::uuid"
                                    " AND customer_id = $2 AND product_id = $3"
                                    " AND removed_at IS NULL"};
const Statement kRemove{"holding_remove",
                        "UPDATE holdings SET removed_at = greatest(clock_timestamp(), acquired_at)"
                        " WHERE tenant_id = $1::uuid AND customer_id = $2 AND product_id = $3"
                        " AND removed_at IS NULL"};
const Statement kList{"holding_list", "SELECT " HOLDING_COLUMNS
                                      " FROM holdings WHERE tenant_id = $1::uuid"
                                      " AND customer_id = $2 AND removed_at IS NULL"
                                      " ORDER BY product_id"};
const Statement kCustomerExists{
    "holding_customer_exists",
    "SELECT 1 FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kProductExists{
    "holding_product_exists",
    "SELECT 1 FROM products WHERE tenant_id = $1::uuid AND product_id = $2"};

domain::Holding FromRow(const pqxx::row& row) {
  return domain::Holding{
      .customer_id = row[0].as<std::string>(),
      .product_id = row[1].as<std::string>(),
      .source = domain::HoldingSourceFromName(row[2].as<std::string>())
                    .value_or(domain::HoldingSource::kManual),
      .acquire_time = FromEpochMicros(row[3].as<std::int64_t>()),
  };
}

}  // namespace

domain::Holding HoldingStore::Add(const std::string& tenant_id, const std::string& customer_id,
                                  const std::string& product_id, domain::HoldingSource source,
                                  domain::Timestamp at) {
  if (tx_.Exec(kCustomerExists, tenant_id, customer_id).empty()) {
    throw domain::Error::NotFound("customer '" + customer_id + "'");
  }
  if (tx_.Exec(kProductExists, tenant_id, product_id).empty()) {
    throw domain::Error::NotFound("product '" + product_id + "'");
  }
  tx_.Exec(kAdd, tenant_id, customer_id, product_id, std::string(domain::HoldingSourceName(source)),
           ToEpochMicros(at));
  return FromRow(tx_.Exec(kGet, tenant_id, customer_id, product_id).at(0));
}

void HoldingStore::Remove(const std::string& tenant_id, const std::string& customer_id,
                          const std::string& product_id) {
  if (tx_.Exec(kRemove, tenant_id, customer_id, product_id).affected_rows() == 0) {
    throw domain::Error::NotFound("holding of product '" + product_id + "' by customer '" +
                                  customer_id + "'");
  }
}

std::vector<domain::Holding> HoldingStore::List(const std::string& tenant_id,
                                                const std::string& customer_id) {
  std::vector<domain::Holding> holdings;
  for (const auto& row : tx_.Exec(kList, tenant_id, customer_id)) holdings.push_back(FromRow(row));
  return holdings;
}

std::vector<std::string> HoldingStore::Held(const std::string& tenant_id,
                                            const std::string& customer_id) {
  std::vector<std::string> held;
  for (const auto& holding : List(tenant_id, customer_id)) held.push_back(holding.product_id);
  // Byte order, which the domain's lookups assume (the database's collation may differ).
  std::sort(held.begin(), held.end());
  return held;
}

int HoldingStore::CountHeld(const std::string& tenant_id, const std::string& customer_id) {
  return static_cast<int>(List(tenant_id, customer_id).size());
}

void HoldingStore::AddFromPurchases(const std::string& tenant_id,
                                    const std::vector<domain::Signal>& signals,
                                    const std::vector<bool>& stored) {
  std::vector<std::string> customers, products;
  std::vector<std::int64_t> times;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const domain::Signal& signal = signals[i];
    if (!stored[i] || signal.kind != domain::SignalKind::kPurchase || signal.detail.empty()) {
      continue;
    }
    customers.push_back(signal.customer_id);
    products.push_back(signal.detail);
    times.push_back(ToEpochMicros(signal.occur_time));
  }
  if (customers.empty()) return;
  tx_.Exec(kAddPurchases, tenant_id, ToSqlTextArray(customers), ToSqlTextArray(products),
           ToSqlBigintArray(times));
}

}  // namespace lifecycle::storage
