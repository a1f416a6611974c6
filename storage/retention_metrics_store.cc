#include "storage/retention_metrics_store.h"

#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// Per-customer counts of the period's signals, then the totals; health and
// lapses from their own tables. The segment is the customer's current one.
const Statement kCount{
    "retention_metrics",
    "WITH members AS (SELECT customer_id FROM customers"
    "   WHERE tenant_id = $1::uuid AND ($2::text IS NULL OR segment_id = $2)),"
    " per_customer AS (SELECT s.customer_id,"
    "   count(*) FILTER (WHERE s.kind = 'PURCHASE') AS purchases,"
    "   bool_or(s.kind IN ('PURCHASE', 'ACTIVITY')) AS active,"
    "   count(*) FILTER (WHERE s.kind = 'NPS') AS answers,"
    "   count(*) FILTER (WHERE s.kind = 'NPS' AND s.value >= 9) AS promoters,"
    "   count(*) FILTER (WHERE s.kind = 'NPS' AND s.value <= 6) AS detractors"
    "   FROM signals s JOIN members m USING (customer_id)"
    "   WHERE s.tenant_id = $1::uuid AND s.occurred_at >= " LC_SQL_FROM_MICROS("$3")
    "   AND s.occurred_at < " LC_SQL_FROM_MICROS("$4") " GROUP BY s.customer_id),"
    " health AS (SELECT h.score, h.band FROM retention_health h JOIN members m USING (customer_id)"
    "   WHERE h.tenant_id = $1::uuid)"
    " SELECT (SELECT count(*) FILTER (WHERE active) FROM per_customer),"
    " (SELECT count(*) FILTER (WHERE purchases >= 1) FROM per_customer),"
    " (SELECT count(*) FILTER (WHERE purchases >= 2) FROM per_customer),"
    " (SELECT coalesce(sum(answers), 0)::bigint FROM per_customer),"
    " (SELECT coalesce(sum(promoters), 0)::bigint FROM per_customer),"
    " (SELECT coalesce(sum(detractors), 0)::bigint FROM per_customer),"
    " (SELECT coalesce(avg(score), 0) FROM health),"
    " (SELECT count(*) FILTER (WHERE band = 'HEALTHY') FROM health),"
    " (SELECT count(*) FILTER (WHERE band = 'NEUTRAL') FROM health),"
    " (SELECT count(*) FILTER (WHERE band = 'AT_RISK') FROM health),"
    " (SELECT count(*) FILTER (WHERE band = 'CRITICAL') FROM health),"
    " (SELECT count(*) FROM stage_transitions t WHERE t.tenant_id = $1::uuid"
    "   AND t.to_stage = 'LAPSED' AND ($2::text IS NULL OR t.segment_id = $2)"
    "   AND t.occurred_at >= " LC_SQL_FROM_MICROS("$3") " AND t.occurred_at < " LC_SQL_FROM_MICROS(
        "$4") ")"};

}  // namespace

RetentionCounts RetentionMetricsStore::Count(const std::string& tenant_id,
                                             const std::optional<std::string>& segment_id,
                                             domain::Timestamp start, domain::Timestamp end) {
  const auto row = tx_.Exec(kCount, tenant_id, segment_id ? segment_id->c_str() : nullptr,
                            ToEpochMicros(start), ToEpochMicros(end))
                       .at(0);
  RetentionCounts counts;
  counts.active_customers = row[0].as<std::int64_t>();
  counts.purchasing_customers = row[1].as<std::int64_t>();
  counts.repeat_customers = row[2].as<std::int64_t>();
  counts.nps_responses = row[3].as<std::int64_t>();
  counts.promoters = row[4].as<std::int64_t>();
  counts.detractors = row[5].as<std::int64_t>();
  counts.average_score = row[6].as<double>();
  int column = 7;
  for (auto band : domain::kAllHealthBands) counts.bands[band] = row[column++].as<std::int64_t>();
  counts.lapsed = row[11].as<std::int64_t>();
  return counts;
}

}  // namespace lifecycle::storage
