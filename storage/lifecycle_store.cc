#include "storage/lifecycle_store.h"

#include "server/domain/error.h"
#include "storage/onboarding_store.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define STAGE_COLUMNS \
  "customer_id, stage, coalesce(segment_id, ''), version, " LC_SQL_MICROS("stage_entered_at")

#define TRANSITION_COLUMNS \
  "sequence, customer_id, from_stage, to_stage, trigger, actor, reason, override_reason, " \
  "coalesce(request_id, ''), coalesce(segment_id, ''), " LC_SQL_MICROS(                    \
      "from_entered_at") ", " LC_SQL_MICROS("occurred_at") ", coalesce(previous_segment_id, ''), " \
                         "coalesce(segment_version, 0)"

const Statement kGetStage{"lifecycle_get_stage",
                          "SELECT " STAGE_COLUMNS
                          " FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kGetStages{
    "lifecycle_get_stages",
    "SELECT " STAGE_COLUMNS
    " FROM customers WHERE tenant_id = $1::uuid AND customer_id = ANY($2::text[])"};
const Statement kLockStage{
    "lifecycle_lock_stage",
    "SELECT " STAGE_COLUMNS
    " FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2 FOR UPDATE"};
const Statement kStageAsOf{
    "lifecycle_stage_as_of",
    "SELECT to_stage, coalesce(segment_id, ''), " LC_SQL_MICROS("occurred_at")
    " FROM stage_transitions WHERE tenant_id = $1::uuid AND customer_id = $2"
    " AND occurred_at <= " LC_SQL_FROM_MICROS("$3") " ORDER BY sequence DESC LIMIT 1"};
const Statement kCreatedAt{
    "lifecycle_created_at",
    "SELECT " LC_SQL_MICROS(
        "created_at") " FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};
// stage_entered_at is taken after the row lock, from the wall clock (now() is
// the transaction's start, which can precede the previous move's commit),
// and never earlier than the stage it leaves: moves of one customer are
// ordered by the lock, and their times must agree.
const Statement kSetStage{
    "lifecycle_set_stage",
    "UPDATE customers c SET stage = $3, segment_id = nullif($4, ''),"
    " stage_entered_at = CASE WHEN c.stage = $3 THEN c.stage_entered_at"
    "                    ELSE greatest(clock.now, c.stage_entered_at) END,"
    " updated_at = greatest(clock.now, c.stage_entered_at), version = c.version + 1"
    " FROM (SELECT clock_timestamp() AS now) clock"
    " WHERE c.tenant_id = $1::uuid AND c.customer_id = $2 RETURNING " STAGE_COLUMNS};
// Last statement of a transition: takes the row lock that orders commits.
const Statement kNextSequence{
    "lifecycle_next_sequence",
    "INSERT INTO tenant_sequences AS s (tenant_id, last_sequence) VALUES ($1::uuid, 1)"
    " ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = s.last_sequence + 1"
    " RETURNING last_sequence"};
const Statement kInsertTransition{
    "lifecycle_insert_transition",
    "INSERT INTO stage_transitions (tenant_id, sequence, customer_id, from_stage, to_stage,"
    " trigger, actor, reason, override_reason, request_id, segment_id, from_entered_at,"
    " occurred_at, previous_segment_id, segment_version)"
    " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''), nullif($11, ''), "
    LC_SQL_FROM_MICROS("$12") ", " LC_SQL_FROM_MICROS("$13") ", nullif($14, ''),"
    " nullif($15::bigint, 0)) RETURNING " TRANSITION_COLUMNS};
const Statement kNotify{"lifecycle_notify", "SELECT pg_notify($1, $2)"};
const Statement kHistory{
    "lifecycle_history",
    "SELECT " TRANSITION_COLUMNS
    " FROM stage_transitions"
    " WHERE tenant_id = $1::uuid AND customer_id = $2 AND ($3::bigint IS NULL OR sequence < $3)"
    " ORDER BY sequence DESC LIMIT $4"};
const Statement kAfter{"lifecycle_after",
                       "SELECT " TRANSITION_COLUMNS
                       " FROM stage_transitions"
                       " WHERE tenant_id = $1::uuid AND sequence > $2 ORDER BY sequence LIMIT $3"};
const Statement kExists{"lifecycle_customer_exists",
                        "SELECT 1 FROM customers WHERE tenant_id = $1::uuid AND customer_id = $2"};

domain::Stage StageOf(const pqxx::field& field) {
  return domain::StageFromName(field.as<std::string>()).value_or(domain::Stage::kNew);
}

domain::StageSnapshot SnapshotFromRow(const pqxx::row& row) {
  return domain::StageSnapshot{
      .customer_id = row[0].as<std::string>(),
      .stage = StageOf(row[1]),
      .segment_id = row[2].as<std::string>(),
      .version = row[3].as<std::int64_t>(),
      .stage_enter_time = FromEpochMicros(row[4].as<std::int64_t>()),
  };
}

domain::StageTransition TransitionFromRow(const pqxx::row& row) {
  return domain::StageTransition{
      .sequence = row[0].as<std::int64_t>(),
      .customer_id = row[1].as<std::string>(),
      .from = StageOf(row[2]),
      .to = StageOf(row[3]),
      .trigger =
          domain::TriggerFromName(row[4].as<std::string>()).value_or(domain::Trigger::kManual),
      .actor = row[5].as<std::string>(),
      .reason = row[6].as<std::string>(),
      .override_reason = row[7].as<std::string>(),
      .request_id = row[8].as<std::string>(),
      .segment_id = row[9].as<std::string>(),
      .from_enter_time = FromEpochMicros(row[10].as<std::int64_t>()),
      .occur_time = FromEpochMicros(row[11].as<std::int64_t>()),
      .previous_segment_id = row[12].as<std::string>(),
      .segment_version = row[13].as<std::int64_t>(),
  };
}

std::vector<domain::StageTransition> Transitions(const pqxx::result& rows) {
  std::vector<domain::StageTransition> transitions;
  transitions.reserve(rows.size());
  for (const auto& row : rows) transitions.push_back(TransitionFromRow(row));
  return transitions;
}

std::string Name(domain::Stage stage) { return std::string(domain::StageName(stage)); }

}  // namespace

std::optional<domain::StageSnapshot> LifecycleStore::GetStage(const std::string& tenant_id,
                                                              const std::string& customer_id) {
  auto rows = tx_.Exec(kGetStage, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return SnapshotFromRow(rows[0]);
}

std::vector<domain::StageSnapshot> LifecycleStore::GetStages(
    const std::string& tenant_id, const std::vector<std::string>& customer_ids) {
  auto rows = tx_.Exec(kGetStages, tenant_id, ToSqlTextArray(customer_ids));
  std::vector<domain::StageSnapshot> stages;
  stages.reserve(rows.size());
  for (const auto& row : rows) stages.push_back(SnapshotFromRow(row));
  return stages;
}

std::optional<domain::StageSnapshot> LifecycleStore::GetStageAsOf(const std::string& tenant_id,
                                                                  const std::string& customer_id,
                                                                  domain::Timestamp as_of) {
  const std::int64_t as_of_micros = ToEpochMicros(as_of);
  auto logged = tx_.Exec(kStageAsOf, tenant_id, customer_id, as_of_micros);
  if (!logged.empty()) {
    return domain::StageSnapshot{
        .customer_id = customer_id,
        .stage = StageOf(logged[0][0]),
        .segment_id = logged[0][1].as<std::string>(),
        .stage_enter_time = FromEpochMicros(logged[0][2].as<std::int64_t>()),
    };
  }
  // No move yet at as_of: NEW since creation, if it existed by then.
  auto created = tx_.Exec(kCreatedAt, tenant_id, customer_id);
  if (created.empty() || created[0][0].as<std::int64_t>() > as_of_micros) return std::nullopt;
  return domain::StageSnapshot{
      .customer_id = customer_id,
      .stage = domain::Stage::kNew,
      .stage_enter_time = FromEpochMicros(created[0][0].as<std::int64_t>()),
  };
}

domain::StageSnapshot LifecycleStore::Lock(const std::string& tenant_id,
                                           const std::string& customer_id) {
  auto locked = tx_.Exec(kLockStage, tenant_id, customer_id);
  if (locked.empty()) throw domain::Error::NotFound("customer '" + customer_id + "'");
  return SnapshotFromRow(locked[0]);
}

domain::TransitionFacts LifecycleStore::LoadFacts(const std::string& tenant_id,
                                                  const std::string& customer_id,
                                                  const std::string& segment_id) {
  // Product holdings do not exist yet (they come with cross-sell), so
  // nothing is held; that feature fills products_held in from its tables.
  return domain::TransitionFacts{
      .segment_id = segment_id,
      .open_required_steps = OnboardingStore(tx_).OpenRequiredSteps(tenant_id, customer_id)};
}

TransitionOutcome LifecycleStore::Apply(const std::string& tenant_id,
                                        const domain::TransitionCommand& command) {
  const domain::StageSnapshot before = Lock(tenant_id, command.customer_id);
  if (command.expected_version && *command.expected_version != before.version) {
    throw domain::Error::VersionMismatch("customer '" + command.customer_id + "'",
                                         *command.expected_version, before.version);
  }
  const std::string segment_id =
      command.segment_id.empty() ? before.segment_id : command.segment_id;
  const domain::TransitionDecision decision = domain::DecideTransition(
      domain::TransitionAttempt{before.stage, command.to, command.trigger, command.actor_role,
                                command.reason, command.override_reason},
      LoadFacts(tenant_id, command.customer_id, segment_id));
  if (!decision.allowed) {
    throw domain::Error::FailedPrecondition(decision.error_reason, decision.message,
                                            decision.metadata);
  }

  return WriteMove(
      tenant_id, before,
      Move{.to = command.to,
           .trigger = command.trigger,
           .actor = command.actor,
           .reason = command.reason,
           .override_reason = decision.overridden ? command.override_reason : "",
           .request_id = command.request_id,
           .segment_id = segment_id,
           .segment_version = segment_id == before.segment_id ? 0 : command.segment_version});
}

std::optional<TransitionOutcome> LifecycleStore::PlaceInSegment(
    const std::string& tenant_id, const std::string& customer_id,
    const domain::SegmentPlacement& placement, const std::string& request_id) {
  const domain::StageSnapshot before = Lock(tenant_id, customer_id);
  if (before.segment_id == placement.segment_id) return std::nullopt;
  // Placing a NEW customer is their first move; anyone else only changes
  // segment, recorded as a row that keeps the stage.
  const bool acquires = before.stage == domain::Stage::kNew && !placement.segment_id.empty();
  return WriteMove(tenant_id, before,
                   Move{.to = acquires ? domain::Stage::kSegmented : before.stage,
                        .trigger = domain::Trigger::kSegmentation,
                        .actor = std::string(domain::kSystemActor),
                        .request_id = request_id,
                        .segment_id = placement.segment_id,
                        .segment_version = placement.version});
}

TransitionOutcome LifecycleStore::WriteMove(const std::string& tenant_id,
                                            const domain::StageSnapshot& before, const Move& move) {
  const domain::StageSnapshot after = SnapshotFromRow(
      tx_.Exec(kSetStage, tenant_id, before.customer_id, Name(move.to), move.segment_id).at(0));
  if (before.stage != move.to) {
    // Every way into or out of ONBOARDING passes here (by hand, by signal,
    // by checklist), so the checklist opens and closes with the stage. Before
    // the sequence, which must stay the last statement.
    OnboardingStore checklists(tx_);
    if (before.stage == domain::Stage::kOnboarding) {
      checklists.Close(tenant_id, before.customer_id, move.to, after.stage_enter_time);
    }
    if (move.to == domain::Stage::kOnboarding) {
      checklists.Open(tenant_id, before.customer_id, after.segment_id, after.stage_enter_time);
    }
  }
  const std::int64_t sequence = tx_.Exec(kNextSequence, tenant_id)[0][0].as<std::int64_t>();
  auto logged = tx_.Exec(
      kInsertTransition, tenant_id, sequence, before.customer_id, Name(before.stage), Name(move.to),
      std::string(domain::TriggerName(move.trigger)), move.actor, move.reason, move.override_reason,
      move.request_id, move.segment_id, ToEpochMicros(before.stage_enter_time),
      ToEpochMicros(after.stage_enter_time), before.segment_id, move.segment_version);
  tx_.Exec(kNotify, std::string(kTransitionChannel), tenant_id);
  return TransitionOutcome{after, TransitionFromRow(logged.at(0))};
}

std::vector<domain::StageTransition> LifecycleStore::History(const std::string& tenant_id,
                                                             const std::string& customer_id,
                                                             std::optional<std::int64_t> before,
                                                             int limit) {
  return Transitions(before ? tx_.Exec(kHistory, tenant_id, customer_id, *before, limit)
                            : tx_.Exec(kHistory, tenant_id, customer_id, nullptr, limit));
}

std::vector<domain::StageTransition> LifecycleStore::After(const std::string& tenant_id,
                                                           std::int64_t after, int limit) {
  return Transitions(tx_.Exec(kAfter, tenant_id, after, limit));
}

bool LifecycleStore::CustomerExists(const std::string& tenant_id, const std::string& customer_id) {
  return !tx_.Exec(kExists, tenant_id, customer_id).empty();
}

}  // namespace lifecycle::storage
