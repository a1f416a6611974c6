#include "storage/readiness_store.h"

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// $3: start of the repeat window, $4: start of the cool-down (epoch micros).
#define RECENT_PURCHASES                                            \
  "(SELECT count(*) FROM signals s WHERE s.tenant_id = c.tenant_id" \
  " AND s.customer_id = c.customer_id AND s.kind = 'PURCHASE'"      \
  " AND s.occurred_at >= " LC_SQL_FROM_MICROS("$3") ")"
#define OPEN_OFFER                                                              \
  "(SELECT o.offer_id FROM cross_sell_offers o WHERE o.tenant_id = c.tenant_id" \
  " AND o.customer_id = c.customer_id AND o.status = 'OPEN')"
#define LAST_DECLINE                                                                    \
  "(SELECT max(o.resolved_at) FROM cross_sell_offers o WHERE o.tenant_id = c.tenant_id" \
  " AND o.customer_id = c.customer_id AND o.status = 'DECLINED')"

const Statement kLoad{
    "readiness_load",
    "SELECT c.stage, coalesce(c.segment_id, ''), h.band, " RECENT_PURCHASES ", " OPEN_OFFER
    ", " LC_SQL_MICROS(LAST_DECLINE)
    " FROM customers c"
    " LEFT JOIN retention_health h ON h.tenant_id = c.tenant_id AND h.customer_id = c.customer_id"
    " WHERE c.tenant_id = $1::uuid AND c.customer_id = $2"};

// $2 product, $5 segment, $6 after, $7 limit, $8 min repeat purchases.
const Statement kReady{
    "readiness_ready",
    "SELECT c.customer_id, coalesce(c.segment_id, ''), c.stage"
    " FROM customers c"
    " LEFT JOIN retention_health h ON h.tenant_id = c.tenant_id AND h.customer_id = c.customer_id"
    " CROSS JOIN LATERAL (SELECT coalesce(array_agg(hd.product_id), '{}') AS held"
    "   FROM holdings hd WHERE hd.tenant_id = c.tenant_id AND hd.customer_id = c.customer_id"
    "   AND hd.removed_at IS NULL) held"
    " WHERE c.tenant_id = $1::uuid AND c.stage IN ('RETAINED', 'EXTENDED')"
    " AND ($5::text IS NULL OR c.segment_id = $5)"
    " AND ($6::text IS NULL OR c.customer_id > $6)"
    " AND (h.band IS NULL OR h.band NOT IN ('AT_RISK', 'CRITICAL'))"
    " AND " OPEN_OFFER " IS NULL"
    " AND coalesce(" LAST_DECLINE " <= " LC_SQL_FROM_MICROS("$4") ", true)"
    " AND " RECENT_PURCHASES " >= $8"
    " AND EXISTS (SELECT 1 FROM products p WHERE p.tenant_id = c.tenant_id"
    "   AND p.status = 'ACTIVE' AND ($2::text IS NULL OR p.product_id = $2)"
    "   AND NOT (p.product_id = ANY(held.held))"
    "   AND (EXISTS (SELECT 1 FROM adoption_rules r WHERE r.tenant_id = c.tenant_id"
    "          AND r.consequent = p.product_id AND r.antecedent <@ held.held)"
    "     OR EXISTS (SELECT 1 FROM product_ladder_steps l WHERE l.tenant_id = c.tenant_id"
    "          AND l.segment_id = c.segment_id AND l.product_id = p.product_id"
    "          AND (l.after_product_id IS NULL OR l.after_product_id = ANY(held.held))"
    "          AND (c.stage = 'EXTENDED' OR l.min_stage = 'RETAINED'))))"
    " ORDER BY c.customer_id LIMIT $7"};

}  // namespace

std::optional<ReadinessRow> ReadinessStore::Load(const std::string& tenant_id,
                                                 const std::string& customer_id,
                                                 const domain::CrossSellPolicy& policy,
                                                 domain::Timestamp now) {
  auto rows = tx_.Exec(kLoad, tenant_id, customer_id, ToEpochMicros(now - policy.repeat_window));
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  ReadinessRow out;
  out.facts.stage = domain::StageFromName(row[0].as<std::string>()).value_or(domain::Stage::kNew);
  out.segment_id = row[1].as<std::string>();
  if (!row[2].is_null()) out.facts.band = domain::HealthBandFromName(row[2].as<std::string>());
  out.facts.recent_purchases = row[3].as<int>();
  if (!row[4].is_null()) out.facts.open_offer_id = row[4].as<std::int64_t>();
  if (!row[5].is_null()) out.facts.last_decline_time = FromEpochMicros(row[5].as<std::int64_t>());
  return out;
}

std::vector<ReadyCustomer> ReadinessStore::Ready(const std::string& tenant_id,
                                                 const ReadyQuery& query,
                                                 const domain::CrossSellPolicy& policy,
                                                 domain::Timestamp now) {
  auto rows = tx_.Exec(kReady, tenant_id, NullableText(query.product_id),
                       ToEpochMicros(now - policy.repeat_window),
                       ToEpochMicros(now - policy.cool_down), NullableText(query.segment_id),
                       NullableText(query.after), query.limit, policy.min_repeat_purchases);
  std::vector<ReadyCustomer> ready;
  ready.reserve(rows.size());
  for (const auto& row : rows) {
    ready.push_back(ReadyCustomer{
        .customer_id = row[0].as<std::string>(),
        .segment_id = row[1].as<std::string>(),
        .stage =
            domain::StageFromName(row[2].as<std::string>()).value_or(domain::Stage::kRetained)});
  }
  return ready;
}

}  // namespace lifecycle::storage
