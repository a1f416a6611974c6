#include "storage/onboarding_metrics_store.h"

#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// The cohort: $1 tenant, $2 segment (NULL: all), [$3, $4) start micros.
#define COHORT                                                 \
  " FROM onboarding_checklists c WHERE c.tenant_id = $1::uuid" \
  " AND ($2::text IS NULL OR c.segment_id = $2)"               \
  " AND c.started_at >= " LC_SQL_FROM_MICROS("$3") " AND c.started_at < " LC_SQL_FROM_MICROS("$4")

// The follow-ups logged during the cohort's onboardings (alias f).
#define COHORT_FOLLOW_UPS                                                     \
  " FROM onboarding_follow_ups f JOIN onboarding_checklists c"                \
  " ON c.tenant_id = f.tenant_id AND c.customer_id = f.customer_id"           \
  " AND c.onboarding_number = f.onboarding_number"                            \
  " WHERE c.tenant_id = $1::uuid AND ($2::text IS NULL OR c.segment_id = $2)" \
  " AND c.started_at >= " LC_SQL_FROM_MICROS("$3") " AND c.started_at < " LC_SQL_FROM_MICROS("$4")

const Statement kCompletion{
    "onboarding_metrics_completion",
    "SELECT count(*), count(*) FILTER (WHERE c.close_stage = 'RETAINED'),"
    " coalesce((percentile_cont(0.5) WITHIN GROUP"
    "   (ORDER BY extract(epoch FROM c.closed_at - c.started_at)::double precision)"
    "   FILTER (WHERE c.close_stage = 'RETAINED') * 1000000)::bigint, 0)" COHORT};
// Customers are (customer_id, onboarding_number): one onboarding each.
const Statement kFollowUps{
    "onboarding_metrics_follow_ups",
    "SELECT count(DISTINCT (f.customer_id, f.onboarding_number)),"
    " count(DISTINCT (f.customer_id, f.onboarding_number))"
    "   FILTER (WHERE f.activated IN ('YES', 'NO')),"
    " count(DISTINCT (f.customer_id, f.onboarding_number)) FILTER (WHERE f.activated = 'YES'),"
    " count(DISTINCT (f.customer_id, f.onboarding_number)) FILTER (WHERE f.needed_help),"
    " coalesce(avg(f.help_quality)::double precision, 0), count(f.help_quality)" COHORT_FOLLOW_UPS};
const Statement kHelpKinds{
    "onboarding_metrics_help_kinds",
    "SELECT f.help_kind, count(DISTINCT (f.customer_id, f.onboarding_number))" COHORT_FOLLOW_UPS
    " AND f.needed_help GROUP BY f.help_kind"};

}  // namespace

domain::OnboardingMetrics OnboardingMetricsStore::Compute(
    const std::string& tenant_id, const std::optional<std::string>& segment_id,
    domain::Timestamp start, domain::Timestamp end) {
  const char* segment = segment_id ? segment_id->c_str() : nullptr;
  const std::int64_t from = ToEpochMicros(start);
  const std::int64_t to = ToEpochMicros(end);
  domain::OnboardingMetrics metrics;

  const pqxx::row completion = tx_.Exec(kCompletion, tenant_id, segment, from, to).at(0);
  metrics.started = completion[0].as<std::int64_t>();
  metrics.completed = completion[1].as<std::int64_t>();
  metrics.median_time_to_complete = std::chrono::microseconds(completion[2].as<std::int64_t>());

  const pqxx::row follow_ups = tx_.Exec(kFollowUps, tenant_id, segment, from, to).at(0);
  metrics.followed_up = follow_ups[0].as<std::int64_t>();
  metrics.activation_answered = follow_ups[1].as<std::int64_t>();
  metrics.activated = follow_ups[2].as<std::int64_t>();
  metrics.needing_help = follow_ups[3].as<std::int64_t>();
  metrics.average_help_quality = follow_ups[4].as<double>();
  metrics.help_ratings = follow_ups[5].as<std::int64_t>();

  for (const auto& row : tx_.Exec(kHelpKinds, tenant_id, segment, from, to)) {
    if (auto kind = domain::HelpKindFromName(row[0].as<std::string>())) {
      metrics.needing_help_by_kind[*kind] = row[1].as<std::int64_t>();
    }
  }
  return metrics;
}

}  // namespace lifecycle::storage
