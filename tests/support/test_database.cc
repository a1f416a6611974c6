#include "tests/support/test_database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <regex>
#include <stdexcept>

namespace lifecycle::testing {
namespace {

std::string UniqueName() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return "t_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 100000);
}

}  // namespace

std::string AdminDsn() {
  const char* dsn = std::getenv("LIFECYCLE_TEST_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    throw std::runtime_error("LIFECYCLE_TEST_DSN is not set: run the suite through ./scripts/test");
  }
  return dsn;
}

std::string WithDsnParameter(const std::string& dsn, const std::string& key,
                             const std::string& value) {
  const std::regex existing("(^|\\s)" + key + "=\\S*");
  if (std::regex_search(dsn, existing)) {
    return std::regex_replace(dsn, existing, "$1" + key + "=" + value);
  }
  return dsn + " " + key + "=" + value;
}

TestDatabase::TestDatabase() : name_(UniqueName()) {
  pqxx::connection admin(AdminDsn());
  pqxx::nontransaction tx(admin);
  // FILE_COPY copies the template's files; PostgreSQL 15's default
  // (WAL_LOG) writes every page of it to the WAL, about 3x slower per test.
  tx.exec("CREATE DATABASE " + name_ + " TEMPLATE " + kTemplateDatabase + " STRATEGY FILE_COPY");
  dsn_ = WithDsnParameter(AdminDsn(), "dbname", name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(AdminDsn());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
  }
}

std::string TestDatabase::Query(const std::string& sql) const {
  pqxx::connection conn(dsn_);
  pqxx::work tx(conn);
  auto rows = tx.exec(sql);
  tx.commit();
  if (rows.empty() || rows[0][0].is_null()) return "";
  return rows[0][0].as<std::string>();
}

std::string TestDatabase::CreateTenant(const std::string& name) const {
  pqxx::connection conn(dsn_);
  pqxx::work tx(conn);
  auto id =
      tx.exec_params1("INSERT INTO tenants (name) VALUES ($1) RETURNING tenant_id::text", name)[0]
          .as<std::string>();
  tx.commit();
  return id;
}

}  // namespace lifecycle::testing
