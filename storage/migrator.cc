#include "storage/migrator.h"

#include <pqxx/pqxx>
#include <set>

#include "storage/database_error.h"
#include "storage/migrations.h"

namespace lifecycle::storage {
namespace {

// Arbitrary constant shared by every lifecycled process.
constexpr long long kMigrationLockKey = 0x6c6966656379636cLL;  // "lifecycl"

}  // namespace

int LatestSchemaVersion() {
  const auto& all = Migrations();
  return all.empty() ? 0 : all.back().version;
}

int Migrate(const std::string& dsn) {
  try {
    pqxx::connection conn(dsn);
    pqxx::nontransaction session(conn);
    session.exec("SET client_min_messages = warning");
    session.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    session.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    std::set<int> recorded;
    for (const auto& row : session.exec("SELECT version FROM schema_migrations")) {
      recorded.insert(row[0].as<int>());
    }
    session.commit();

    int applied = 0;
    for (const Migration& migration : Migrations()) {
      if (recorded.contains(migration.version)) continue;
      pqxx::work tx(conn);
      tx.exec(std::string(migration.sql));
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                     migration.version, std::string(migration.name));
      tx.commit();
      ++applied;
    }
    pqxx::nontransaction unlock(conn);
    unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
    return applied;
  } catch (const std::exception& e) {
    throw MapDatabaseError(e);
  }
}

}  // namespace lifecycle::storage
