#include "storage/signal_store.h"

#include <unordered_set>

#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// One multi-row insert from arrays; ON CONFLICT skips event ids seen before.
const Statement kInsert{
    "signal_insert",
    "INSERT INTO signals (tenant_id, event_id, customer_id, kind, occurred_at, value, detail,"
    " impact)"
    " SELECT $1::uuid, u.event_id, u.customer_id, u.kind, " LC_SQL_FROM_MICROS("u.occurred")
    ", u.value, u.detail, u.impact"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[], $7::text[],"
    " $8::float8[]) AS u(event_id, customer_id, kind, occurred, value, detail, impact)"
    " ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING event_id"};
const Statement kLatest{
    "signal_latest",
    "SELECT event_id, kind, " LC_SQL_MICROS("occurred_at") ", value, detail, impact"
    " FROM signals WHERE tenant_id = $1::uuid AND customer_id = $2"
    " ORDER BY occurred_at DESC, event_id LIMIT $3"};

}  // namespace

std::vector<bool> SignalStore::InsertNew(const std::string& tenant_id,
                                         const std::vector<domain::Signal>& signals,
                                         const std::vector<double>& impacts) {
  const auto n = signals.size();
  if (n == 0) return {};
  std::vector<std::string> events(n), customers(n), kinds(n), details(n);
  std::vector<std::int64_t> occurred(n);
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& signal = signals[i];
    events[i] = signal.event_id;
    customers[i] = signal.customer_id;
    kinds[i] = std::string(domain::SignalKindName(signal.kind));
    occurred[i] = ToEpochMicros(signal.occur_time);
    values[i] = signal.value;
    details[i] = signal.detail;
  }
  auto rows = tx_.Exec(kInsert, tenant_id, ToSqlTextArray(events), ToSqlTextArray(customers),
                       ToSqlTextArray(kinds), ToSqlBigintArray(occurred), ToSqlFloatArray(values),
                       ToSqlTextArray(details), ToSqlFloatArray(impacts));
  std::unordered_set<std::string> stored;
  stored.reserve(rows.size());
  for (const auto& row : rows) stored.insert(row[0].as<std::string>());
  std::vector<bool> inserted(n);
  for (std::size_t i = 0; i < n; ++i) inserted[i] = stored.contains(signals[i].event_id);
  return inserted;
}

std::vector<domain::RecordedSignal> SignalStore::Latest(const std::string& tenant_id,
                                                        const std::string& customer_id, int limit) {
  std::vector<domain::RecordedSignal> signals;
  for (const auto& row : tx_.Exec(kLatest, tenant_id, customer_id, limit)) {
    signals.push_back(domain::RecordedSignal{
        .signal = {.event_id = row[0].as<std::string>(),
                   .customer_id = customer_id,
                   .kind = domain::SignalKindFromName(row[1].as<std::string>())
                               .value_or(domain::SignalKind::kCustom),
                   .occur_time = FromEpochMicros(row[2].as<std::int64_t>()),
                   .value = row[3].as<double>(),
                   .detail = row[4].as<std::string>()},
        .impact = row[5].as<double>()});
  }
  return signals;
}

}  // namespace lifecycle::storage
