#include "storage/segment_store.h"

#include "server/domain/error.h"
#include "server/domain/segment_rule_json.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// Columns of a segment version joined with its segment row (alias v, s).
#define SEGMENT_COLUMNS                                                                \
  "s.segment_id, v.version, v.display_name, v.description, v.basis, v.story, v.goal, " \
  "v.priority, s.is_default, v.rule::text, s.state, " LC_SQL_MICROS(                   \
      "s.created_at") ", " LC_SQL_MICROS("v.created_at") ", " LC_SQL_MICROS("s.retired_at")

#define SEGMENT_FROM                         \
  " FROM segments s JOIN segment_versions v" \
  " ON v.tenant_id = s.tenant_id AND v.segment_id = s.segment_id"

const Statement kInsertSegment{
    "segment_insert",
    "INSERT INTO segments (tenant_id, segment_id, current_version, is_default)"
    " VALUES ($1::uuid, $2, 1, $3) ON CONFLICT DO NOTHING"  // the id, or a racing default
    " RETURNING segment_id"};
const Statement kActiveDefault{
    "segment_active_default",
    "SELECT segment_id FROM segments WHERE tenant_id = $1::uuid AND is_default"
    " AND state = 'ACTIVE'"};
const Statement kInsertVersion{
    "segment_insert_version",
    "INSERT INTO segment_versions (tenant_id, segment_id, version, display_name, description,"
    " basis, story, goal, priority, rule)"
    " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)"};
const Statement kSetCurrentVersion{
    "segment_set_current_version",
    "UPDATE segments SET current_version = $3 WHERE tenant_id = $1::uuid AND segment_id = $2"};
const Statement kGetCurrent{"segment_get_current",
                            "SELECT " SEGMENT_COLUMNS SEGMENT_FROM
                            " AND v.version = s.current_version"
                            " WHERE s.tenant_id = $1::uuid AND s.segment_id = $2"};
const Statement kGetVersion{"segment_get_version",
                            "SELECT " SEGMENT_COLUMNS SEGMENT_FROM
                            " WHERE s.tenant_id = $1::uuid AND s.segment_id = $2"
                            " AND v.version = $3"};
// Locks the segment row alone. Locking it joined with its current version
// would return nothing after waiting for a concurrent edit: PostgreSQL
// re-checks the join with the edited row (new current_version) but the old
// version row. The current version is read after the lock instead.
const Statement kLockCurrent{"segment_lock_current",
                             "SELECT 1 FROM segments WHERE tenant_id = $1::uuid AND segment_id = $2"
                             " FOR UPDATE"};
const Statement kRetire{"segment_retire",
                        "UPDATE segments SET state = 'RETIRED', retired_at = now()"
                        " WHERE tenant_id = $1::uuid AND segment_id = $2"};
// Decision order: rule segments by priority (highest first) then id, the
// default last. The page position is the same tuple (negated as bigint:
// -(-2^31) overflows an integer).
const Statement kList{
    "segment_list",
    "SELECT " SEGMENT_COLUMNS SEGMENT_FROM
    " AND v.version = s.current_version"
    " WHERE s.tenant_id = $1::uuid AND ($2 OR s.state = 'ACTIVE')"
    " AND ($3::boolean IS NULL OR (s.is_default, -v.priority::bigint, s.segment_id COLLATE \"C\")"
    "      > ($3::boolean, -$4::bigint, $5::text COLLATE \"C\"))"
    " ORDER BY s.is_default, v.priority DESC, s.segment_id COLLATE \"C\" LIMIT $6"};
const Statement kActiveRules{
    "segment_active_rules",
    "SELECT s.segment_id, v.version, v.priority, s.is_default, v.rule::text" SEGMENT_FROM
    " AND v.version = s.current_version WHERE s.tenant_id = $1::uuid AND s.state = 'ACTIVE'"};
const Statement kRulesAt{
    "segment_rules_at",
    "SELECT s.segment_id, v.version, v.priority, s.is_default, v.rule::text" SEGMENT_FROM
    " JOIN unnest($2::text[], $3::bigint[]) AS pick(segment_id, version)"
    " ON pick.segment_id = v.segment_id AND pick.version = v.version"
    " WHERE s.tenant_id = $1::uuid"};
const Statement kMemberCounts{
    "segment_member_counts",
    "SELECT segment_id, count(*) FROM customers"
    " WHERE tenant_id = $1::uuid AND segment_id = ANY($2::text[]) GROUP BY segment_id"};
const Statement kGetSettings{
    "segment_get_settings",
    "SELECT strategy, " LC_SQL_MICROS(
        "updated_at") " FROM segmentation_settings WHERE tenant_id = $1::uuid"};
const Statement kPutSettings{
    "segment_put_settings",
    "INSERT INTO segmentation_settings AS t (tenant_id, strategy) VALUES ($1::uuid, $2)"
    " ON CONFLICT (tenant_id) DO UPDATE SET strategy = excluded.strategy, updated_at = now()"
    " RETURNING strategy, " LC_SQL_MICROS("updated_at")};

domain::Segment FromRow(const pqxx::row& row) {
  domain::Segment segment{
      .segment_id = row[0].as<std::string>(),
      .version = row[1].as<std::int64_t>(),
      .display_name = row[2].as<std::string>(),
      .description = row[3].as<std::string>(),
      .basis = domain::SegmentBasisFromName(row[4].as<std::string>())
                   .value_or(domain::SegmentBasis::kDemographic),
      .story = row[5].as<std::string>(),
      .goal = row[6].as<std::string>(),
      .priority = row[7].as<std::int32_t>(),
      .is_default = row[8].as<bool>(),
      .state = domain::SegmentStateFromName(row[10].as<std::string>())
                   .value_or(domain::SegmentState::kActive),
      .create_time = FromEpochMicros(row[11].as<std::int64_t>()),
      .update_time = FromEpochMicros(row[12].as<std::int64_t>()),
  };
  if (!row[9].is_null()) segment.rule = domain::RuleFromJson(row[9].as<std::string>());
  if (!row[13].is_null()) segment.retire_time = FromEpochMicros(row[13].as<std::int64_t>());
  return segment;
}

std::vector<domain::SegmentRuleRef> RuleRefs(const pqxx::result& rows) {
  std::vector<domain::SegmentRuleRef> refs;
  refs.reserve(rows.size());
  for (const auto& row : rows) {
    domain::SegmentRuleRef ref{
        .segment_id = row[0].as<std::string>(),
        .version = row[1].as<std::int64_t>(),
        .priority = row[2].as<std::int32_t>(),
        .is_default = row[3].as<bool>(),
    };
    if (!row[4].is_null()) ref.rule = domain::RuleFromJson(row[4].as<std::string>());
    refs.push_back(std::move(ref));
  }
  domain::SortForAssignment(refs);
  return refs;
}

}  // namespace

domain::Segment SegmentStore::Create(const std::string& tenant_id, const domain::Segment& segment) {
  const auto refuse_second_default = [&] {
    auto existing = tx_.Exec(kActiveDefault, tenant_id);
    if (existing.empty()) return;
    const auto other = existing[0][0].as<std::string>();
    throw domain::Error::FailedPrecondition("DEFAULT_SEGMENT_EXISTS",
                                            "segment '" + other + "' is already the default",
                                            {{"default_segment_id", other}});
  };
  if (segment.is_default) refuse_second_default();
  if (tx_.Exec(kInsertSegment, tenant_id, segment.segment_id, segment.is_default).empty()) {
    // A default created concurrently has committed by now (the insert
    // waited for it), and this statement sees it.
    if (segment.is_default) refuse_second_default();
    throw domain::Error::AlreadyExists("segment '" + segment.segment_id + "'");
  }
  domain::Segment first = segment;
  first.version = 1;
  tx_.Exec(kInsertVersion, tenant_id, first.segment_id, first.version, first.display_name,
           first.description, std::string(domain::SegmentBasisName(first.basis)), first.story,
           first.goal, first.priority,
           first.rule ? std::optional<std::string>(domain::RuleToJson(*first.rule)) : std::nullopt);
  return *Get(tenant_id, segment.segment_id);
}

std::optional<domain::Segment> SegmentStore::Get(const std::string& tenant_id,
                                                 const std::string& segment_id,
                                                 std::optional<std::int64_t> version) {
  auto rows = version ? tx_.Exec(kGetVersion, tenant_id, segment_id, *version)
                      : tx_.Exec(kGetCurrent, tenant_id, segment_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

domain::Segment SegmentStore::LockCurrent(const std::string& tenant_id,
                                          const std::string& segment_id,
                                          std::optional<std::int64_t> expected_version) {
  if (tx_.Exec(kLockCurrent, tenant_id, segment_id).empty()) {
    throw domain::Error::NotFound("segment '" + segment_id + "'");
  }
  domain::Segment current = *Get(tenant_id, segment_id);
  if (expected_version && *expected_version != current.version) {
    throw domain::Error::VersionMismatch("segment '" + segment_id + "'", *expected_version,
                                         current.version);
  }
  if (current.state == domain::SegmentState::kRetired)
    throw domain::SegmentRetiredError(segment_id);
  return current;
}

domain::Segment SegmentStore::AddVersion(const std::string& tenant_id,
                                         const domain::Segment& segment,
                                         std::optional<std::int64_t> expected_version) {
  const domain::Segment current = LockCurrent(tenant_id, segment.segment_id, expected_version);
  const std::int64_t next = current.version + 1;
  tx_.Exec(
      kInsertVersion, tenant_id, segment.segment_id, next, segment.display_name,
      segment.description, std::string(domain::SegmentBasisName(segment.basis)), segment.story,
      segment.goal, segment.priority,
      segment.rule ? std::optional<std::string>(domain::RuleToJson(*segment.rule)) : std::nullopt);
  tx_.Exec(kSetCurrentVersion, tenant_id, segment.segment_id, next);
  return *Get(tenant_id, segment.segment_id);
}

domain::Segment SegmentStore::Retire(const std::string& tenant_id, const std::string& segment_id,
                                     std::optional<std::int64_t> expected_version) {
  LockCurrent(tenant_id, segment_id, expected_version);
  tx_.Exec(kRetire, tenant_id, segment_id);
  return *Get(tenant_id, segment_id);
}

std::vector<domain::Segment> SegmentStore::List(const std::string& tenant_id, bool include_retired,
                                                const std::optional<SegmentListPosition>& after,
                                                int limit) {
  auto rows = after ? tx_.Exec(kList, tenant_id, include_retired, after->is_default,
                               after->priority, after->segment_id, limit)
                    : tx_.Exec(kList, tenant_id, include_retired, nullptr, nullptr, nullptr, limit);
  std::vector<domain::Segment> segments;
  segments.reserve(rows.size());
  for (const auto& row : rows) segments.push_back(FromRow(row));
  return segments;
}

std::vector<domain::SegmentRuleRef> SegmentStore::ActiveRules(const std::string& tenant_id) {
  return RuleRefs(tx_.Exec(kActiveRules, tenant_id));
}

std::vector<domain::SegmentRuleRef> SegmentStore::RulesAt(
    const std::string& tenant_id,
    const std::vector<std::pair<std::string, std::int64_t>>& versions) {
  std::vector<std::string> ids;
  std::vector<std::string> numbers;
  for (const auto& [id, version] : versions) {
    ids.push_back(id);
    numbers.push_back(std::to_string(version));
  }
  return RuleRefs(tx_.Exec(kRulesAt, tenant_id, ToSqlTextArray(ids), ToSqlTextArray(numbers)));
}

std::map<std::string, std::int64_t> SegmentStore::MemberCounts(
    const std::string& tenant_id, const std::vector<std::string>& segment_ids) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& row : tx_.Exec(kMemberCounts, tenant_id, ToSqlTextArray(segment_ids))) {
    counts[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  return counts;
}

namespace {
SegmentSettings SettingsFromRow(const pqxx::row& row) {
  return SegmentSettings{
      .strategy = domain::SegmentationStrategyFromName(row[0].as<std::string>())
                      .value_or(domain::SegmentationStrategy::kDifferentiated),
      .update_time = FromEpochMicros(row[1].as<std::int64_t>()),
  };
}
}  // namespace

SegmentSettings SegmentStore::GetSettings(const std::string& tenant_id) {
  auto rows = tx_.Exec(kGetSettings, tenant_id);
  if (rows.empty()) return SegmentSettings{};
  return SettingsFromRow(rows[0]);
}

SegmentSettings SegmentStore::PutSettings(const std::string& tenant_id,
                                          domain::SegmentationStrategy strategy) {
  return SettingsFromRow(
      tx_.Exec(kPutSettings, tenant_id, std::string(domain::SegmentationStrategyName(strategy)))
          .at(0));
}

}  // namespace lifecycle::storage
