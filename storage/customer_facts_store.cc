#include "storage/customer_facts_store.h"

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define FACT_COLUMNS \
  "customer_id, attributes::text, stage, coalesce(segment_id, ''), " LC_SQL_MICROS(              \
      "created_at") ", health_score, health_band, " LC_SQL_MICROS("last_purchase_at") ", "       \
      LC_SQL_MICROS("last_activity_at") ", signal_counts::text, products_held"

const Statement kLoad{"facts_load",
                      "SELECT " FACT_COLUMNS
                      " FROM customer_facts WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kLoadPage{"facts_load_page",
                          "SELECT " FACT_COLUMNS
                          " FROM customer_facts WHERE tenant_id = $1::uuid AND customer_id > $2"
                          " ORDER BY customer_id LIMIT $3"};

std::optional<domain::Timestamp> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return FromEpochMicros(field.as<std::int64_t>());
}

domain::CustomerFacts FromRow(const pqxx::row& row) {
  domain::CustomerFacts facts{
      .customer_id = row[0].as<std::string>(),
      .attributes = nlohmann::json::parse(row[1].as<std::string>()),
      .stage = domain::StageFromName(row[2].as<std::string>()).value_or(domain::Stage::kNew),
      .segment_id = row[3].as<std::string>(),
      .created_at = FromEpochMicros(row[4].as<std::int64_t>()),
      .last_purchase_at = OptionalTime(row[7]),
      .last_activity_at = OptionalTime(row[8]),
      .products_held = FromSqlTextArray(row[10]),
  };
  if (!row[5].is_null()) facts.health_score = row[5].as<double>();
  if (!row[6].is_null()) facts.health_band = domain::HealthBandFromName(row[6].as<std::string>());
  // Named: a range-for over items() of a temporary would iterate a json that
  // is already destroyed (its lifetime is not extended before C++23).
  const auto signal_counts = nlohmann::json::parse(row[9].as<std::string>());
  for (const auto& [name, count] : signal_counts.items()) {
    if (auto kind = domain::SignalKindFromName(name); kind && count.is_number()) {
      facts.signal_counts[*kind] = count.get<std::int64_t>();
    }
  }
  return facts;
}

}  // namespace

std::optional<domain::CustomerFacts> CustomerFactsStore::Load(const std::string& tenant_id,
                                                              const std::string& customer_id) {
  auto rows = tx_.Exec(kLoad, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<domain::CustomerFacts> CustomerFactsStore::LoadPage(const std::string& tenant_id,
                                                                const std::string& after,
                                                                int limit) {
  std::vector<domain::CustomerFacts> page;
  for (const auto& row : tx_.Exec(kLoadPage, tenant_id, after, limit)) page.push_back(FromRow(row));
  return page;
}

}  // namespace lifecycle::storage
