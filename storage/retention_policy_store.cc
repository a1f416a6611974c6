#include "storage/retention_policy_store.h"

#include "server/domain/error.h"
#include "storage/sql_array.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define POLICY_COLUMNS                                                                      \
  "weights::text, half_life_seconds, negative_multiplier, recency_weight, monetary_weight," \
  " healthy_min, neutral_min, at_risk_min, lapse_after_seconds, segment_lapse_ids::text,"   \
  " segment_lapse_seconds::text, version"

const Statement kGet{"retention_policy_get", "SELECT " POLICY_COLUMNS
                                             " FROM retention_policies WHERE tenant_id = $1::uuid"};
// Inserts version 1 or bumps the stored version; the WHERE refuses a stale
// expected version (no row returned).
const Statement kPut{
    "retention_policy_put",
    "INSERT INTO retention_policies AS p (tenant_id, weights, half_life_seconds,"
    " negative_multiplier, recency_weight, monetary_weight, healthy_min, neutral_min, at_risk_min,"
    " lapse_after_seconds, segment_lapse_ids, segment_lapse_seconds, version)"
    " VALUES ($1::uuid, $2::float8[], $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::bigint[], "
    "1)"
    " ON CONFLICT (tenant_id) DO UPDATE SET weights = excluded.weights,"
    " half_life_seconds = excluded.half_life_seconds,"
    " negative_multiplier = excluded.negative_multiplier,"
    " recency_weight = excluded.recency_weight, monetary_weight = excluded.monetary_weight,"
    " healthy_min = excluded.healthy_min, neutral_min = excluded.neutral_min,"
    " at_risk_min = excluded.at_risk_min, lapse_after_seconds = excluded.lapse_after_seconds,"
    " segment_lapse_ids = excluded.segment_lapse_ids,"
    " segment_lapse_seconds = excluded.segment_lapse_seconds, version = p.version + 1,"
    " updated_at = now()"
    " WHERE $13::bigint IS NULL OR p.version = $13::bigint"
    " RETURNING " POLICY_COLUMNS};

// segment_lapse_ids as PostgreSQL prints a text[]; ids are CheckId-clean (no
// quotes, commas, braces or spaces), so they print bare.
std::vector<std::string> ParseIds(std::string_view literal) {
  std::vector<std::string> ids;
  std::string current;
  for (char c : literal.substr(1, literal.size() >= 2 ? literal.size() - 2 : 0)) {
    if (c == ',') {
      ids.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) ids.push_back(std::move(current));
  return ids;
}

domain::RetentionPolicy FromRow(const pqxx::row& row) {
  domain::RetentionPolicy policy;
  const auto weights = ParseSqlNumberArray(row[0].as<std::string>());
  for (std::size_t i = 0; i < policy.weights.size() && i < weights.size(); ++i) {
    policy.weights[i] = weights[i];
  }
  policy.half_life = std::chrono::seconds(row[1].as<std::int64_t>());
  policy.negative_multiplier = row[2].as<double>();
  policy.recency_weight = row[3].as<double>();
  policy.monetary_weight = row[4].as<double>();
  policy.bands = {row[5].as<double>(), row[6].as<double>(), row[7].as<double>()};
  policy.lapse_after = std::chrono::seconds(row[8].as<std::int64_t>());
  const auto ids = ParseIds(row[9].as<std::string>());
  const auto seconds = ParseSqlNumberArray(row[10].as<std::string>());
  for (std::size_t i = 0; i < ids.size() && i < seconds.size(); ++i) {
    policy.segment_lapse_after.push_back(
        {ids[i], std::chrono::seconds(static_cast<std::int64_t>(seconds[i]))});
  }
  policy.version = row[11].as<std::int64_t>();
  return policy;
}

domain::Error VersionMismatch(std::int64_t expected, std::int64_t actual) {
  return domain::Error::Aborted("retention policy is at version " + std::to_string(actual) +
                                ", not " + std::to_string(expected))
      .WithReason("VERSION_MISMATCH", {{"expected_version", std::to_string(expected)},
                                       {"actual_version", std::to_string(actual)}});
}

}  // namespace

domain::RetentionPolicy RetentionPolicyStore::Get(const std::string& tenant_id) {
  auto rows = tx_.Exec(kGet, tenant_id);
  return rows.empty() ? domain::DefaultRetentionPolicy() : FromRow(rows[0]);
}

domain::RetentionPolicy RetentionPolicyStore::Put(const std::string& tenant_id,
                                                  const domain::RetentionPolicy& policy,
                                                  std::optional<std::int64_t> expected_version) {
  // The defaults are version 0 and have no row for the upsert's WHERE to check.
  if (expected_version) {
    const std::int64_t actual = Get(tenant_id).version;
    if (actual != *expected_version) throw VersionMismatch(*expected_version, actual);
  }
  std::vector<std::string> ids;
  std::vector<std::int64_t> seconds;
  for (const auto& segment : policy.segment_lapse_after) {
    ids.push_back(segment.segment_id);
    seconds.push_back(segment.lapse_after.count());
  }
  const std::vector<double> weights(policy.weights.begin(), policy.weights.end());
  auto put = [&](auto expected) {
    return tx_.Exec(kPut, tenant_id, ToSqlFloatArray(weights), policy.half_life.count(),
                    policy.negative_multiplier, policy.recency_weight, policy.monetary_weight,
                    policy.bands.healthy_min, policy.bands.neutral_min, policy.bands.at_risk_min,
                    policy.lapse_after.count(), ToSqlTextArray(ids), ToSqlBigintArray(seconds),
                    expected);
  };
  auto rows = expected_version ? put(*expected_version) : put(nullptr);
  if (!rows.empty()) return FromRow(rows[0]);
  throw VersionMismatch(*expected_version, Get(tenant_id).version);  // changed meanwhile
}

}  // namespace lifecycle::storage
