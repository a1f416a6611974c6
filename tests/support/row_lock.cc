#include "tests/support/row_lock.h"

#include <pqxx/pqxx>

namespace lifecycle::testing {

struct RowLock::Held {
  explicit Held(const std::string& dsn) : connection(dsn), tx(connection) {}
  pqxx::connection connection;
  pqxx::work tx;
};

RowLock::RowLock(const std::string& dsn, const std::string& rows)
    : held_(std::make_unique<Held>(dsn)) {
  held_->tx.exec("SELECT 1 FROM " + rows + " FOR UPDATE");
}

RowLock::~RowLock() { Release(); }

void RowLock::Release() {
  if (held_) held_->tx.abort();
  held_.reset();
}

int LifecycledSessionsWaitingForLocks(const std::string& dsn) {
  pqxx::connection connection(dsn);
  pqxx::nontransaction tx(connection);
  return tx
      .exec1(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          " AND application_name = 'lifecycled' AND wait_event_type = 'Lock'")[0]
      .as<int>();
}

}  // namespace lifecycle::testing
