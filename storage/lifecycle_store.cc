#include "storage/lifecycle_store.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "server/domain/error.h"
#include "storage/holding_store.h"
#include "storage/onboarding_store.h"
#include "storage/segment_store.h"
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
const Statement kLockStages{
    "lifecycle_lock_stages",
    "SELECT " STAGE_COLUMNS
    " FROM customers WHERE tenant_id = $1::uuid AND customer_id = ANY($2::text[])"
    " ORDER BY customer_id FOR UPDATE"};
// The move's time (updated_at) is taken after the row lock, from the wall
// clock (now() is the transaction's start, which can precede the previous
// move's commit), and never earlier than the stage it leaves: moves of one
// customer are ordered by the lock, and their times must agree. A move that
// keeps the stage (a segment change) keeps stage_entered_at.
const Statement kSetStages{
    "lifecycle_set_stages",
    "UPDATE customers c SET stage = u.to_stage, segment_id = nullif(u.segment, ''),"
    " stage_entered_at = CASE WHEN c.stage = u.to_stage THEN c.stage_entered_at"
    "                    ELSE greatest(clock.now, c.stage_entered_at) END,"
    " updated_at = greatest(clock.now, c.stage_entered_at), version = c.version + 1"
    " FROM (SELECT clock_timestamp() AS now) clock,"
    " unnest($2::text[], $3::text[], $4::text[]) AS u(id, to_stage, segment)"
    " WHERE c.tenant_id = $1::uuid AND c.customer_id = u.id"
    " RETURNING " STAGE_COLUMNS ", " LC_SQL_MICROS("c.updated_at")};
// Last statement of a transition, in one round trip because what follows it
// holds the lock that orders a tenant's commits: reserves the move count
// ($2) of consecutive numbers on the tenant's sequence row (a row lock kept
// until commit), logs the moves under them, and wakes the watchers ($16).
const Statement kLogTransitions{
    "lifecycle_log_transitions",
    "WITH reserved AS ("
    " INSERT INTO tenant_sequences AS s (tenant_id, last_sequence) VALUES ($1::uuid, $2::bigint)"
    " ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = s.last_sequence + $2::bigint"
    " RETURNING last_sequence),"
    " logged AS ("
    " INSERT INTO stage_transitions (tenant_id, sequence, customer_id, from_stage, to_stage,"
    " trigger, actor, reason, override_reason, request_id, segment_id, from_entered_at,"
    " occurred_at, previous_segment_id, segment_version)"
    " SELECT $1::uuid, r.last_sequence - $2::bigint + u.n, u.id, u.from_stage, u.to_stage,"
    " u.trig, u.actor, u.why, u.override, nullif(u.request, ''), nullif(u.segment, ''), " LC_SQL_FROM_MICROS(
        "u.entered") ", " LC_SQL_FROM_MICROS("u.occurred") ", nullif(u.previous, ''),"
    " nullif(u.segment_version, 0)"
    " FROM reserved r, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[],"
    " $14::text[], $15::bigint[]) WITH ORDINALITY"
    " AS u(id, from_stage, to_stage, trig, actor, why, override, request, segment, entered,"
    " occurred, previous, segment_version, n) RETURNING " TRANSITION_COLUMNS "),"
    // Identical notifications in one transaction are delivered once, so
    // however often the join evaluates it, watchers wake once per commit.
    " notified AS (SELECT pg_notify($16, $1::text))"
    " SELECT logged.* FROM logged, notified"};
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
  return domain::TransitionFacts{
      .segment_id = segment_id,
      .open_required_steps = OnboardingStore(tx_).OpenRequiredSteps(tenant_id, customer_id),
      .products_held = HoldingStore(tx_).CountHeld(tenant_id, customer_id)};
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
  const std::int64_t segment_version =
      segment_id == before.segment_id ? 0 : AssignableVersion(tenant_id, segment_id);
  const domain::TransitionDecision decision = domain::DecideTransition(
      domain::TransitionAttempt{before.stage, command.to, command.trigger, command.actor_role,
                                command.reason, command.override_reason},
      LoadFacts(tenant_id, command.customer_id, segment_id));
  if (!decision.allowed) {
    throw domain::Error::FailedPrecondition(decision.error_reason, decision.message,
                                            decision.metadata);
  }

  return Write(tenant_id, {Move{command, before, segment_id, segment_version, decision.overridden}})
      .at(0);
}

std::int64_t LifecycleStore::AssignableVersion(const std::string& tenant_id,
                                               const std::string& segment_id) {
  const std::optional<domain::Segment> segment = SegmentStore(tx_).Get(tenant_id, segment_id);
  if (!segment) throw domain::Error::NotFound("segment '" + segment_id + "'");
  if (segment->state != domain::SegmentState::kActive) {
    throw domain::SegmentRetiredError(segment_id);
  }
  return segment->version;
}

std::optional<TransitionOutcome> LifecycleStore::PlaceInSegment(
    const std::string& tenant_id, const std::string& customer_id,
    const domain::SegmentPlacement& placement, const std::string& request_id) {
  const domain::StageSnapshot before = Lock(tenant_id, customer_id);
  if (before.segment_id == placement.segment_id) return std::nullopt;
  // Placing a NEW customer is their first move; anyone else only changes
  // segment, recorded as a row that keeps the stage.
  const bool acquires = before.stage == domain::Stage::kNew && !placement.segment_id.empty();
  domain::TransitionCommand command{
      .customer_id = customer_id,
      .to = acquires ? domain::Stage::kSegmented : before.stage,
      .trigger = domain::Trigger::kSegmentation,
      .actor = std::string(domain::kSystemActor),
      .request_id = request_id,
  };
  return Write(tenant_id,
               {Move{std::move(command), before, placement.segment_id, placement.version, false}})
      .at(0);
}

std::vector<domain::StageSnapshot> LifecycleStore::LockStages(
    const std::string& tenant_id, const std::vector<std::string>& customer_ids) {
  auto rows = tx_.Exec(kLockStages, tenant_id, ToSqlTextArray(customer_ids));
  std::vector<domain::StageSnapshot> stages;
  stages.reserve(rows.size());
  for (const auto& row : rows) stages.push_back(SnapshotFromRow(row));
  return stages;
}

std::optional<domain::TransitionDecision> LifecycleStore::SegmentRefusal(
    const std::string& tenant_id, const domain::StageSnapshot& before,
    const std::string& segment_id, std::int64_t& segment_version) {
  if (segment_id == before.segment_id) return std::nullopt;
  try {
    segment_version = AssignableVersion(tenant_id, segment_id);
    return std::nullopt;
  } catch (const domain::Error& error) {
    domain::TransitionDecision refused;
    refused.error_reason = error.reason().empty() ? "SEGMENT_NOT_FOUND" : error.reason();
    refused.message = error.message();
    refused.metadata = {{"segment_id", segment_id}};
    return refused;
  }
}

BulkTransitionOutcome LifecycleStore::ApplyMany(
    const std::string& tenant_id, const std::vector<domain::TransitionCommand>& commands) {
  std::vector<std::string> ids;
  ids.reserve(commands.size());
  for (const auto& command : commands) ids.push_back(command.customer_id);
  std::unordered_map<std::string, domain::StageSnapshot> locked;
  for (auto& stage : LockStages(tenant_id, ids)) locked.emplace(stage.customer_id, stage);

  BulkTransitionOutcome outcome;
  std::vector<Move> moves;
  std::unordered_set<std::string> moving;
  for (const auto& command : commands) {
    auto it = locked.find(command.customer_id);
    if (it == locked.end()) {
      outcome.missing.push_back(command.customer_id);
      continue;
    }
    const domain::StageSnapshot& before = it->second;
    const std::string segment_id =
        command.segment_id.empty() ? before.segment_id : command.segment_id;
    std::int64_t segment_version = 0;
    domain::TransitionDecision decision;
    if (!moving.insert(command.customer_id).second) {
      decision.error_reason = "DUPLICATE_CUSTOMER";
      decision.message = "one move per customer per call";
    } else if (command.expected_version && *command.expected_version != before.version) {
      decision.error_reason = "VERSION_MISMATCH";
      decision.message = "customer is at version " + std::to_string(before.version);
    } else if (auto refused = SegmentRefusal(tenant_id, before, segment_id, segment_version)) {
      decision = std::move(*refused);
    } else {
      decision = domain::DecideTransition(
          domain::TransitionAttempt{before.stage, command.to, command.trigger, command.actor_role,
                                    command.reason, command.override_reason},
          LoadFacts(tenant_id, command.customer_id, segment_id));
    }
    if (decision.allowed) {
      moves.push_back(Move{command, before, segment_id, segment_version, decision.overridden});
    } else {
      outcome.denied.push_back({command.customer_id, std::move(decision)});
    }
  }
  if (!moves.empty()) outcome.applied = Write(tenant_id, moves);
  return outcome;
}

std::vector<TransitionOutcome> LifecycleStore::Write(const std::string& tenant_id,
                                                     const std::vector<Move>& moves) {
  const auto n = moves.size();
  std::vector<std::string> ids(n), from(n), to(n), triggers(n), actors(n), reasons(n), overrides(n),
      requests(n), segments(n), previous(n);
  std::vector<std::int64_t> entered(n), occurred(n), segment_versions(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& command = moves[i].command;
    ids[i] = command.customer_id;
    to[i] = Name(command.to);
    segments[i] = moves[i].segment_id;
  }
  std::unordered_map<std::string, domain::StageSnapshot> after;
  std::unordered_map<std::string, std::int64_t> moved;  // updated_at: the move's time
  for (const auto& row : tx_.Exec(kSetStages, tenant_id, ToSqlTextArray(ids), ToSqlTextArray(to),
                                  ToSqlTextArray(segments))) {
    auto snapshot = SnapshotFromRow(row);
    moved.emplace(snapshot.customer_id, row[5].as<std::int64_t>());
    after.emplace(snapshot.customer_id, std::move(snapshot));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& [command, before, segment_id, segment_version, overridden] = moves[i];
    from[i] = Name(before.stage);
    triggers[i] = std::string(domain::TriggerName(command.trigger));
    actors[i] = command.actor;
    reasons[i] = command.reason;
    overrides[i] = overridden ? command.override_reason : "";
    requests[i] = command.request_id;
    entered[i] = ToEpochMicros(before.stage_enter_time);
    occurred[i] = moved.at(command.customer_id);
    previous[i] = segment_id == before.segment_id ? "" : before.segment_id;
    segment_versions[i] = segment_id == before.segment_id ? 0 : segment_version;
    if (before.stage != command.to) {
      // Every way into or out of ONBOARDING passes here (by hand, by signal,
      // by checklist), so the checklist opens and closes with the stage.
      // Before the sequence, which must stay the last statement.
      const domain::StageSnapshot& now = after.at(command.customer_id);
      OnboardingStore checklists(tx_);
      if (before.stage == domain::Stage::kOnboarding) {
        checklists.Close(tenant_id, before.customer_id, command.to, now.stage_enter_time);
      }
      if (command.to == domain::Stage::kOnboarding) {
        checklists.Open(tenant_id, before.customer_id, now.segment_id, now.stage_enter_time);
      }
    }
  }
  // Everything that can fail on the rules is done: take the numbers last.
  auto logged =
      tx_.Exec(kLogTransitions, tenant_id, static_cast<std::int64_t>(n), ToSqlTextArray(ids),
               ToSqlTextArray(from), ToSqlTextArray(to), ToSqlTextArray(triggers),
               ToSqlTextArray(actors), ToSqlTextArray(reasons), ToSqlTextArray(overrides),
               ToSqlTextArray(requests), ToSqlTextArray(segments), ToSqlBigintArray(entered),
               ToSqlBigintArray(occurred), ToSqlTextArray(previous),
               ToSqlBigintArray(segment_versions), std::string(kTransitionChannel));
  std::vector<TransitionOutcome> outcomes;
  outcomes.reserve(n);
  for (const auto& row : logged) {
    auto transition = TransitionFromRow(row);
    outcomes.push_back({after.at(transition.customer_id), std::move(transition)});
  }
  std::sort(outcomes.begin(), outcomes.end(), [](const auto& a, const auto& b) {
    return a.transition.sequence < b.transition.sequence;
  });
  return outcomes;
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
