#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/resegment_job.h"
#include "server/domain/segment.h"

namespace lifecycle::storage {

class Transaction;

// What a segment edit would do to membership (PreviewSegment).
struct SegmentPreview {
  std::int64_t total_customers = 0;
  std::int64_t matching = 0;  // the rule alone
  std::int64_t members = 0;   // with priorities
  std::int64_t entering = 0;
  std::int64_t leaving = 0;
  std::vector<std::string> entering_sample;
  std::vector<std::string> leaving_sample;
};

// A job to run, of any tenant (for the background runner).
struct JobRef {
  std::string tenant_id;
  std::string job_id;
};

// SQL for bulk segmentation: previews and re-segmentation jobs. Rules run as
// compiled SQL (storage/segment_sql.h), set-based, a batch per transaction.
class ResegmentStore {
 public:
  explicit ResegmentStore(Transaction& tx) : tx_(tx) {}

  // `ordered`: every active segment in decision order with the candidate in
  // its place; `candidate` names it within that list.
  SegmentPreview Preview(const std::string& tenant_id,
                         const std::vector<domain::SegmentRuleRef>& ordered,
                         const domain::SegmentRuleRef& candidate, int sample_size,
                         domain::Timestamp now);

  // Starts a job applying `rules` (the active segments now) to the scope,
  // its customers cut by id into `slices` ranges of about equal size, so as
  // many runners can work on it at once.
  domain::ResegmentJob CreateJob(const std::string& tenant_id,
                                 const std::vector<domain::SegmentRuleRef>& rules,
                                 const domain::ResegmentScope& scope, domain::Timestamp now,
                                 int slices = 1);
  std::optional<domain::ResegmentJob> GetJob(const std::string& tenant_id,
                                             const std::string& job_id);
  std::vector<JobRef> RunningJobs(int limit);

  // Applies the job to the next `batch_size` customers (by id) of a slice
  // no other runner holds, in this transaction, and advances that slice's
  // cursor; the batch that finishes the last slice finishes the job.
  // Returns false when there is nothing more for this runner to do
  // (finished, not running, or every slice left is held by another runner).
  // Rules are evaluated at the job's start time, so every batch agrees.
  bool RunBatch(const JobRef& job, int batch_size);
  // Marks a job FAILED with a reason (after a batch failed for good).
  void FailJob(const JobRef& job, const std::string& error);

 private:
  void InsertSlices(const std::string& tenant_id, const std::string& job_id, int slices);

  Transaction& tx_;
};

}  // namespace lifecycle::storage
