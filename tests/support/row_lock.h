#pragma once

#include <memory>
#include <string>

namespace lifecycle::testing {

// Holds FOR UPDATE locks on rows from a connection of its own,
// until Release() or destruction. A server call that writes those rows then
// blocks inside PostgreSQL for as long as the test wants: a slow statement
// on demand, without sleeps in the server.
class RowLock {
 public:
  // `rows`: what follows SELECT 1 FROM, e.g. "customers" (every row) or
  // "customers WHERE customer_id = 'c-1'".
  RowLock(const std::string& dsn, const std::string& rows);
  ~RowLock();
  void Release();

 private:
  struct Held;
  std::unique_ptr<Held> held_;
};

// How many lifecycled connections to the database at `dsn` are waiting for a
// lock right now (pg_stat_activity).
int LifecycledSessionsWaitingForLocks(const std::string& dsn);

}  // namespace lifecycle::testing
