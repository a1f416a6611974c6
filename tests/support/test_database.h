#pragma once

#include <string>

namespace lifecycle::testing {

// The admin DSN of the test cluster (LIFECYCLE_TEST_DSN), set by scripts/test.
std::string AdminDsn();

// Name of the migrated template that prepare_test_template builds.
inline constexpr const char* kTemplateDatabase = "lifecycle_test_template";

// A database of its own for one test, copied from the migrated template, so
// tests run in parallel without seeing each other. Dropped on destruction.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& dsn() const { return dsn_; }
  const std::string& name() const { return name_; }

  // Runs one SQL statement as admin on this database, returns the first
  // column of the first row ("" when none).
  std::string Query(const std::string& sql) const;
  // A tenant row, returns its id.
  std::string CreateTenant(const std::string& name = "test tenant") const;

 private:
  std::string name_;
  std::string dsn_;
};

// Replaces (or appends) key=value in a libpq DSN.
std::string WithDsnParameter(const std::string& dsn, const std::string& key,
                             const std::string& value);

}  // namespace lifecycle::testing
