// Migrate() against a real PostgreSQL: the migrated test template and brand
// new empty databases.

#include "storage/migrator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>

#include "server/domain/error.h"
#include "storage/migrations.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using testing::AdminDsn;
using testing::WithDsnParameter;

int MigrationCount() { return static_cast<int>(storage::Migrations().size()); }

// A database with nothing in it (not even schema_migrations), dropped at the end.
class EmptyDatabase {
 public:
  EmptyDatabase() {
    static std::atomic<int> counter{0};
    std::random_device random;
    name_ = "m_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(random() % 100000);
    pqxx::connection admin(AdminDsn());
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name_);
  }
  ~EmptyDatabase() {
    try {
      pqxx::connection admin(AdminDsn());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
    }
  }
  EmptyDatabase(const EmptyDatabase&) = delete;
  EmptyDatabase& operator=(const EmptyDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string dsn() const { return WithDsnParameter(AdminDsn(), "dbname", name_); }

  // First column of the first row ("" when none or NULL).
  std::string Query(const std::string& sql) const {
    pqxx::connection conn(dsn());
    pqxx::work tx(conn);
    auto rows = tx.exec(sql);
    tx.commit();
    if (rows.empty() || rows[0][0].is_null()) return "";
    return rows[0][0].as<std::string>();
  }

 private:
  std::string name_;
};

std::string AppliedVersions(const std::string& dsn) {
  pqxx::connection conn(dsn);
  pqxx::read_transaction tx(conn);
  return tx
      .exec1(
          "SELECT coalesce(string_agg(version::text, ',' ORDER BY version), '')"
          " FROM schema_migrations")[0]
      .as<std::string>();
}

std::string ExpectedVersions() {
  std::string versions;
  for (const auto& migration : storage::Migrations()) {
    if (!versions.empty()) versions += ",";
    versions += std::to_string(migration.version);
  }
  return versions;
}

TEST(MigratorTest, MigrationsAreEmbeddedInStrictVersionOrder) {
  ASSERT_GT(MigrationCount(), 0);
  int previous = 0;
  for (const auto& migration : storage::Migrations()) {
    EXPECT_GT(migration.version, previous) << migration.name;
    EXPECT_FALSE(migration.name.empty());
    EXPECT_FALSE(migration.sql.empty()) << migration.name;
    previous = migration.version;
  }
  EXPECT_EQ(storage::LatestSchemaVersion(), previous);
}

TEST(MigratorTest, MigratedDatabaseAppliesNothing) {
  testing::TestDatabase db;
  const std::string before = AppliedVersions(db.dsn());

  EXPECT_EQ(storage::Migrate(db.dsn()), 0);

  EXPECT_EQ(AppliedVersions(db.dsn()), before);
  EXPECT_EQ(before, ExpectedVersions());
}

TEST(MigratorTest, LatestSchemaVersionIsTheHighestAppliedVersion) {
  testing::TestDatabase db;

  EXPECT_EQ(db.Query("SELECT max(version) FROM schema_migrations"),
            std::to_string(storage::LatestSchemaVersion()));
}

TEST(MigratorTest, EmptyDatabaseGetsEveryMigration) {
  EmptyDatabase db;
  ASSERT_EQ(db.Query("SELECT to_regclass('schema_migrations')"), "");

  EXPECT_EQ(storage::Migrate(db.dsn()), MigrationCount());

  EXPECT_EQ(AppliedVersions(db.dsn()), ExpectedVersions());
  EXPECT_EQ(db.Query("SELECT count(*) FROM schema_migrations WHERE name <> ''"),
            std::to_string(MigrationCount()));
  for (const char* table : {"tenants", "api_keys", "customers", "idempotency_keys"}) {
    EXPECT_EQ(db.Query(std::string("SELECT to_regclass('") + table + "')"), table);
  }
  // The schema works: a tenant with a customer.
  EXPECT_EQ(db.Query("WITH t AS (INSERT INTO tenants (name) VALUES ('x') RETURNING tenant_id)"
                     " INSERT INTO customers (tenant_id, customer_id) SELECT tenant_id, 'c1' FROM t"
                     " RETURNING stage || ' ' || version"),
            "NEW 1");
  EXPECT_EQ(storage::Migrate(db.dsn()), 0);
  EXPECT_EQ(AppliedVersions(db.dsn()), ExpectedVersions());
}

// Branches merge in any order, so a database may have recorded a higher
// version than one it lacks: the gap is still filled.
TEST(MigratorTest, AppliesAMissingVersionBelowTheNewestRecorded) {
  testing::TestDatabase db;
  db.Query("ALTER TABLE retention_health DROP COLUMN state_version");  // undo 0010
  db.Query("DELETE FROM schema_migrations WHERE version = 10");
  db.Query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from a newer branch')");

  EXPECT_EQ(storage::Migrate(db.dsn()), 1);

  EXPECT_EQ(db.Query("SELECT count(*) FROM information_schema.columns"
                     " WHERE table_name = 'retention_health' AND column_name = 'state_version'"),
            "1");
  EXPECT_EQ(db.Query("SELECT count(*) FROM schema_migrations WHERE version = 10"), "1");
}

TEST(MigratorTest, ConcurrentMigrateAppliesEachMigrationOnce) {
  EmptyDatabase db;
  // Hold both migrators up: whoever gets the advisory lock blocks on our
  // uncommitted schema_migrations, so the other can only be waiting for the
  // lock. Rolling back then lets them run one after the other.
  pqxx::connection blocker_conn(db.dsn());
  pqxx::work blocker(blocker_conn);
  blocker.exec("CREATE TABLE schema_migrations (version integer PRIMARY KEY)");

  int applied[2] = {-1, -1};
  std::exception_ptr errors[2];
  {
    std::jthread migrators[2];
    for (int i = 0; i < 2; ++i) {
      migrators[i] = std::jthread([&, i] {
        try {
          applied[i] = storage::Migrate(db.dsn());
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }

    const std::string waiting =
        "SELECT count(*) FILTER (WHERE wait_event = 'advisory') || '/' ||"
        " count(*) FILTER (WHERE wait_event = 'transactionid')"
        " FROM pg_stat_activity WHERE datname = '" +
        db.name() + "' AND wait_event_type = 'Lock'";
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pqxx::connection admin(AdminDsn());
      pqxx::read_transaction tx(admin);
      seen = tx.exec1(waiting)[0].as<std::string>();
      if (seen == "1/1") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(seen, "1/1") << "expected one migrator waiting on the advisory lock and one on us";
    blocker.abort();
  }

  for (int i = 0; i < 2; ++i) {
    if (errors[i]) {
      try {
        std::rethrow_exception(errors[i]);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "Migrate " << i << " failed: " << e.what();
      }
    }
  }
  EXPECT_EQ(applied[0] + applied[1], MigrationCount());
  EXPECT_EQ(std::min(applied[0], applied[1]), 0);
  EXPECT_EQ(AppliedVersions(db.dsn()), ExpectedVersions());
  EXPECT_EQ(db.Query("SELECT to_regclass('customers')"), "customers");
}

TEST(MigratorTest, UnreachableDatabaseIsUnavailable) {
  try {
    storage::Migrate("host=127.0.0.1 port=1 dbname=postgres user=postgres connect_timeout=5");
    ADD_FAILURE() << "Migrate succeeded";
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::kUnavailable) << error.message();
  }
}

}  // namespace
}  // namespace lifecycle
