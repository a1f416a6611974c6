#include "storage/customer_store.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define CUSTOMER_COLUMNS \
  "customer_id, attributes::text, stage, coalesce(segment_id, ''), version, " LC_SQL_MICROS( \
      "created_at") ", " LC_SQL_MICROS("updated_at") ", " LC_SQL_MICROS( \
      "stage_entered_at") ", " LC_SQL_MICROS("erased_at") ", erased_by"

const Statement kCreate{
    "customer_create",
    "INSERT INTO customers (tenant_id, customer_id, attributes) VALUES ($1::uuid, $2, $3::jsonb)"
    " ON CONFLICT DO NOTHING RETURNING " CUSTOMER_COLUMNS};
const Statement kGet{"customer_get",
                     "SELECT " CUSTOMER_COLUMNS
                     " FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kUpdateAttributes{
    "customer_update_attributes",
    "UPDATE customers SET attributes = $3::jsonb, version = version + 1, updated_at = now()"
    " WHERE tenant_id = $1::uuid AND customer_id = $2"
    " AND ($4::bigint IS NULL OR version = $4::bigint) RETURNING " CUSTOMER_COLUMNS};
const Statement kVersion{
    "customer_version",
    "SELECT version FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kList{
    "customer_list",
    "SELECT " CUSTOMER_COLUMNS
    " FROM customers WHERE tenant_id = $1::uuid"
    " AND ($2::text IS NULL OR stage = $2) AND ($3::text IS NULL OR segment_id = $3)"
    " AND customer_id > $4 ORDER BY customer_id LIMIT $5"};

domain::Customer FromRow(const pqxx::row& row) {
  return domain::Customer{
      .customer_id = row[0].as<std::string>(),
      .attributes_json = row[1].as<std::string>(),
      .stage = domain::StageFromName(row[2].as<std::string>()).value_or(domain::Stage::kNew),
      .segment_id = row[3].as<std::string>(),
      .version = row[4].as<std::int64_t>(),
      .create_time = FromEpochMicros(row[5].as<std::int64_t>()),
      .update_time = FromEpochMicros(row[6].as<std::int64_t>()),
      .stage_enter_time = FromEpochMicros(row[7].as<std::int64_t>()),
      .erasure = row[8].is_null()
                     ? std::nullopt
                     : std::optional<domain::CustomerErasure>(domain::CustomerErasure{
                           FromEpochMicros(row[8].as<std::int64_t>()), row[9].as<std::string>()}),
  };
}

// pqxx binds nullptr as SQL NULL.
template <class T>
auto NullableParam(const std::optional<T>& value) -> const char* {
  return value ? value->c_str() : nullptr;
}

}  // namespace

domain::Customer CustomerStore::Create(const std::string& tenant_id, const std::string& customer_id,
                                       const std::string& attributes_json) {
  auto rows = tx_.Exec(kCreate, tenant_id, customer_id, attributes_json);
  if (rows.empty()) throw domain::Error::AlreadyExists("customer '" + customer_id + "'");
  return FromRow(rows[0]);
}

std::optional<domain::Customer> CustomerStore::Get(const std::string& tenant_id,
                                                   const std::string& customer_id) {
  auto rows = tx_.Exec(kGet, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

domain::Customer CustomerStore::UpdateAttributes(const std::string& tenant_id,
                                                 const std::string& customer_id,
                                                 const std::string& attributes_json,
                                                 std::optional<std::int64_t> expected_version) {
  auto rows =
      expected_version
          ? tx_.Exec(kUpdateAttributes, tenant_id, customer_id, attributes_json, *expected_version)
          : tx_.Exec(kUpdateAttributes, tenant_id, customer_id, attributes_json, nullptr);
  if (!rows.empty()) return FromRow(rows[0]);
  auto current = tx_.Exec(kVersion, tenant_id, customer_id);
  if (current.empty()) throw domain::Error::NotFound("customer '" + customer_id + "'");
  const auto actual = current[0][0].as<std::int64_t>();
  throw domain::Error::VersionMismatch("customer '" + customer_id + "'", *expected_version, actual);
}

std::vector<domain::Customer> CustomerStore::List(const std::string& tenant_id,
                                                  const domain::CustomerFilter& filter,
                                                  const std::string& after, int limit) {
  std::optional<std::string> stage;
  if (filter.stage) stage = std::string(domain::StageName(*filter.stage));
  auto rows = tx_.Exec(kList, tenant_id, NullableParam(stage), NullableParam(filter.segment_id),
                       after, limit);
  std::vector<domain::Customer> customers;
  customers.reserve(rows.size());
  for (const auto& row : rows) customers.push_back(FromRow(row));
  return customers;
}

}  // namespace lifecycle::storage
