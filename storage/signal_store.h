#pragma once

#include <string>
#include <vector>

#include "server/domain/health_score.h"
#include "server/domain/signal.h"

namespace lifecycle::storage {

class Transaction;

// SQL for the signals table: every signal once, keyed by the producer's event_id.
class SignalStore {
 public:
  explicit SignalStore(Transaction& tx) : tx_(tx) {}

  // Stores, in one statement, each signal whose event_id the tenant has not
  // seen, with its impact (impacts[i] for signals[i]). Returns, per signal,
  // whether it was stored (false: a duplicate of an earlier one). Event ids
  // must be distinct within the call.
  std::vector<bool> InsertNew(const std::string& tenant_id,
                              const std::vector<domain::Signal>& signals,
                              const std::vector<double>& impacts);
  // The customer's `limit` latest signals by occurrence, newest first.
  std::vector<domain::RecordedSignal> Latest(const std::string& tenant_id,
                                             const std::string& customer_id, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
