// CTest fixture: (re)builds the migrated template database that every
// integration and e2e test copies, so each test starts from the schema of
// this build in milliseconds.

#include <iostream>
#include <pqxx/pqxx>

#include "storage/migrator.h"
#include "tests/support/test_database.h"

int main() {
  using namespace lifecycle::testing;
  try {
    const std::string admin_dsn = AdminDsn();
    {
      pqxx::connection admin(admin_dsn);
      pqxx::nontransaction tx(admin);
      tx.exec(std::string("UPDATE pg_database SET datistemplate = false WHERE datname = '") +
              kTemplateDatabase + "'");
      tx.exec(std::string("DROP DATABASE IF EXISTS ") + kTemplateDatabase + " WITH (FORCE)");
      tx.exec(std::string("CREATE DATABASE ") + kTemplateDatabase);
    }
    const int applied =
        lifecycle::storage::Migrate(WithDsnParameter(admin_dsn, "dbname", kTemplateDatabase));
    {
      pqxx::connection admin(admin_dsn);
      pqxx::nontransaction tx(admin);
      tx.exec(std::string("UPDATE pg_database SET datistemplate = true WHERE datname = '") +
              kTemplateDatabase + "'");
    }
    std::cout << "template " << kTemplateDatabase << " migrated (" << applied << " migrations)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "prepare_test_template: " << e.what() << "\n";
    return 1;
  }
}
