#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "server/domain/health_score.h"
#include "server/domain/retention_policy.h"
#include "server/domain/signal.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::storage {

class Transaction;

enum class SignalFate { kStored, kDuplicate, kCustomerNotFound };

struct IngestResult {
  std::vector<SignalFate> fates;  // one per signal, in input order
  // The health of every customer a stored signal changed, at `now`.
  std::unordered_map<std::string, domain::HealthView> health;
  std::vector<TransitionOutcome> transitions;  // automatic moves (first purchases)
  std::vector<std::string> reacquainted;       // LAPSED customers who engaged again
};

// Records validated signals (distinct event ids) in the caller's
// transaction, set-based whatever the batch size: one read of the customers
// and their health (no locks), one multi-row insert that skips event ids
// already stored, the health of each customer advanced by its new signals
// with the domain's formula and written in one compare-and-set upsert (in id
// order); the few customers a concurrent batch changed in between are read
// again under their row locks and redone. Then the automatic lifecycle moves
// (LifecycleStore::ApplyMany), whose sequence numbers are taken last.
IngestResult RecordSignals(Transaction& tx, const std::string& tenant_id,
                           const domain::RetentionPolicy& policy,
                           const std::vector<domain::Signal>& signals, domain::Timestamp now);

}  // namespace lifecycle::storage
