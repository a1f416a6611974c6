#include "storage/health_store.h"

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// The six columns of a domain::HealthState, read by StateFromRow.
#define STATE_COLUMNS(t)                       \
  LC_SQL_MICROS(t "ref_time")                  \
  ", " t "contributions::text, " t "spend, " t \
  "counts::text, " LC_SQL_MICROS(t "last_purchase_at") ", " LC_SQL_MICROS(t "last_activity_at")
// A StoredHealth row: customer id, state, then the score and the customer.
#define STORED_COLUMNS \
  "h.customer_id, " STATE_COLUMNS("h.") ", h.score, h.band, " LC_SQL_MICROS("h.scored_at") \
  ", " LC_SQL_MICROS("h.state_updated_at") ", " LC_SQL_MICROS("h.reacquaint_at")             \
  ", c.stage, coalesce(c.segment_id, ''), " LC_SQL_MICROS("c.stage_entered_at")
#define HEALTH_JOIN " FROM retention_health h JOIN customers c USING (tenant_id, customer_id)"

// An IngestCustomer row, read by IngestFromRow; u.id is the customer id.
#define INGEST_COLUMNS \
  "u.id, c.stage, coalesce(c.segment_id, ''), c.version, " LC_SQL_MICROS(                         \
      "c.stage_entered_at") ", " STATE_COLUMNS("h.") ", " LC_SQL_MICROS("h.reacquaint_at")          \
  ", coalesce(h.state_version, 0), coalesce((h.state_updated_at AT TIME ZONE 'UTC')::date"        \
  " < (now() AT TIME ZONE 'UTC')::date, false)"
// Driven by the ids (nested loops over the primary keys, whatever the table
// sizes), so a batch costs the same at 1M customers as at 1k.
#define INGEST_FROM                                      \
  " FROM unnest($2::text[]) WITH ORDINALITY AS u(id, n)" \
  " JOIN customers c ON c.tenant_id = $1::uuid AND c.customer_id = u.id"
const Statement kReadForIngest{
    "health_read_for_ingest",
    "SELECT " INGEST_COLUMNS INGEST_FROM
    " LEFT JOIN retention_health h ON h.tenant_id = $1::uuid AND h.customer_id = u.id"};
const Statement kLockForIngest{
    "health_lock_for_ingest",
    "SELECT " INGEST_COLUMNS INGEST_FROM
    " JOIN retention_health h ON h.tenant_id = $1::uuid AND h.customer_id = u.id"
    " ORDER BY u.n FOR UPDATE OF h"};
// Copy on write of the daily snapshots, then the compare-and-set upsert, in
// one statement (both parts read the rows as they were before it). A row
// whose version moved on is locked but left as it is, and not returned.
const Statement kSaveIfUnchanged{
    "health_save_if_unchanged",
    "WITH snapshot AS ("
    " INSERT INTO retention_health_days (tenant_id, customer_id, day, ref_time, contributions,"
    " spend, counts, last_purchase_at, last_activity_at)"
    " SELECT tenant_id, customer_id, (state_updated_at AT TIME ZONE 'UTC')::date, ref_time,"
    " contributions, spend, counts, last_purchase_at, last_activity_at FROM retention_health"
    " WHERE tenant_id = $1::uuid AND customer_id = ANY($13::text[])"
    " AND (state_updated_at AT TIME ZONE 'UTC')::date < (now() AT TIME ZONE 'UTC')::date"
    " ON CONFLICT DO NOTHING)"
    " INSERT INTO retention_health AS h (tenant_id, customer_id, ref_time, contributions, spend,"
    " counts, last_purchase_at, last_activity_at, reacquaint_at, score, band, scored_at,"
    " state_version)"
    " SELECT $1::uuid, u.id, " LC_SQL_FROM_MICROS("u.ref") ", u.contributions::float8[], u.spend,"
    " u.counts::bigint[], " LC_SQL_FROM_MICROS("u.purchase") ", " LC_SQL_FROM_MICROS(
        "u.activity") ", " LC_SQL_FROM_MICROS("u.reacquaint") ", u.score, u.band, " LC_SQL_FROM_MICROS("$12")
    ", u.version + 1"
    " FROM unnest($2::text[], $3::bigint[], $4::text[], $5::float8[], $6::text[], $7::bigint[],"
    " $8::bigint[], $9::bigint[], $10::float8[], $11::text[], $14::bigint[])"
    " AS u(id, ref, contributions, spend, counts, purchase, activity, reacquaint, score, band,"
    " version)"
    " ON CONFLICT (tenant_id, customer_id) DO UPDATE SET ref_time = excluded.ref_time,"
    " contributions = excluded.contributions, spend = excluded.spend, counts = excluded.counts,"
    " last_purchase_at = excluded.last_purchase_at, last_activity_at = excluded.last_activity_at,"
    " reacquaint_at = excluded.reacquaint_at, score = excluded.score, band = excluded.band,"
    " scored_at = excluded.scored_at, state_version = excluded.state_version,"
    " state_updated_at = now()"
    " WHERE h.state_version = excluded.state_version - 1"
    " RETURNING h.customer_id"};
const Statement kGet{"health_get", "SELECT " STORED_COLUMNS HEALTH_JOIN
                                   " WHERE h.tenant_id = $1::uuid AND h.customer_id = $2"};
// The current row if it has not changed since $3, else the latest snapshot
// of a day before $3's.
const Statement kStateBefore{
    "health_state_before",
    "SELECT * FROM ("
    " SELECT 0 AS pick, " STATE_COLUMNS("") " FROM retention_health"
    " WHERE tenant_id = $1::uuid AND customer_id = $2"
    " AND state_updated_at < date_trunc('day', " LC_SQL_FROM_MICROS("$3") ", 'UTC')"
    " UNION ALL (SELECT 1, " STATE_COLUMNS("") " FROM retention_health_days"
    " WHERE tenant_id = $1::uuid AND customer_id = $2"
    " AND day < (" LC_SQL_FROM_MICROS("$3") " AT TIME ZONE 'UTC')::date"
    " ORDER BY day DESC LIMIT 1)) s ORDER BY pick LIMIT 1"};
const Statement kListByBand{
    "health_list_by_band",
    "SELECT " STORED_COLUMNS HEALTH_JOIN
    " WHERE h.tenant_id = $1::uuid AND h.band = ANY($2::text[])"
    " AND ($3::text IS NULL OR c.segment_id = $3) AND (h.score, h.customer_id) > ($4, $5)"
    " ORDER BY h.score, h.customer_id LIMIT $6"};
const Statement kPage{"health_page", "SELECT " STORED_COLUMNS HEALTH_JOIN
                                     " WHERE h.tenant_id = $1::uuid AND h.customer_id > $2"
                                     " ORDER BY h.customer_id LIMIT $3"};
const Statement kStoreScores{
    "health_store_scores",
    "UPDATE retention_health h SET score = u.score, band = u.band,"
    " scored_at = " LC_SQL_FROM_MICROS("$6")
    " FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::text[])"
    " AS u(id, state_updated, score, band)"
    " WHERE h.tenant_id = $1::uuid AND h.customer_id = u.id"
    " AND h.state_updated_at = " LC_SQL_FROM_MICROS("u.state_updated")};
// greatest() skips NULLs: a customer without signals is quiet since its
// last stage change.
const Statement kLapseDue{
    "health_lapse_due",
    "SELECT c.customer_id FROM customers c"
    " LEFT JOIN retention_health h USING (tenant_id, customer_id)"
    " LEFT JOIN unnest($3::text[], $4::bigint[]) AS s(segment_id, seconds)"
    " ON s.segment_id = c.segment_id"
    " WHERE c.tenant_id = $1::uuid AND c.stage = ANY($2::text[]) AND c.customer_id > $7"
    " AND ($9::text[] IS NULL OR c.customer_id = ANY($9::text[]))"
    " AND greatest(c.stage_entered_at, h.last_purchase_at, h.last_activity_at)"
    " < " LC_SQL_FROM_MICROS("$5") " - coalesce(s.seconds, $6) * interval '1 second'"
    " ORDER BY c.customer_id LIMIT $8"};

std::optional<domain::Timestamp> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return FromEpochMicros(field.as<std::int64_t>());
}

template <class Array, class Values>
void CopyInto(Array& out, const Values& values) {
  for (std::size_t i = 0; i < out.size() && i < values.size(); ++i) {
    out[i] = static_cast<typename Array::value_type>(values[i]);
  }
}

// The six STATE_COLUMNS from `first` on.
domain::HealthState StateFromRow(const pqxx::row& row, int first) {
  domain::HealthState state;
  state.ref_time = FromEpochMicros(row[first].as<std::int64_t>());
  CopyInto(state.contributions, ParseSqlNumberArray(row[first + 1].as<std::string>()));
  state.spend = row[first + 2].as<double>();
  CopyInto(state.counts, ParseSqlNumberArray(row[first + 3].as<std::string>()));
  state.last_purchase = OptionalTime(row[first + 4]);
  state.last_activity = OptionalTime(row[first + 5]);
  return state;
}

StoredHealth StoredFromRow(const pqxx::row& row) {
  return StoredHealth{
      .customer_id = row[0].as<std::string>(),
      .state = StateFromRow(row, 1),
      .score = row[7].as<double>(),
      .band = domain::HealthBandFromName(row[8].as<std::string>())
                  .value_or(domain::HealthBand::kNeutral),
      .score_time = FromEpochMicros(row[9].as<std::int64_t>()),
      .state_update_time = FromEpochMicros(row[10].as<std::int64_t>()),
      .reacquaint_time = OptionalTime(row[11]),
      .stage = domain::StageFromName(row[12].as<std::string>()).value_or(domain::Stage::kNew),
      .segment_id = row[13].as<std::string>(),
      .stage_enter_time = FromEpochMicros(row[14].as<std::int64_t>()),
  };
}

std::optional<std::int64_t> OptionalMicros(const std::optional<domain::Timestamp>& time) {
  if (!time) return std::nullopt;
  return ToEpochMicros(*time);
}

std::vector<StoredHealth> StoredRows(const pqxx::result& rows) {
  std::vector<StoredHealth> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(StoredFromRow(row));
  return out;
}

std::vector<IngestCustomer> IngestRows(const pqxx::result& rows) {
  std::vector<IngestCustomer> customers;
  customers.reserve(rows.size());
  for (const auto& row : rows) {
    IngestCustomer customer;
    customer.stage = domain::StageSnapshot{
        .customer_id = row[0].as<std::string>(),
        .stage = domain::StageFromName(row[1].as<std::string>()).value_or(domain::Stage::kNew),
        .segment_id = row[2].as<std::string>(),
        .version = row[3].as<std::int64_t>(),
        .stage_enter_time = FromEpochMicros(row[4].as<std::int64_t>()),
    };
    if (!row[5].is_null()) customer.state = StateFromRow(row, 5);
    customer.reacquaint_time = OptionalTime(row[11]);
    customer.state_version = row[12].as<std::int64_t>();
    customer.snapshot_due = row[13].as<bool>();
    customers.push_back(std::move(customer));
  }
  return customers;
}

std::string Name(domain::HealthBand band) { return std::string(domain::HealthBandName(band)); }

}  // namespace

std::vector<IngestCustomer> HealthStore::ReadForIngest(
    const std::string& tenant_id, const std::vector<std::string>& customer_ids) {
  return IngestRows(tx_.Exec(kReadForIngest, tenant_id, ToSqlTextArray(customer_ids)));
}

std::vector<IngestCustomer> HealthStore::LockForIngest(
    const std::string& tenant_id, const std::vector<std::string>& customer_ids) {
  return IngestRows(tx_.Exec(kLockForIngest, tenant_id, ToSqlTextArray(customer_ids)));
}

std::unordered_set<std::string> HealthStore::SaveIfUnchanged(const std::string& tenant_id,
                                                             const std::vector<HealthWrite>& writes,
                                                             domain::Timestamp score_time) {
  if (writes.empty()) return {};
  const auto n = writes.size();
  std::vector<std::string> ids(n), contributions(n), counts(n), bands(n), snapshots;
  std::vector<std::int64_t> refs(n), versions(n);
  std::vector<std::optional<std::int64_t>> purchases(n), activities(n), reacquaints(n);
  std::vector<double> spends(n), scores(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& write = writes[i];
    ids[i] = write.customer_id;
    refs[i] = ToEpochMicros(write.state.ref_time);
    contributions[i] = ToSqlFloatArray(
        std::vector<double>(write.state.contributions.begin(), write.state.contributions.end()));
    spends[i] = write.state.spend;
    counts[i] = ToSqlBigintArray(
        std::vector<std::int64_t>(write.state.counts.begin(), write.state.counts.end()));
    purchases[i] = OptionalMicros(write.state.last_purchase);
    activities[i] = OptionalMicros(write.state.last_activity);
    reacquaints[i] = OptionalMicros(write.reacquaint_time);
    scores[i] = write.score;
    bands[i] = Name(write.band);
    versions[i] = write.expected_version;
    if (write.snapshot_due) snapshots.push_back(write.customer_id);
  }
  std::unordered_set<std::string> written;
  for (const auto& row :
       tx_.Exec(kSaveIfUnchanged, tenant_id, ToSqlTextArray(ids), ToSqlBigintArray(refs),
                ToSqlTextArray(contributions), ToSqlFloatArray(spends), ToSqlTextArray(counts),
                ToSqlBigintArray(purchases), ToSqlBigintArray(activities),
                ToSqlBigintArray(reacquaints), ToSqlFloatArray(scores), ToSqlTextArray(bands),
                ToEpochMicros(score_time), ToSqlTextArray(snapshots), ToSqlBigintArray(versions))) {
    written.insert(row[0].as<std::string>());
  }
  return written;
}

std::optional<StoredHealth> HealthStore::Get(const std::string& tenant_id,
                                             const std::string& customer_id) {
  auto rows = tx_.Exec(kGet, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return StoredFromRow(rows[0]);
}

std::optional<domain::HealthState> HealthStore::StateBefore(const std::string& tenant_id,
                                                            const std::string& customer_id,
                                                            domain::Timestamp at) {
  auto rows = tx_.Exec(kStateBefore, tenant_id, customer_id, ToEpochMicros(at));
  if (rows.empty()) return std::nullopt;
  return StateFromRow(rows[0], 1);
}

std::vector<StoredHealth> HealthStore::ListByBand(const std::string& tenant_id,
                                                  const AtRiskQuery& query) {
  std::vector<std::string> bands;
  for (auto band : query.bands) bands.push_back(Name(band));
  const char* segment = query.segment_id ? query.segment_id->c_str() : nullptr;
  return StoredRows(tx_.Exec(kListByBand, tenant_id, ToSqlTextArray(bands), segment,
                             query.after_score, query.after_customer_id, query.limit));
}

std::vector<StoredHealth> HealthStore::Page(const std::string& tenant_id, const std::string& after,
                                            int limit) {
  return StoredRows(tx_.Exec(kPage, tenant_id, after, limit));
}

void HealthStore::StoreScores(const std::string& tenant_id, const std::vector<Rescore>& scores,
                              domain::Timestamp score_time) {
  if (scores.empty()) return;
  std::vector<std::string> ids, bands;
  std::vector<std::int64_t> updated;
  std::vector<double> values;
  for (const auto& score : scores) {
    ids.push_back(score.customer_id);
    updated.push_back(ToEpochMicros(score.state_update_time));
    values.push_back(score.score);
    bands.push_back(Name(score.band));
  }
  tx_.Exec(kStoreScores, tenant_id, ToSqlTextArray(ids), ToSqlBigintArray(updated),
           ToSqlFloatArray(values), ToSqlTextArray(bands), ToEpochMicros(score_time));
}

std::vector<std::string> HealthStore::LapseDue(const std::string& tenant_id,
                                               const domain::RetentionPolicy& policy,
                                               const std::vector<domain::Stage>& stages,
                                               domain::Timestamp now, const std::string& after,
                                               int limit, const std::vector<std::string>* among) {
  std::vector<std::string> stage_names, segments;
  for (auto stage : stages) stage_names.push_back(std::string(domain::StageName(stage)));
  std::vector<std::int64_t> seconds;
  for (const auto& segment : policy.segment_lapse_after) {
    segments.push_back(segment.segment_id);
    seconds.push_back(segment.lapse_after.count());
  }
  const std::optional<std::string> ids =
      among ? std::optional(ToSqlTextArray(*among)) : std::nullopt;
  std::vector<std::string> due;
  for (const auto& row :
       tx_.Exec(kLapseDue, tenant_id, ToSqlTextArray(stage_names), ToSqlTextArray(segments),
                ToSqlBigintArray(seconds), ToEpochMicros(now), policy.lapse_after.count(), after,
                limit, ids ? ids->c_str() : nullptr)) {
    due.push_back(row[0].as<std::string>());
  }
  return due;
}

}  // namespace lifecycle::storage
