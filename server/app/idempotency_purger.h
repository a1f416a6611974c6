#pragma once

#include <chrono>

#include "server/app/periodic_task.h"
#include "storage/session.h"

namespace lifecycle::app {

// Forgets request ids older than the retention, every `interval`, on its own
// connection, in batches. A retry after that runs the mutation again, so
// the retention must exceed how long any client keeps retrying. Every
// replica may run it: batches skip rows another purge has locked.
class IdempotencyPurger {
 public:
  IdempotencyPurger(storage::SessionOptions session, std::chrono::hours retention,
                    std::chrono::milliseconds interval);
  void Stop() { task_.Stop(); }

  // One pass: deletes every expired record; returns how many.
  int PurgeExpired();

 private:
  storage::Session session_;
  const std::chrono::hours retention_;
  PeriodicTask task_;  // last: it starts running once everything else is set
};

}  // namespace lifecycle::app
