#include "storage/onboarding_store.h"

#include "server/domain/error.h"
#include "storage/checklist_sql.h"
#include "storage/checklist_template_store.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

// A checklist step as StepFromRow reads it (table alias s).
#define STEP_COLUMNS                                           \
  "s.position, s." LC_STEP_TEMPLATE_COLUMNS                    \
  ", " LC_SQL_MICROS("s.due_at") ", s.status, " LC_SQL_MICROS( \
      "s.resolved_at") ", s.resolved_by, s.note, s.skip_reason, s.override_reason"
constexpr int kStepColumnCount = 14;

#define CHECKLIST_COLUMNS                                                                       \
  "onboarding_number, coalesce(segment_id, ''), coalesce(template_version, 0), " LC_SQL_MICROS( \
      "started_at") ", " LC_SQL_MICROS("closed_at") ", close_stage"

const Statement kNextNumber{
    "onboarding_next_number",
    "SELECT coalesce(max(onboarding_number), 0) + 1 FROM onboarding_checklists"
    " WHERE tenant_id = $1::uuid AND customer_id = $2"};
const Statement kInsertChecklist{
    "onboarding_insert_checklist",
    "INSERT INTO onboarding_checklists (tenant_id, customer_id, onboarding_number, segment_id,"
    " template_version, started_at)"
    " VALUES ($1::uuid, $2, $3, nullif($4, ''), nullif($5::bigint, 0), " LC_SQL_FROM_MICROS(
        "$6") ")"};
const Statement kInsertSteps{
    "onboarding_insert_steps",
    "INSERT INTO onboarding_steps (tenant_id, customer_id, onboarding_number, position, step_id,"
    " kind, title, channel, due_offset_seconds, required, due_at)"
    " SELECT $1::uuid, $2, $3, s.n - 1, s.step_id, s.kind, s.title, s.channel, s.offset_s,"
    " s.required, 'epoch'::timestamptz + s.due_micros * interval '1 microsecond'"
    " FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[],"
    " $10::bigint[]) WITH ORDINALITY"
    " AS s(step_id, kind, title, channel, offset_s, required, due_micros, n)"};
const Statement kClose{
    "onboarding_close",
    "UPDATE onboarding_checklists SET closed_at = " LC_SQL_FROM_MICROS("$4") ", close_stage = $3"
    " WHERE tenant_id = $1::uuid AND customer_id = $2 AND closed_at IS NULL"};
const Statement kLatest{"onboarding_latest",
                        "SELECT " CHECKLIST_COLUMNS
                        " FROM onboarding_checklists WHERE tenant_id = $1::uuid"
                        " AND customer_id = $2 ORDER BY onboarding_number DESC LIMIT 1"};
const Statement kSteps{"onboarding_steps",
                       "SELECT " STEP_COLUMNS
                       " FROM onboarding_steps s WHERE s.tenant_id = $1::uuid"
                       " AND s.customer_id = $2 AND s.onboarding_number = $3 ORDER BY s.position"};
const Statement kResolve{
    "onboarding_resolve_step",
    "UPDATE onboarding_steps SET status = $5, resolved_at = clock_timestamp(), resolved_by = $6,"
    " note = $7, skip_reason = $8, override_reason = $9"
    " WHERE tenant_id = $1::uuid AND customer_id = $2 AND onboarding_number = $3"
    " AND step_id = $4 AND status = 'PENDING'"};
// The work queue: the partial index on pending steps by due time, and only
// checklists still open (the customer is ONBOARDING).
const Statement kOverdue{
    "onboarding_overdue",
    "SELECT " STEP_COLUMNS ", s.customer_id, coalesce(c.segment_id, ''), s.onboarding_number"
    " FROM onboarding_steps s JOIN onboarding_checklists c"
    " ON c.tenant_id = s.tenant_id AND c.customer_id = s.customer_id"
    " AND c.onboarding_number = s.onboarding_number AND c.closed_at IS NULL"
    " WHERE s.tenant_id = $1::uuid AND s.status = 'PENDING'"
    " AND s.due_at < " LC_SQL_FROM_MICROS("$3") " AND ($2::text IS NULL OR c.segment_id = $2)"
    " AND ($4::bigint IS NULL OR (s.due_at, s.customer_id COLLATE \"C\", s.position)"
    "      > (" LC_SQL_FROM_MICROS("$4") ", $5::text COLLATE \"C\", $6::integer))"
    " ORDER BY s.due_at, s.customer_id COLLATE \"C\", s.position LIMIT $7"};

domain::ChecklistStep StepFromRow(const pqxx::row& row) {
  domain::ChecklistStep step{
      .step = StepTemplateFromRow(row, 1),
      .due_time = FromEpochMicros(row[7].as<std::int64_t>()),
      .status = domain::StepStatusFromName(row[8].as<std::string>())
                    .value_or(domain::StepStatus::kPending),
      .resolved_by = row[10].as<std::string>(),
      .note = row[11].as<std::string>(),
      .skip_reason = row[12].as<std::string>(),
      .override_reason = row[13].as<std::string>(),
  };
  if (!row[9].is_null()) step.resolve_time = FromEpochMicros(row[9].as<std::int64_t>());
  return step;
}

}  // namespace

void OnboardingStore::Open(const std::string& tenant_id, const std::string& customer_id,
                           const std::string& segment_id, domain::Timestamp start) {
  std::optional<domain::ChecklistTemplate> from;
  if (!segment_id.empty()) from = ChecklistTemplateStore(tx_).Get(tenant_id, segment_id);
  const std::int64_t number =
      tx_.Exec(kNextNumber, tenant_id, customer_id)[0][0].as<std::int64_t>();
  const domain::Checklist checklist =
      domain::NewChecklist(customer_id, number, segment_id, from ? &*from : nullptr, start);
  tx_.Exec(kInsertChecklist, tenant_id, customer_id, number, checklist.segment_id,
           checklist.template_version, ToEpochMicros(start));
  if (checklist.steps.empty()) return;
  std::vector<domain::StepTemplate> steps;
  std::vector<std::string> due;
  for (const auto& step : checklist.steps) {
    steps.push_back(step.step);
    due.push_back(std::to_string(ToEpochMicros(step.due_time)));
  }
  const StepArrays arrays(steps);
  tx_.Exec(kInsertSteps, tenant_id, customer_id, number, arrays.step_ids, arrays.kinds,
           arrays.titles, arrays.channels, arrays.due_offsets, arrays.required,
           ToSqlTextArray(due));
}

void OnboardingStore::Close(const std::string& tenant_id, const std::string& customer_id,
                            domain::Stage to, domain::Timestamp at) {
  tx_.Exec(kClose, tenant_id, customer_id, std::string(domain::StageName(to)), ToEpochMicros(at));
}

std::optional<domain::Checklist> OnboardingStore::Latest(const std::string& tenant_id,
                                                         const std::string& customer_id) {
  auto rows = tx_.Exec(kLatest, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row& row = rows[0];
  domain::Checklist checklist{
      .customer_id = customer_id,
      .onboarding_number = row[0].as<std::int64_t>(),
      .segment_id = row[1].as<std::string>(),
      .template_version = row[2].as<std::int64_t>(),
      .start_time = FromEpochMicros(row[3].as<std::int64_t>()),
  };
  if (!row[4].is_null()) {
    checklist.close_time = FromEpochMicros(row[4].as<std::int64_t>());
    checklist.close_stage = domain::StageFromName(row[5].as<std::string>());
  }
  for (const auto& step : tx_.Exec(kSteps, tenant_id, customer_id, checklist.onboarding_number)) {
    checklist.steps.push_back(StepFromRow(step));
  }
  return checklist;
}

int OnboardingStore::OpenRequiredSteps(const std::string& tenant_id,
                                       const std::string& customer_id) {
  const auto checklist = Latest(tenant_id, customer_id);
  if (!checklist || checklist->close_time) return 0;
  return domain::Progress(*checklist).open_required;
}

void OnboardingStore::Resolve(const std::string& tenant_id, const domain::Checklist& checklist,
                              const domain::StepDecision& decision,
                              const domain::StepResolution& resolution) {
  const bool skipped = decision.status == domain::StepStatus::kSkipped;
  tx_.Exec(kResolve, tenant_id, checklist.customer_id, checklist.onboarding_number,
           checklist.steps.at(decision.index).step.step_id,
           std::string(domain::StepStatusName(decision.status)), resolution.actor, resolution.note,
           skipped ? resolution.reason : std::string(), decision.override_reason);
}

std::vector<OverdueStep> OnboardingStore::Overdue(const std::string& tenant_id,
                                                  const std::optional<std::string>& segment_id,
                                                  domain::Timestamp now,
                                                  const std::optional<OverduePosition>& after,
                                                  int limit) {
  const char* segment = segment_id ? segment_id->c_str() : nullptr;
  const std::int64_t now_micros = ToEpochMicros(now);
  auto rows =
      after ? tx_.Exec(kOverdue, tenant_id, segment, now_micros, ToEpochMicros(after->due_time),
                       after->customer_id, after->position, limit)
            : tx_.Exec(kOverdue, tenant_id, segment, now_micros, nullptr, nullptr, nullptr, limit);
  std::vector<OverdueStep> steps;
  steps.reserve(rows.size());
  for (const auto& row : rows) {
    steps.push_back(OverdueStep{
        .customer_id = row[kStepColumnCount].as<std::string>(),
        .segment_id = row[kStepColumnCount + 1].as<std::string>(),
        .onboarding_number = row[kStepColumnCount + 2].as<std::int64_t>(),
        .position = row[0].as<int>(),
        .step = StepFromRow(row),
    });
  }
  return steps;
}

}  // namespace lifecycle::storage
