#include "storage/checklist_template_store.h"

#include <map>

#include "server/domain/error.h"
#include "storage/checklist_sql.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define TEMPLATE_COLUMNS                                                                        \
  "t.segment_id, v.version, v.display_name, " LC_SQL_MICROS("t.created_at") ", " LC_SQL_MICROS( \
      "v.created_at")

#define TEMPLATE_FROM                                              \
  " FROM checklist_templates t JOIN checklist_template_versions v" \
  " ON v.tenant_id = t.tenant_id AND v.segment_id = t.segment_id"

const Statement kInsertTemplate{
    "checklist_template_insert",
    "INSERT INTO checklist_templates (tenant_id, segment_id, current_version)"
    " VALUES ($1::uuid, $2, 1) ON CONFLICT (tenant_id, segment_id) DO NOTHING"
    " RETURNING segment_id"};
const Statement kInsertVersion{
    "checklist_template_insert_version",
    "INSERT INTO checklist_template_versions (tenant_id, segment_id, version, display_name)"
    " VALUES ($1::uuid, $2, $3, $4)"};
// All steps of a version in one statement, in list order.
const Statement kInsertSteps{
    "checklist_template_insert_steps",
    "INSERT INTO checklist_template_steps (tenant_id, segment_id, version, position, step_id,"
    " kind, title, channel, due_offset_seconds, required)"
    " SELECT $1::uuid, $2, $3, s.n - 1, s.step_id, s.kind, s.title, s.channel, s.offset_s,"
    " s.required"
    " FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[])"
    " WITH ORDINALITY AS s(step_id, kind, title, channel, offset_s, required, n)"};
const Statement kSetCurrentVersion{"checklist_template_set_current",
                                   "UPDATE checklist_templates SET current_version = $3"
                                   " WHERE tenant_id = $1::uuid AND segment_id = $2"};
const Statement kGetCurrent{"checklist_template_get_current",
                            "SELECT " TEMPLATE_COLUMNS TEMPLATE_FROM
                            " AND v.version = t.current_version"
                            " WHERE t.tenant_id = $1::uuid AND t.segment_id = $2"};
const Statement kGetVersion{"checklist_template_get_version",
                            "SELECT " TEMPLATE_COLUMNS TEMPLATE_FROM
                            " WHERE t.tenant_id = $1::uuid AND t.segment_id = $2"
                            " AND v.version = $3"};
const Statement kLockCurrentVersion{"checklist_template_lock",
                                    "SELECT current_version FROM checklist_templates"
                                    " WHERE tenant_id = $1::uuid AND segment_id = $2 FOR UPDATE"};
const Statement kList{"checklist_template_list",
                      "SELECT " TEMPLATE_COLUMNS TEMPLATE_FROM
                      " AND v.version = t.current_version"
                      " WHERE t.tenant_id = $1::uuid AND t.segment_id COLLATE \"C\" > $2"
                      " ORDER BY t.segment_id COLLATE \"C\" LIMIT $3"};
// The steps of several (segment_id, version) pairs, each in order.
const Statement kSteps{"checklist_template_steps",
                       "SELECT s.segment_id, s.version, " LC_STEP_TEMPLATE_COLUMNS
                       " FROM checklist_template_steps s"
                       " JOIN unnest($2::text[], $3::bigint[]) AS pick(segment_id, version)"
                       " ON pick.segment_id = s.segment_id AND pick.version = s.version"
                       " WHERE s.tenant_id = $1::uuid ORDER BY s.position"};

domain::ChecklistTemplate HeaderFromRow(const pqxx::row& row) {
  return domain::ChecklistTemplate{
      .segment_id = row[0].as<std::string>(),
      .version = row[1].as<std::int64_t>(),
      .display_name = row[2].as<std::string>(),
      .create_time = FromEpochMicros(row[3].as<std::int64_t>()),
      .update_time = FromEpochMicros(row[4].as<std::int64_t>()),
  };
}

// Fills in the steps of templates read without them, in one query.
std::vector<domain::ChecklistTemplate> WithSteps(Transaction& tx, const std::string& tenant_id,
                                                 const pqxx::result& headers) {
  std::vector<domain::ChecklistTemplate> templates;
  std::map<std::string, std::size_t> index;  // a page holds one version per segment
  std::vector<std::string> ids;
  std::vector<std::string> versions;
  for (const auto& row : headers) {
    templates.push_back(HeaderFromRow(row));
    index[templates.back().segment_id] = templates.size() - 1;
    ids.push_back(templates.back().segment_id);
    versions.push_back(std::to_string(templates.back().version));
  }
  if (templates.empty()) return templates;
  for (const auto& row :
       tx.Exec(kSteps, tenant_id, ToSqlTextArray(ids), ToSqlTextArray(versions))) {
    templates[index.at(row[0].as<std::string>())].steps.push_back(StepTemplateFromRow(row, 2));
  }
  return templates;
}

}  // namespace

void ChecklistTemplateStore::InsertVersion(const std::string& tenant_id,
                                           const domain::ChecklistTemplate& version) {
  tx_.Exec(kInsertVersion, tenant_id, version.segment_id, version.version, version.display_name);
  const StepArrays steps(version.steps);
  tx_.Exec(kInsertSteps, tenant_id, version.segment_id, version.version, steps.step_ids,
           steps.kinds, steps.titles, steps.channels, steps.due_offsets, steps.required);
}

domain::ChecklistTemplate ChecklistTemplateStore::Create(
    const std::string& tenant_id, const domain::ChecklistTemplate& checklist_template) {
  if (tx_.Exec(kInsertTemplate, tenant_id, checklist_template.segment_id).empty()) {
    throw domain::Error::AlreadyExists("checklist template for segment '" +
                                       checklist_template.segment_id + "'");
  }
  domain::ChecklistTemplate first = checklist_template;
  first.version = 1;
  InsertVersion(tenant_id, first);
  return *Get(tenant_id, first.segment_id);
}

std::optional<domain::ChecklistTemplate> ChecklistTemplateStore::Get(
    const std::string& tenant_id, const std::string& segment_id,
    std::optional<std::int64_t> version) {
  auto found = WithSteps(tx_, tenant_id,
                         version ? tx_.Exec(kGetVersion, tenant_id, segment_id, *version)
                                 : tx_.Exec(kGetCurrent, tenant_id, segment_id));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

domain::ChecklistTemplate ChecklistTemplateStore::AddVersion(
    const std::string& tenant_id, const domain::ChecklistTemplate& checklist_template,
    std::optional<std::int64_t> expected_version) {
  const std::string& segment_id = checklist_template.segment_id;
  auto locked = tx_.Exec(kLockCurrentVersion, tenant_id, segment_id);
  if (locked.empty()) {
    throw domain::Error::NotFound("checklist template for segment '" + segment_id + "'");
  }
  const auto current = locked[0][0].as<std::int64_t>();
  if (expected_version && *expected_version != current) {
    throw domain::Error::VersionMismatch("checklist template for segment '" + segment_id + "'",
                                         *expected_version, current);
  }
  domain::ChecklistTemplate next = checklist_template;
  next.version = current + 1;
  InsertVersion(tenant_id, next);
  tx_.Exec(kSetCurrentVersion, tenant_id, segment_id, next.version);
  return *Get(tenant_id, segment_id);
}

std::vector<domain::ChecklistTemplate> ChecklistTemplateStore::List(const std::string& tenant_id,
                                                                    const std::string& after,
                                                                    int limit) {
  return WithSteps(tx_, tenant_id, tx_.Exec(kList, tenant_id, after, limit));
}

}  // namespace lifecycle::storage
