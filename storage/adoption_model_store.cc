#include "storage/adoption_model_store.h"

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// Taken first: the row lock makes concurrent refreshes of a tenant wait
// for each other instead of interleaving their deletes and inserts.
const Statement kBegin{
    "adoption_model_begin",
    "INSERT INTO adoption_models AS m (tenant_id, customers, rule_count, min_support,"
    " min_confidence, refreshed_at) VALUES ($1::uuid, 0, 0, $2, $3, clock_timestamp())"
    " ON CONFLICT (tenant_id) DO UPDATE SET min_support = excluded.min_support,"
    " min_confidence = excluded.min_confidence, refreshed_at = excluded.refreshed_at"};
const Statement kDeleteRules{"adoption_rules_delete",
                             "DELETE FROM adoption_rules WHERE tenant_id = $1::uuid"};
// The rules, in one statement (see domain::MineAdoptionRules for the
// definitions; the integration tests hold the two to the same results).
// Product ids compare in "C" order, the byte order the domain sorts in.
const Statement kMineRules{
    "adoption_rules_mine",
    "WITH b AS (SELECT customer_id, product_id FROM holdings"
    "           WHERE tenant_id = $1::uuid AND removed_at IS NULL),"
    " n AS (SELECT count(DISTINCT customer_id)::bigint AS customers FROM b),"
    " items AS (SELECT product_id, count(*)::bigint AS cnt FROM b GROUP BY product_id"
    "           HAVING count(*) >= $2::float8 * (SELECT customers FROM n)),"
    " fb AS (SELECT b.customer_id, b.product_id FROM b JOIN items USING (product_id)),"
    " pairs AS (SELECT x.product_id AS p1, y.product_id AS p2, count(*)::bigint AS cnt"
    "           FROM fb x JOIN fb y ON y.customer_id = x.customer_id"
    "            AND y.product_id COLLATE \"C\" > x.product_id"
    "           GROUP BY 1, 2 HAVING count(*) >= $2::float8 * (SELECT customers FROM n)),"
    " triples AS (SELECT x.product_id AS p1, y.product_id AS p2, z.product_id AS p3,"
    "             count(*)::bigint AS cnt"
    "             FROM fb x JOIN fb y ON y.customer_id = x.customer_id"
    "              AND y.product_id COLLATE \"C\" > x.product_id"
    "             JOIN pairs fp ON fp.p1 = x.product_id AND fp.p2 = y.product_id"
    "             JOIN fb z ON z.customer_id = x.customer_id"
    "              AND z.product_id COLLATE \"C\" > y.product_id"
    "             GROUP BY 1, 2, 3"
    "             HAVING count(*) >= $2::float8 * (SELECT customers FROM n)),"
    " rules (antecedent, consequent, rule_count, antecedent_count) AS ("
    "   SELECT ARRAY[p.p1], p.p2, p.cnt, i.cnt FROM pairs p JOIN items i ON i.product_id = p.p1"
    "   UNION ALL"
    "   SELECT ARRAY[p.p2], p.p1, p.cnt, i.cnt FROM pairs p JOIN items i ON i.product_id = p.p2"
    "   UNION ALL"
    "   SELECT ARRAY[t.p1, t.p2], t.p3, t.cnt, p.cnt FROM triples t"
    "    JOIN pairs p ON p.p1 = t.p1 AND p.p2 = t.p2"
    "   UNION ALL"
    "   SELECT ARRAY[t.p1, t.p3], t.p2, t.cnt, p.cnt FROM triples t"
    "    JOIN pairs p ON p.p1 = t.p1 AND p.p2 = t.p3"
    "   UNION ALL"
    "   SELECT ARRAY[t.p2, t.p3], t.p1, t.cnt, p.cnt FROM triples t"
    "    JOIN pairs p ON p.p1 = t.p2 AND p.p2 = t.p3)"
    " INSERT INTO adoption_rules (tenant_id, consequent, antecedent, antecedent_count,"
    " rule_count, consequent_count, customers, support, confidence, lift)"
    " SELECT $1::uuid, r.consequent, r.antecedent, r.antecedent_count, r.rule_count, i.cnt,"
    " n.customers, r.rule_count::float8 / n.customers,"
    " r.rule_count::float8 / r.antecedent_count,"
    " r.rule_count::float8 / r.antecedent_count * n.customers / i.cnt"
    " FROM rules r JOIN items i ON i.product_id = r.consequent CROSS JOIN n"
    " WHERE r.rule_count >= $3::float8 * r.antecedent_count"};
const Statement kDeleteTakeUp{"segment_take_up_delete",
                              "DELETE FROM segment_take_up WHERE tenant_id = $1::uuid"};
const Statement kTakeUp{
    "segment_take_up_refresh",
    "INSERT INTO segment_take_up (tenant_id, segment_id, product_id, holders, customers, rate)"
    " SELECT $1::uuid, s.segment_id, h.product_id, count(*), s.customers,"
    " count(*)::float8 / s.customers"
    " FROM holdings h"
    " JOIN customers c ON c.tenant_id = h.tenant_id AND c.customer_id = h.customer_id"
    " JOIN (SELECT coalesce(segment_id, '') AS segment_id, count(*) AS customers"
    "       FROM customers WHERE tenant_id = $1::uuid GROUP BY 1) s"
    "   ON s.segment_id = coalesce(c.segment_id, '')"
    " WHERE h.tenant_id = $1::uuid AND h.removed_at IS NULL"
    " GROUP BY s.segment_id, h.product_id, s.customers"};
const Statement kFinish{
    "adoption_model_finish",
    "UPDATE adoption_models SET rule_count = (SELECT count(*) FROM adoption_rules"
    "                                          WHERE tenant_id = $1::uuid),"
    " customers = (SELECT count(DISTINCT customer_id) FROM holdings"
    "              WHERE tenant_id = $1::uuid AND removed_at IS NULL)"
    " WHERE tenant_id = $1::uuid"
    " RETURNING customers, rule_count, " LC_SQL_MICROS("refreshed_at")};
const Statement kSummary{"adoption_model_summary",
                         "SELECT customers, rule_count, " LC_SQL_MICROS(
                             "refreshed_at") " FROM adoption_models WHERE tenant_id = $1::uuid"};

#define RULE_COLUMNS                                                                   \
  "antecedent, consequent, antecedent_count, rule_count, consequent_count, customers," \
  " support, confidence, lift"

const Statement kRules{
    "adoption_rules_list",
    "SELECT " RULE_COLUMNS
    " FROM adoption_rules WHERE tenant_id = $1::uuid AND ($2::text IS NULL OR consequent = $2)"
    " ORDER BY confidence DESC, support DESC, consequent COLLATE \"C\", antecedent::text COLLATE"
    " \"C\" LIMIT $3"};
const Statement kRulesHeld{"adoption_rules_held", "SELECT " RULE_COLUMNS
                                                  " FROM adoption_rules WHERE tenant_id = $1::uuid"
                                                  " AND antecedent <@ $2::text[]"};
const Statement kTakeUpOf{"segment_take_up_get",
                          "SELECT product_id, rate FROM segment_take_up"
                          " WHERE tenant_id = $1::uuid AND segment_id = $2"};

domain::AdoptionRule RuleFromRow(const pqxx::row& row) {
  return domain::AdoptionRule{
      .antecedent = FromSqlTextArray(row[0]),
      .consequent = row[1].as<std::string>(),
      .antecedent_count = row[2].as<std::int64_t>(),
      .rule_count = row[3].as<std::int64_t>(),
      .consequent_count = row[4].as<std::int64_t>(),
      .customers = row[5].as<std::int64_t>(),
      .support = row[6].as<double>(),
      .confidence = row[7].as<double>(),
      .lift = row[8].as<double>(),
  };
}

std::vector<domain::AdoptionRule> RulesFrom(const pqxx::result& rows) {
  std::vector<domain::AdoptionRule> rules;
  rules.reserve(rows.size());
  for (const auto& row : rows) rules.push_back(RuleFromRow(row));
  return rules;
}

AdoptionModelSummary SummaryFromRow(const pqxx::row& row) {
  return AdoptionModelSummary{.customers = row[0].as<std::int64_t>(),
                              .rule_count = row[1].as<std::int64_t>(),
                              .refresh_time = FromEpochMicros(row[2].as<std::int64_t>())};
}

}  // namespace

AdoptionModelSummary AdoptionModelStore::Refresh(const std::string& tenant_id,
                                                 const domain::MiningThresholds& thresholds) {
  tx_.Exec(kBegin, tenant_id, thresholds.min_support, thresholds.min_confidence);
  tx_.Exec(kDeleteRules, tenant_id);
  tx_.Exec(kMineRules, tenant_id, thresholds.min_support, thresholds.min_confidence);
  tx_.Exec(kDeleteTakeUp, tenant_id);
  tx_.Exec(kTakeUp, tenant_id);
  return SummaryFromRow(tx_.Exec(kFinish, tenant_id).at(0));
}

std::optional<AdoptionModelSummary> AdoptionModelStore::Summary(const std::string& tenant_id) {
  auto rows = tx_.Exec(kSummary, tenant_id);
  if (rows.empty()) return std::nullopt;
  return SummaryFromRow(rows[0]);
}

std::vector<domain::AdoptionRule> AdoptionModelStore::Rules(
    const std::string& tenant_id, const std::optional<std::string>& consequent, int limit) {
  return RulesFrom(consequent ? tx_.Exec(kRules, tenant_id, *consequent, limit)
                              : tx_.Exec(kRules, tenant_id, nullptr, limit));
}

std::vector<domain::AdoptionRule> AdoptionModelStore::RulesHeld(
    const std::string& tenant_id, const std::vector<std::string>& held) {
  return RulesFrom(tx_.Exec(kRulesHeld, tenant_id, ToSqlTextArray(held)));
}

std::map<std::string, double> AdoptionModelStore::TakeUp(const std::string& tenant_id,
                                                         const std::string& segment_id) {
  std::map<std::string, double> take_up;
  for (const auto& row : tx_.Exec(kTakeUpOf, tenant_id, segment_id)) {
    take_up[row[0].as<std::string>()] = row[1].as<double>();
  }
  return take_up;
}

}  // namespace lifecycle::storage
