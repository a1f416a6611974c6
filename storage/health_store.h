#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/health_score.h"
#include "server/domain/retention_policy.h"
#include "server/domain/stage_transition.h"

namespace lifecycle::storage {

class Transaction;

// A customer locked for signal ingest, with its health (none yet: nullopt).
struct LockedCustomer {
  domain::StageSnapshot stage;
  std::optional<domain::HealthState> state;
  std::optional<domain::Timestamp> reacquaint_time;
};

// A new health state to store, with its score and band at score_time.
struct HealthWrite {
  std::string customer_id;
  domain::HealthState state;
  double score = 0;
  domain::HealthBand band = domain::HealthBand::kNeutral;
  std::optional<domain::Timestamp> reacquaint_time;
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

  // Locks the customers' rows (in id order) and reads their stage and
  // health; ids that name no customer are absent from the result.
  std::vector<LockedCustomer> LockCustomers(const std::string& tenant_id,
                                            const std::vector<std::string>& customer_ids);
  // Upserts the states in one statement. A row last changed on an earlier
  // (UTC) day is first copied to retention_health_days as that day's snapshot.
  void Save(const std::string& tenant_id, const std::vector<HealthWrite>& writes,
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
