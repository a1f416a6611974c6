#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/domain/health_score.h"
#include "server/domain/retention_policy.h"
#include "server/domain/stage_transition.h"

namespace lifecycle::storage {

class Transaction;

// A customer as signal ingest reads it: stage, health (none yet: nullopt)
// and the health row's version, which the write must find unchanged.
struct IngestCustomer {
  domain::StageSnapshot stage;
  std::optional<domain::HealthState> state;
  std::optional<domain::Timestamp> reacquaint_time;
  std::int64_t state_version = 0;  // 0: no health row
  bool snapshot_due = false;       // the row was last changed on an earlier UTC day
};

// A new health state to store, with its score and band at score_time, over
// the row version it was computed from.
struct HealthWrite {
  std::string customer_id;
  domain::HealthState state;
  double score = 0;
  domain::HealthBand band = domain::HealthBand::kNeutral;
  std::optional<domain::Timestamp> reacquaint_time;
  std::int64_t expected_version = 0;  // 0: the row must not exist yet
  bool snapshot_due = false;
};

// One stored health row, with the customer's stage and segment.
struct StoredHealth {
  std::string customer_id;
  domain::HealthState state;
  double score = 0;  // as of score_time
  domain::HealthBand band = domain::HealthBand::kNeutral;
  domain::Timestamp score_time;
  domain::Timestamp state_update_time;
  std::optional<domain::Timestamp> reacquaint_time;
  domain::Stage stage = domain::Stage::kNew;
  std::string segment_id;
  domain::Timestamp stage_enter_time;
};

// Filters of an at-risk list; `after` resumes below a (score, customer_id).
struct AtRiskQuery {
  std::vector<domain::HealthBand> bands;
  std::optional<std::string> segment_id;
  double after_score = -1;
  std::string after_customer_id;
  int limit = 50;
};

// A new score and band for a row, stored only if its state is unchanged.
struct Rescore {
  std::string customer_id;
  domain::Timestamp state_update_time;
  double score = 0;
  domain::HealthBand band = domain::HealthBand::kNeutral;
};

// SQL for retention_health (one row per customer) and its daily snapshots.
class HealthStore {
 public:
  explicit HealthStore(Transaction& tx) : tx_(tx) {}

  // Reads the customers' stage and health without locking anything (the
  // write checks versions instead); ids that name no customer are absent.
  std::vector<IngestCustomer> ReadForIngest(const std::string& tenant_id,
                                            const std::vector<std::string>& customer_ids);
  // The same for customers whose health rows exist, locking those rows in
  // the order given, so that a write after it cannot lose a race.
  std::vector<IngestCustomer> LockForIngest(const std::string& tenant_id,
                                            const std::vector<std::string>& customer_ids);
  // Upserts, in one statement and in the order given, each state whose row is
  // still at its expected version; returns the ids written (a missing one
  // lost a race to a concurrent writer). A row due a snapshot is first copied
  // to retention_health_days as the state at the end of its last day.
  std::unordered_set<std::string> SaveIfUnchanged(const std::string& tenant_id,
                                                  const std::vector<HealthWrite>& writes,
                                                  domain::Timestamp score_time);

  std::optional<StoredHealth> Get(const std::string& tenant_id, const std::string& customer_id);
  // The state as it was at the start of the UTC day of `at` (the end of the
  // day before), or nothing if the customer had no signals by then.
  std::optional<domain::HealthState> StateBefore(const std::string& tenant_id,
                                                 const std::string& customer_id,
                                                 domain::Timestamp at);

  // Customers in the bands, worst (lowest stored score) first.
  std::vector<StoredHealth> ListByBand(const std::string& tenant_id, const AtRiskQuery& query);

  // Rows with customer_id > after, in id order, for the rescoring sweep.
  std::vector<StoredHealth> Page(const std::string& tenant_id, const std::string& after, int limit);
  // Stores new scores; a row whose state changed since it was read keeps the
  // score its writer gave it.
  void StoreScores(const std::string& tenant_id, const std::vector<Rescore>& scores,
                   domain::Timestamp score_time);

  // Customers in `stages` with no purchase, activity or stage change within
  // their segment's lapse window before `now`, in id order after `after`.
  // With `among`, only those ids (to re-check after locking them).
  std::vector<std::string> LapseDue(const std::string& tenant_id,
                                    const domain::RetentionPolicy& policy,
                                    const std::vector<domain::Stage>& stages, domain::Timestamp now,
                                    const std::string& after, int limit,
                                    const std::vector<std::string>* among = nullptr);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
