#include "storage/cross_sell_metrics_store.h"

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

const Statement kOffers{
    "cross_sell_metrics_offers",
    "SELECT coalesce(segment_id, ''), product_id, count(*),"
    " count(*) FILTER (WHERE status = 'ACCEPTED'), count(*) FILTER (WHERE status = 'DECLINED'),"
    " count(*) FILTER (WHERE status = 'EXPIRED'), coalesce(sum(revenue), 0)"
    " FROM cross_sell_offers WHERE tenant_id = $1::uuid"
    " AND created_at >= " LC_SQL_FROM_MICROS("$2") " AND created_at < " LC_SQL_FROM_MICROS("$3")
    " AND ($4::text IS NULL OR segment_id = $4) AND ($5::text IS NULL OR product_id = $5)"
    " GROUP BY 1, 2 ORDER BY 1, 2"};

// The first point (0-based) at or after an event: start $2, step $3 (micros).
#define POINT_OF(column)                                                    \
  "(CASE WHEN " LC_SQL_MICROS(column) " <= $2 THEN 0 ELSE (" LC_SQL_MICROS( \
      column) " - $2 + $3 - 1) / $3 END)"
// The segment's customers (alias c): $1 tenant, $4 segment.
#define SEGMENT_CUSTOMERS " c.tenant_id = $1::uuid AND ($4::text IS NULL OR c.segment_id = $4)"
#define HOLDINGS_OF_SEGMENT                                                                 \
  " FROM holdings h JOIN customers c"                                                       \
  " ON c.tenant_id = h.tenant_id AND c.customer_id = h.customer_id WHERE" SEGMENT_CUSTOMERS \
  " AND ($5::text IS NULL OR h.product_id = $5)"

const Statement kWallet{
    "cross_sell_metrics_wallet",
    "WITH events (i, customers, held) AS ("
    "   SELECT " POINT_OF(
        "c.created_at") ", 1, 0 FROM customers c WHERE" SEGMENT_CUSTOMERS
                        "   UNION ALL SELECT " POINT_OF(
                            "h.acquired_at") ", 0, 1" HOLDINGS_OF_SEGMENT
                                             "   UNION ALL SELECT " POINT_OF(
                                                 "h.removed_at") ", 0, -1" HOLDINGS_OF_SEGMENT
                                                                 "   AND h.removed_at IS NOT NULL),"
                                                                 " buckets AS (SELECT i, "
                                                                 "sum(customers) AS customers, "
                                                                 "sum(held) AS held FROM events"
                                                                 "   WHERE i < $6 GROUP BY i)"
                                                                 " SELECT g.i, "
                                                                 "(sum(coalesce(b.customers, 0)) "
                                                                 "OVER w)::bigint,"
                                                                 " (sum(coalesce(b.held, 0)) OVER "
                                                                 "w)::bigint"
                                                                 " FROM generate_series(0, $6 - 1) "
                                                                 "AS g(i) LEFT JOIN buckets b ON "
                                                                 "b.i = g.i"
                                                                 " WINDOW w AS (ORDER BY g.i) "
                                                                 "ORDER BY g.i"};

}  // namespace

std::vector<OfferCounts> CrossSellMetricsStore::Offers(const std::string& tenant_id,
                                                       const CrossSellMetricsQuery& query) {
  std::vector<OfferCounts> counts;
  for (const auto& row :
       tx_.Exec(kOffers, tenant_id, ToEpochMicros(query.start), ToEpochMicros(query.end),
                NullableText(query.segment_id), NullableText(query.product_id))) {
    counts.push_back(OfferCounts{.segment_id = row[0].as<std::string>(),
                                 .product_id = row[1].as<std::string>(),
                                 .made = row[2].as<std::int64_t>(),
                                 .accepted = row[3].as<std::int64_t>(),
                                 .declined = row[4].as<std::int64_t>(),
                                 .expired = row[5].as<std::int64_t>(),
                                 .revenue = row[6].as<double>()});
  }
  return counts;
}

std::vector<WalletPoint> CrossSellMetricsStore::Wallet(const std::string& tenant_id,
                                                       const CrossSellMetricsQuery& query) {
  const auto step = std::chrono::duration_cast<std::chrono::microseconds>(query.interval);
  std::vector<WalletPoint> points;
  for (const auto& row : tx_.Exec(
           kWallet, tenant_id, ToEpochMicros(query.start), static_cast<std::int64_t>(step.count()),
           NullableText(query.segment_id), NullableText(query.product_id), query.points)) {
    points.push_back(WalletPoint{.time = query.start + step * row[0].as<std::int64_t>(),
                                 .customers = row[1].as<std::int64_t>(),
                                 .products_held = row[2].as<std::int64_t>()});
  }
  return points;
}

}  // namespace lifecycle::storage
