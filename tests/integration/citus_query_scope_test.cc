// The other half of the Citus-ready schema (citus_ready_schema_test.cc checks
// the keys): no query joins rows of different tenants. Every statement in
// storage/*.cc (the one place for SQL) that names two or more tenant tables
// must tie each of them to the tenant (tests/support/sql_tenant_scope.h says
// how), so on Citus it is a co-located join or routed to one shard group.
// The tenant tables are read from the catalog after migrations.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/sql_tenant_scope.h"
#include "tests/support/test_database.h"

namespace lifecycle::testing {
namespace {

// Statements that deliberately work across tenants and do tie rows by their
// whole key, with the reason. An entry that no longer matches a flagged
// statement fails AllowListHasNoStaleEntries.
struct Allowed {
  std::string file;  // relative to the source root
  std::string statement;
  std::string reason;
};
const std::vector<Allowed>& AllowList() {
  static const std::vector<Allowed> allowed = {
      {"storage/idempotency_store.cc", "idempotency_purge",
       "the purge deletes expired records of every tenant; the self-join matches "
       "(tenant_id, request_id), the whole primary key, so no row pairs with another tenant's"},
  };
  return allowed;
}

bool IsAllowed(const UntiedReference& reference) {
  return std::any_of(AllowList().begin(), AllowList().end(), [&](const Allowed& entry) {
    return reference.statement.file == entry.file && reference.statement.name == entry.statement;
  });
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> TenantTables(const TestDatabase& db) {
  const std::string list = db.Query(
      "SELECT string_agg(c.relname, ',') FROM pg_class c"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
      " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
      " AND a.attname = 'tenant_id' AND NOT a.attisdropped)");
  std::set<std::string> tables;
  std::stringstream in(list);
  for (std::string table; std::getline(in, table, ',');) tables.insert(table);
  return tables;
}

// Every statement written in storage/*.cc, with the SQL macros of storage/*.h.
std::vector<SqlStatement> StorageStatements() {
  const std::filesystem::path root = LIFECYCLE_SOURCE_DIR;
  std::vector<std::filesystem::path> sources;
  std::string shared_macros;
  for (const auto& entry : std::filesystem::directory_iterator(root / "storage")) {
    if (entry.path().extension() == ".cc") sources.push_back(entry.path());
    if (entry.path().extension() == ".h") shared_macros += ReadFile(entry.path()) + "\n";
  }
  std::sort(sources.begin(), sources.end());
  std::vector<SqlStatement> statements;
  for (const auto& path : sources) {
    auto found = ExtractSqlStatements(std::filesystem::relative(path, root).string(),
                                      ReadFile(path), shared_macros);
    statements.insert(statements.end(), found.begin(), found.end());
  }
  return statements;
}

std::vector<UntiedReference> Untied(const std::vector<SqlStatement>& statements,
                                    const std::set<std::string>& tables) {
  std::vector<UntiedReference> untied;
  for (const auto& statement : statements) {
    for (auto& reference : UntiedTenantReferences(statement, tables)) untied.push_back(reference);
  }
  return untied;
}

TEST(CitusQueryScopeTest, NoQueryJoinsAcrossTenants) {
  TestDatabase db;
  const auto tables = TenantTables(db);
  ASSERT_TRUE(tables.contains("customers") && tables.contains("customer_facts"));
  std::string report;
  for (const auto& reference : Untied(StorageStatements(), tables)) {
    if (!IsAllowed(reference)) report += Describe(reference) + "\n";
  }
  EXPECT_EQ(report, "") << "tie each table to the tenant (alias.tenant_id = $1, "
                           "a.tenant_id = b.tenant_id, or USING (tenant_id, ...)), or add the "
                           "statement to AllowList() with the reason";
}

// The scan finds the storage layer's SQL, joins and macros included; if it
// found nothing, the check above would pass for nothing.
TEST(CitusQueryScopeTest, TheScanReadsTheStorageSql) {
  TestDatabase db;
  const auto tables = TenantTables(db);
  const auto statements = StorageStatements();
  EXPECT_GT(statements.size(), 150u);
  int joins = 0;
  for (const auto& statement : statements) {
    SqlStatement unscoped = statement;
    // The same statement with every tie removed: counts it as a join when
    // two or more tenant tables are then reported.
    for (auto at = unscoped.sql.find("tenant_id"); at != std::string::npos;
         at = unscoped.sql.find("tenant_id", at + 1)) {
      unscoped.sql.replace(at, 9, "tenant_xx");
    }
    if (UntiedTenantReferences(unscoped, tables).size() >= 2) ++joins;
  }
  EXPECT_GT(joins, 20);
  const auto health_get = std::find_if(statements.begin(), statements.end(),
                                       [](const auto& s) { return s.name == "health_get"; });
  ASSERT_NE(health_get, statements.end());
  // HEALTH_JOIN and STATE_COLUMNS(h) are macros, LC_SQL_MICROS one from a header.
  EXPECT_NE(health_get->sql.find("JOIN customers c USING (tenant_id, customer_id)"),
            std::string::npos);
  EXPECT_NE(health_get->sql.find("extract(epoch FROM h.ref_time)"), std::string::npos);
}

TEST(CitusQueryScopeTest, AllowListHasNoStaleEntries) {
  TestDatabase db;
  const auto untied = Untied(StorageStatements(), TenantTables(db));
  for (const auto& entry : AllowList()) {
    EXPECT_TRUE(std::any_of(untied.begin(), untied.end(),
                            [&](const UntiedReference& reference) {
                              return reference.statement.file == entry.file &&
                                     reference.statement.name == entry.statement;
                            }))
        << entry.file << " " << entry.statement << " is tied now: drop it from the allow list";
  }
}

// docs/scaling.md distributes every tenant table, each after the tables its
// foreign keys reference (Citus refuses a key to a table not yet
// distributed), and leaves schema_migrations local.
TEST(CitusQueryScopeTest, TheScalingGuideDistributesEveryTableInForeignKeyOrder) {
  TestDatabase db;
  const std::string guide =
      ReadFile(std::filesystem::path(LIFECYCLE_SOURCE_DIR) / "docs" / "scaling.md");
  std::map<std::string, std::size_t> position;
  const std::string call = "SELECT create_distributed_table('";
  for (auto at = guide.find(call); at != std::string::npos; at = guide.find(call, at + 1)) {
    const auto name_start = at + call.size();
    position.emplace(guide.substr(name_start, guide.find('\'', name_start) - name_start),
                     position.size());
  }
  const std::string tables = db.Query(
      "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')");
  std::stringstream in(tables);
  for (std::string table; std::getline(in, table, ',');) {
    EXPECT_EQ(position.contains(table), table != "schema_migrations") << table;
  }
  const std::string keys = db.Query(
      "SELECT string_agg(conrelid::regclass::text || '>' || confrelid::regclass::text, ',')"
      " FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid");
  std::stringstream key_list(keys);
  for (std::string key; std::getline(key_list, key, ',');) {
    const std::string from = key.substr(0, key.find('>'));
    const std::string to = key.substr(key.find('>') + 1);
    if (position.contains(from) && position.contains(to)) {
      EXPECT_LT(position[to], position[from]) << from << " references " << to;
    }
  }
}

// What the scan reports, on sources written for it. Each case is a C++
// snippet as stores write them; `untied` lists "table alias" it must name.
struct ScanCase {
  std::string name;
  std::string source;
  std::vector<std::string> untied;
};

// gtest names the case instead of dumping its bytes.
void PrintTo(const ScanCase& scan_case, std::ostream* out) { *out << scan_case.name; }

class CitusQueryScopeScanTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(CitusQueryScopeScanTest, NamesExactlyTheUntiedReferences) {
  const std::set<std::string> tables = {"customers", "holdings", "signals", "tenants"};
  std::vector<std::string> untied;
  for (const auto& statement : ExtractSqlStatements("storage/x.cc", GetParam().source)) {
    for (const auto& reference : UntiedTenantReferences(statement, tables)) {
      untied.push_back(reference.table + " " + reference.alias);
      EXPECT_EQ(reference.statement.name, "x_query");
      EXPECT_NE(Describe(reference).find("storage/x.cc:"), std::string::npos);
    }
  }
  EXPECT_EQ(untied, GetParam().untied);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CitusQueryScopeScanTest,
    ::testing::Values(
        ScanCase{"JoinWithoutTenant",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h JOIN customers c"
                      " ON c.customer_id = h.customer_id WHERE h.tenant_id = $1::uuid"};)src",
                 {"customers c"}},
        ScanCase{"JoinOnTenant",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h JOIN customers c"
                      " ON c.tenant_id = h.tenant_id AND c.customer_id = h.customer_id"};)src",
                 {}},
        ScanCase{"BothPinnedToTheCaller",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h JOIN customers c"
                      " ON c.customer_id = h.customer_id WHERE h.tenant_id = $1::uuid"
                      " AND $1::uuid = c.tenant_id"};)src",
                 {}},
        ScanCase{"JoinUsingTenant",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h"
                      " JOIN customers c USING (tenant_id, customer_id)"};)src",
                 {}},
        ScanCase{"JoinUsingOtherColumns",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h"
                      " JOIN customers c USING (customer_id) WHERE h.tenant_id = $1"};)src",
                 {"customers c"}},
        ScanCase{"CommaFrom",
                 R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings h, customers c"
                      " WHERE h.tenant_id = $1 AND c.customer_id = h.customer_id"};)src",
                 {"customers c"}},
        ScanCase{"CorrelatedSubquery",
                 R"src(const Statement kQ{"x_query", "SELECT (SELECT count(*) FROM signals s"
                      " WHERE s.customer_id = c.customer_id) FROM customers c"
                      " WHERE c.tenant_id = $1"};)src",
                 {"signals s"}},
        ScanCase{"UnaliasedTables",
                 R"src(const Statement kQ{"x_query", "DELETE FROM holdings WHERE tenant_id = $1"
                      " AND customer_id IN (SELECT customer_id FROM customers)"};)src",
                 {"customers customers"}},
        ScanCase{"UnaliasedTablesEachPinned",
                 R"src(const Statement kQ{"x_query", "DELETE FROM holdings WHERE tenant_id = $1"
                      " AND customer_id IN (SELECT customer_id FROM customers"
                      " WHERE tenant_id = $1)"};)src",
                 {}},
        ScanCase{"MacrosAreExpanded",
                 "#define FROM_BOTH \" FROM holdings h JOIN customers c\" \\\n"
                 "  \" ON c.customer_id = h.customer_id\"\n"
                 "#define PIN(alias) \" WHERE \" alias \".tenant_id = $1\"\n"
                 R"src(const Statement kQ{"x_query", "SELECT 1" FROM_BOTH PIN("h")};)src",
                 {"customers c"}},
        ScanCase{"DynamicSqlIsSpliced",
                 R"src(std::string Q(const std::string& rule) {
                      const Statement kQ{"x_query", "SELECT 1 FROM holdings h WHERE " + rule +
                        " AND h.tenant_id = $1 AND EXISTS (SELECT 1 FROM signals s"
                        " WHERE s.customer_id = h.customer_id)"}; })src",
                 {"signals s"}},
        ScanCase{"OneTableIsNotAJoin",
                 R"src(const Statement kQ{"x_query", "SELECT tenant_id::text FROM tenants"};)src",
                 {}},
        ScanCase{
            "CommentsAndIncludesAreNotSql",
            "#include \"storage/customers.h\"\n"
            "// SELECT 1 FROM holdings h JOIN customers c ON true\n"
            R"src(const Statement kQ{"x_query", "SELECT 1 FROM holdings WHERE tenant_id = $1"};)src",
            {}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lifecycle::testing
