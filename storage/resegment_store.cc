#include "storage/resegment_store.h"

#include <nlohmann/json.hpp>

#include "server/domain/error.h"
#include "server/domain/segment_rule_json.h"
#include "storage/lifecycle_store.h"
#include "storage/segment_sql.h"
#include "storage/segment_store.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define JOB_COLUMNS                                                                               \
  "job_id, state, segment_versions::text, filter_rule::text, filter_segments, total, processed, " \
  "changed, error, " LC_SQL_MICROS("created_at") ", " LC_SQL_MICROS("finished_at")

const Statement kInsertJob{
    "resegment_insert_job",
    "INSERT INTO resegment_jobs (tenant_id, job_id, segment_versions, filter_rule,"
    " filter_segments, total, created_at)"
    " VALUES ($1::uuid, gen_random_uuid()::text, $2::jsonb, $3::jsonb, $4::text[], "
    "$5, " LC_SQL_FROM_MICROS("$6") ") RETURNING " JOB_COLUMNS};
const Statement kGetJob{"resegment_get_job",
                        "SELECT " JOB_COLUMNS
                        " FROM resegment_jobs WHERE tenant_id = $1::uuid AND job_id = $2"};
const Statement kGetRunningJob{
    "resegment_get_running_job",
    "SELECT " JOB_COLUMNS
    " FROM resegment_jobs WHERE tenant_id = $1::uuid AND job_id = $2 AND state = 'RUNNING'"};
// Slices: the job's customers cut into ranges of about equal size by id
// (the k-th id of every `step`), so each runner takes a range of its own.
// Ids only: the scope filters inside each batch.
const Statement kCountCustomers{"resegment_count_customers",
                                "SELECT count(*) FROM customers WHERE tenant_id = $1::uuid"};
const Statement kSliceEnds{"resegment_slice_ends",
                           "SELECT customer_id FROM ("
                           " SELECT customer_id, row_number() OVER (ORDER BY customer_id) AS k"
                           "   FROM customers WHERE tenant_id = $1::uuid) ids"
                           " WHERE k % $2 = 0 AND k < $3 ORDER BY customer_id"};
// $3: each slice's exclusive start, $4: its inclusive end ('' for none).
const Statement kInsertSlices{
    "resegment_insert_slices",
    "INSERT INTO resegment_job_slices (tenant_id, job_id, slice, cursor, range_end)"
    " SELECT $1::uuid, $2, s.n - 1, s.start, nullif(s.stop, '')"
    " FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS s(start, stop, n)"};
// A slice nobody is working on; one another runner holds is skipped rather
// than waited for.
const Statement kLockSlice{
    "resegment_lock_slice",
    "SELECT slice, cursor, coalesce(range_end, '') FROM resegment_job_slices"
    " WHERE tenant_id = $1::uuid AND job_id = $2 AND NOT done ORDER BY slice LIMIT 1"
    " FOR UPDATE SKIP LOCKED"};
const Statement kMoves{
    "resegment_moves",
    "SELECT from_segment_id, to_segment_id, customers FROM resegment_job_moves"
    " WHERE tenant_id = $1::uuid AND job_id = $2 ORDER BY from_segment_id COLLATE \"C\","
    " to_segment_id COLLATE \"C\""};
const Statement kRunningJobs{
    "resegment_running_jobs",
    "SELECT tenant_id::text, job_id FROM resegment_jobs WHERE state = 'RUNNING'"
    " ORDER BY created_at LIMIT $1"};
// The slice's next batch by id ($3: the slice's end, '' for none), locked
// against concurrent edits so each customer is evaluated on its latest facts.
const Statement kLockBatch{
    "resegment_lock_batch",
    "SELECT customer_id FROM customers WHERE tenant_id = $1::uuid AND customer_id > $2"
    " AND ($3 = '' OR customer_id <= $3) ORDER BY customer_id LIMIT $4 FOR NO KEY UPDATE"};
// Advances the slice ($3, already locked by this batch) to $4 (done: $5)
// and adds the batch to the job's counts. The job row is the last lock a
// batch takes, so batches of one job on other slices queue here only to
// commit.
const Statement kAdvance{
    "resegment_advance",
    "WITH advanced AS (UPDATE resegment_job_slices SET cursor = $4, done = $5"
    "   WHERE tenant_id = $1::uuid AND job_id = $2 AND slice = $3)"
    " UPDATE resegment_jobs SET processed = processed + $6, changed = changed + $7"
    " WHERE tenant_id = $1::uuid AND job_id = $2"};
// Its own statement, after kAdvance took the job row: a new snapshot, which
// sees a slice that another batch finished and committed while this one
// waited for the row (a subquery of kCount would not).
const Statement kFinishIfAllDone{
    "resegment_finish",
    "UPDATE resegment_jobs j SET state = 'SUCCEEDED', finished_at = clock_timestamp()"
    " WHERE j.tenant_id = $1::uuid AND j.job_id = $2 AND j.state = 'RUNNING'"
    " AND NOT EXISTS (SELECT 1 FROM resegment_job_slices s"
    "   WHERE s.tenant_id = $1::uuid AND s.job_id = $2 AND NOT s.done)"};
const Statement kFail{"resegment_fail",
                      "UPDATE resegment_jobs SET state = 'FAILED', error = $3, finished_at = now()"
                      " WHERE tenant_id = $1::uuid AND job_id = $2 AND state = 'RUNNING'"};
const Statement kNotify{"resegment_notify", "SELECT pg_notify($1, $2)"};

std::string VersionsJson(const std::vector<domain::SegmentRuleRef>& rules) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& rule : rules) {
    list.push_back({{"segment_id", rule.segment_id}, {"version", rule.version}});
  }
  return list.dump();
}

domain::ResegmentJob JobFromRow(const pqxx::row& row) {
  domain::ResegmentJob job{
      .job_id = row[0].as<std::string>(),
      .state =
          domain::JobStateFromName(row[1].as<std::string>()).value_or(domain::JobState::kFailed),
      .total = row[5].as<std::int64_t>(),
      .processed = row[6].as<std::int64_t>(),
      .changed = row[7].as<std::int64_t>(),
      .error = row[8].as<std::string>(),
      .create_time = FromEpochMicros(row[9].as<std::int64_t>()),
  };
  for (const auto& item : nlohmann::json::parse(row[2].as<std::string>())) {
    job.segment_versions.emplace_back(item.at("segment_id").get<std::string>(),
                                      item.at("version").get<std::int64_t>());
  }
  if (!row[3].is_null()) job.scope.filter = domain::RuleFromJson(row[3].as<std::string>());
  if (!row[4].is_null()) job.scope.segment_ids = FromSqlTextArray(row[4]);
  if (!row[10].is_null()) job.finish_time = FromEpochMicros(row[10].as<std::int64_t>());
  return job;
}

// The WHERE condition (over customer_facts f) selecting the job's customers.
std::string ScopeCondition(const domain::ResegmentScope& scope, domain::Timestamp now) {
  std::string sql = "true";
  if (scope.filter) sql += " AND " + CompileRule(*scope.filter, now);
  if (scope.segment_ids) {
    sql += " AND coalesce(f.segment_id, '') = ANY(" +
           QuoteText(ToSqlTextArray(*scope.segment_ids)) + "::text[])";
  }
  return sql;
}

// One batch, one statement: evaluate the scope in the locked id range, update
// the customers whose segment changed (a NEW one moves to SEGMENTED), log a
// row each with gapless sequence numbers (the tenant's sequence is locked
// last, as in LifecycleStore::Write), and add the batch to the matrix.
// $1 tenant, $2 range start (exclusive), $3 range end, $4 job, $5/$6 the
// segment versions applied.
std::string BatchSql(const std::string& assignment, const std::string& scope) {
  return "WITH scope AS ("
         "  SELECT f.customer_id, c.ctid AS row_ctid, c.stage AS from_stage,"
         "         coalesce(c.segment_id, '') AS old_segment,"
         "         c.stage_entered_at AS from_entered_at, " +
         assignment +
         " AS new_segment"
         "    FROM customer_facts f JOIN customers c"
         "      ON c.tenant_id = f.tenant_id AND c.customer_id = f.customer_id"
         // The range is repeated for c: the planner does not carry it across
         // the join, and without it joins the whole tenant (a scan per batch).
         "   WHERE f.tenant_id = $1::uuid AND f.customer_id > $2 AND f.customer_id <= $3"
         "     AND c.tenant_id = $1::uuid AND c.customer_id > $2 AND c.customer_id <= $3 AND " +
         scope +
         "), changed AS ("
         "  UPDATE customers c"
         "     SET segment_id = nullif(s.new_segment, ''),"
         "         stage = CASE WHEN c.stage = 'NEW' AND s.new_segment <> '' THEN 'SEGMENTED'"
         "                 ELSE c.stage END,"
         "         stage_entered_at = CASE WHEN c.stage = 'NEW' AND s.new_segment <> ''"
         "                 THEN greatest(clock.now, c.stage_entered_at) ELSE c.stage_entered_at "
         "END,"
         "         updated_at = greatest(clock.now, c.stage_entered_at),"
         "         version = c.version + 1"
         "    FROM scope s, (SELECT clock_timestamp() AS now) clock"
         // By the row's address, not a second descent of the primary key:
         // the batch's rows are locked, so their addresses hold until the
         // update (a fifth of its time at 10,000 rows).
         "   WHERE c.ctid = s.row_ctid AND c.tenant_id = $1::uuid AND c.customer_id = s.customer_id"
         "     AND s.new_segment <> s.old_segment"
         "  RETURNING c.customer_id, s.from_stage, c.stage AS to_stage, s.old_segment,"
         "            s.new_segment, s.from_entered_at, c.updated_at AS occurred_at"
         "), counted AS (SELECT count(*) AS n FROM changed"
         "), seq AS ("
         "  INSERT INTO tenant_sequences AS t (tenant_id, last_sequence)"
         "  SELECT $1::uuid, n FROM counted WHERE n > 0"
         "  ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = t.last_sequence + "
         "excluded.last_sequence"
         "  RETURNING last_sequence"
         "), logged AS ("
         "  INSERT INTO stage_transitions (tenant_id, sequence, customer_id, from_stage, to_stage,"
         "      trigger, actor, segment_id, from_entered_at, occurred_at, previous_segment_id,"
         "      segment_version)"
         "  SELECT $1::uuid,"
         "         seq.last_sequence - counted.n + row_number() OVER (ORDER BY ch.customer_id),"
         "         ch.customer_id, ch.from_stage, ch.to_stage, 'SEGMENTATION', 'system',"
         "         nullif(ch.new_segment, ''), ch.from_entered_at, ch.occurred_at,"
         "         nullif(ch.old_segment, ''), ver.version"
         "    FROM changed ch CROSS JOIN seq CROSS JOIN counted"
         "    LEFT JOIN unnest($5::text[], $6::bigint[]) AS ver(segment_id, version)"
         "      ON ver.segment_id = ch.new_segment"
         "  RETURNING 1"
         "), moves AS ("
         "  INSERT INTO resegment_job_moves AS m (tenant_id, job_id, from_segment_id,"
         "      to_segment_id, customers)"
         "  SELECT $1::uuid, $4, old_segment, new_segment, count(*) FROM scope"
         // In one order for every batch: two slices' batches lock these
         // rows in the same order, so they queue instead of deadlocking.
         "   GROUP BY old_segment, new_segment ORDER BY old_segment COLLATE \"C\","
         "   new_segment COLLATE \"C\""
         "  ON CONFLICT (tenant_id, job_id, from_segment_id, to_segment_id)"
         "  DO UPDATE SET customers = m.customers + excluded.customers"
         "  RETURNING 1"
         ") SELECT (SELECT count(*) FROM scope), (SELECT n FROM counted),"
         "         (SELECT count(*) FROM logged), (SELECT count(*) FROM moves)";
}

}  // namespace

SegmentPreview ResegmentStore::Preview(const std::string& tenant_id,
                                       const std::vector<domain::SegmentRuleRef>& ordered,
                                       const domain::SegmentRuleRef& candidate, int sample_size,
                                       domain::Timestamp now) {
  const std::string matching =
      candidate.rule ? CompileRule(*candidate.rule, now) : std::string("true");
  const std::string sql =
      "WITH scope AS ("
      "  SELECT f.customer_id, coalesce(f.segment_id, '') AS old_segment, " +
      CompileAssignment(ordered, now) + " AS new_segment, " + matching +
      " AS matching FROM customer_facts f WHERE f.tenant_id = $1::uuid"
      ") SELECT count(*), count(*) FILTER (WHERE matching),"
      "  count(*) FILTER (WHERE new_segment = $2),"
      "  count(*) FILTER (WHERE new_segment = $2 AND old_segment <> $2),"
      "  count(*) FILTER (WHERE old_segment = $2 AND new_segment <> $2),"
      "  (array_agg(customer_id ORDER BY customer_id)"
      "     FILTER (WHERE new_segment = $2 AND old_segment <> $2))[1:$3],"
      "  (array_agg(customer_id ORDER BY customer_id)"
      "     FILTER (WHERE old_segment = $2 AND new_segment <> $2))[1:$3]"
      " FROM scope";
  const pqxx::row row = tx_.ExecDynamic(sql, tenant_id, candidate.segment_id, sample_size).at(0);
  SegmentPreview preview{
      .total_customers = row[0].as<std::int64_t>(),
      .matching = row[1].as<std::int64_t>(),
      .members = row[2].as<std::int64_t>(),
      .entering = row[3].as<std::int64_t>(),
      .leaving = row[4].as<std::int64_t>(),
  };
  if (!row[5].is_null()) preview.entering_sample = FromSqlTextArray(row[5]);
  if (!row[6].is_null()) preview.leaving_sample = FromSqlTextArray(row[6]);
  return preview;
}

domain::ResegmentJob ResegmentStore::CreateJob(const std::string& tenant_id,
                                               const std::vector<domain::SegmentRuleRef>& rules,
                                               const domain::ResegmentScope& scope,
                                               domain::Timestamp now, int slices) {
  const std::int64_t total =
      tx_.ExecDynamic("SELECT count(*) FROM customer_facts f WHERE f.tenant_id = $1::uuid AND " +
                          ScopeCondition(scope, now),
                      tenant_id)
          .at(0)[0]
          .as<std::int64_t>();
  const std::optional<std::string> filter =
      scope.filter ? std::optional(domain::RuleToJson(*scope.filter)) : std::nullopt;
  const std::optional<std::string> segments =
      scope.segment_ids ? std::optional(ToSqlTextArray(*scope.segment_ids)) : std::nullopt;
  domain::ResegmentJob job = JobFromRow(tx_.Exec(kInsertJob, tenant_id, VersionsJson(rules), filter,
                                                 segments, total, ToEpochMicros(now))
                                            .at(0));
  InsertSlices(tenant_id, job.job_id, slices);
  return job;
}

void ResegmentStore::InsertSlices(const std::string& tenant_id, const std::string& job_id,
                                  int slices) {
  std::vector<std::string> ends;
  if (slices > 1) {
    const auto customers = tx_.Exec(kCountCustomers, tenant_id).at(0)[0].as<std::int64_t>();
    const std::int64_t step = (customers + slices - 1) / slices;
    if (step > 0) {
      for (const auto& row : tx_.Exec(kSliceEnds, tenant_id, step, customers)) {
        ends.push_back(row[0].as<std::string>());
      }
    }
  }
  // Slice i runs from the end of slice i-1 (exclusive) to its own end.
  std::vector<std::string> starts{""};
  starts.insert(starts.end(), ends.begin(), ends.end());
  ends.emplace_back("");  // the last slice runs to the end
  tx_.Exec(kInsertSlices, tenant_id, job_id, ToSqlTextArray(starts), ToSqlTextArray(ends));
}

std::optional<domain::ResegmentJob> ResegmentStore::GetJob(const std::string& tenant_id,
                                                           const std::string& job_id) {
  auto rows = tx_.Exec(kGetJob, tenant_id, job_id);
  if (rows.empty()) return std::nullopt;
  domain::ResegmentJob job = JobFromRow(rows[0]);
  for (const auto& row : tx_.Exec(kMoves, tenant_id, job_id)) {
    job.moves.push_back(domain::SegmentMove{row[0].as<std::string>(), row[1].as<std::string>(),
                                            row[2].as<std::int64_t>()});
  }
  return job;
}

std::vector<JobRef> ResegmentStore::RunningJobs(int limit) {
  std::vector<JobRef> jobs;
  for (const auto& row : tx_.Exec(kRunningJobs, limit)) {
    jobs.push_back(JobRef{row[0].as<std::string>(), row[1].as<std::string>()});
  }
  return jobs;
}

bool ResegmentStore::RunBatch(const JobRef& ref, int batch_size) {
  auto running = tx_.Exec(kGetRunningJob, ref.tenant_id, ref.job_id);
  if (running.empty()) return false;
  auto slice = tx_.Exec(kLockSlice, ref.tenant_id, ref.job_id);
  if (slice.empty()) return false;  // every slice is done or being done
  const domain::ResegmentJob job = JobFromRow(running[0]);
  const int slice_number = slice[0][0].as<int>();
  std::string cursor = slice[0][1].as<std::string>();
  const std::string slice_end = slice[0][2].as<std::string>();

  auto batch = tx_.Exec(kLockBatch, ref.tenant_id, cursor, slice_end, batch_size);
  const bool slice_done = static_cast<int>(batch.size()) < batch_size;
  std::int64_t processed = 0;
  std::int64_t changed = 0;
  if (!batch.empty()) {
    const std::string range_end = batch[batch.size() - 1][0].as<std::string>();
    const std::vector<domain::SegmentRuleRef> rules =
        SegmentStore(tx_).RulesAt(ref.tenant_id, job.segment_versions);
    std::vector<std::string> ids;
    std::vector<std::string> versions;
    for (const auto& rule : rules) {
      ids.push_back(rule.segment_id);
      versions.push_back(std::to_string(rule.version));
    }
    const pqxx::row counts = tx_.ExecDynamic(BatchSql(CompileAssignment(rules, job.create_time),
                                                      ScopeCondition(job.scope, job.create_time)),
                                             ref.tenant_id, cursor, range_end, ref.job_id,
                                             ToSqlTextArray(ids), ToSqlTextArray(versions))
                                 .at(0);
    processed = counts[0].as<std::int64_t>();
    changed = counts[1].as<std::int64_t>();
    cursor = range_end;
  }
  tx_.Exec(kAdvance, ref.tenant_id, ref.job_id, slice_number, cursor, slice_done, processed,
           changed);
  if (changed > 0) tx_.Exec(kNotify, std::string(kTransitionChannel), ref.tenant_id);
  if (slice_done && tx_.Exec(kFinishIfAllDone, ref.tenant_id, ref.job_id).affected_rows() > 0) {
    return false;
  }
  return true;
}

void ResegmentStore::FailJob(const JobRef& job, const std::string& error) {
  tx_.Exec(kFail, job.tenant_id, job.job_id, error);
}

}  // namespace lifecycle::storage
