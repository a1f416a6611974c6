// Row-level security, the second wall (migration 0008): a request connection
// (role lifecycle_app) sees and writes only the rows of the tenant its
// transaction is for, even when a query forgets its tenant filter; and every
// table with a tenant_id is behind the wall, including ones added later.

#include <gtest/gtest.h>

#include <string>

#include "server/domain/error.h"
#include "storage/api_key_store.h"
#include "storage/session.h"
#include "storage/transaction.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

class RowLevelSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Query("INSERT INTO customers (tenant_id, customer_id) VALUES ('" + tenant_a_ +
              "', 'a-1'), ('" + tenant_b_ + "', 'b-1'), ('" + tenant_b_ + "', 'b-2')");
  }

  // One value from `sql`, run on a request connection for `tenant`.
  std::string QueryAs(const std::string& tenant, const std::string& sql) {
    return app_.Run(storage::TxOptions{.tenant_id = tenant}, [&](storage::Transaction& tx) {
      const auto row = tx.raw().exec1(sql);
      return row[0].is_null() ? std::string("NULL") : row[0].as<std::string>();
    });
  }

  testing::TestDatabase db_;
  std::string tenant_a_ = db_.CreateTenant("a");
  std::string tenant_b_ = db_.CreateTenant("b");
  storage::Session app_{
      storage::SessionOptions{.dsn = db_.dsn(), .role = std::string(storage::kRequestRole)}};
};

constexpr const char* kAllCustomerIds =
    "SELECT coalesce(string_agg(customer_id, ',' ORDER BY customer_id), '') FROM customers";

TEST_F(RowLevelSecurityTest, AQueryWithoutATenantFilterSeesOnlyItsTenant) {
  EXPECT_EQ(QueryAs(tenant_a_, kAllCustomerIds), "a-1");
  EXPECT_EQ(QueryAs(tenant_b_, kAllCustomerIds), "b-1,b-2");
  EXPECT_EQ(QueryAs("", kAllCustomerIds), "") << "no tenant: no rows";
  EXPECT_EQ(
      QueryAs(tenant_a_, "SELECT count(*) FROM customers WHERE tenant_id = '" + tenant_b_ + "'"),
      "0")
      << "even asking for the other tenant by name";
  // The owner (migrations, background jobs) still sees everything.
  EXPECT_EQ(db_.Query(kAllCustomerIds), "a-1,b-1,b-2");
}

TEST_F(RowLevelSecurityTest, ViewsApplyTheCallersWall) {
  EXPECT_EQ(QueryAs(tenant_a_, "SELECT count(*) FROM customer_facts"), "1");
}

TEST_F(RowLevelSecurityTest, WritesCannotReachAnotherTenant) {
  EXPECT_EQ(QueryAs(tenant_a_,
                    "WITH changed AS (UPDATE customers SET attributes = '{\"x\":1}'"
                    " RETURNING 1) SELECT count(*) FROM changed"),
            "1")
      << "an UPDATE without a tenant filter changes only the tenant's own row";
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers WHERE attributes ? 'x'"), "1");
  EXPECT_THROW(QueryAs(tenant_a_, "INSERT INTO customers (tenant_id, customer_id) VALUES ('" +
                                      tenant_b_ + "', 'planted') RETURNING 1"),
               domain::Error);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers WHERE customer_id = 'planted'"), "0");
}

TEST_F(RowLevelSecurityTest, ATenantNeverOutlivesItsTransaction) {
  EXPECT_EQ(QueryAs(tenant_b_, kAllCustomerIds), "b-1,b-2");
  // A transaction for A that fails must not leave B's (or A's) tenant behind.
  EXPECT_THROW(app_.Run(storage::TxOptions{.tenant_id = tenant_a_},
                        [&](storage::Transaction& tx) {
                          tx.raw().exec("SELECT 1");
                          throw domain::Error::Aborted("rolled back on purpose");
                        }),
               domain::Error);
  EXPECT_EQ(QueryAs("", kAllCustomerIds), "");
  EXPECT_EQ(QueryAs(tenant_a_, kAllCustomerIds), "a-1");
  EXPECT_EQ(QueryAs(tenant_b_, kAllCustomerIds), "b-1,b-2");
}

TEST_F(RowLevelSecurityTest, KeyLookupWorksBeforeTheTenantIsKnown) {
  db_.Query("INSERT INTO api_keys (tenant_id, key_id, display_name, role, secret_hash) VALUES ('" +
            tenant_b_ + "', 'k1', 'k', 'service', decode(repeat('ab', 32), 'hex'))");
  const auto key = app_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    return storage::ApiKeyStore(tx).FindByKeyId("k1");
  });
  ASSERT_TRUE(key);
  EXPECT_EQ(key->tenant_id, tenant_b_);
  EXPECT_EQ(QueryAs("", "SELECT count(*) FROM api_keys"), "0") << "only through the lookup";
}

// Catalog checks: they run on the fully migrated schema, so a table or view
// added by a later migration is caught here until it is behind the wall
// (SELECT lifecycle_protect_tenant_table('<table>') in its migration).
TEST_F(RowLevelSecurityTest, EveryTableWithATenantIdIsBehindTheWall) {
  const std::string tables_with_tenant =
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT "
      "a.attisdropped"
      " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()";
  EXPECT_GE(std::stoi(db_.Query("SELECT count(*) " + tables_with_tenant)), 15);
  EXPECT_EQ(db_.Query("SELECT coalesce(string_agg(c.relname, ', '), '') " + tables_with_tenant +
                      " AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS ("
                      "   SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid"
                      "   AND p.polname = 'tenant_isolation'))"),
            "")
      << "tables with tenant_id but without FORCE row-level security and a tenant_isolation "
         "policy";
}

TEST_F(RowLevelSecurityTest, EveryViewReadsWithTheCallersRights) {
  EXPECT_EQ(db_.Query("SELECT coalesce(string_agg(c.relname, ', '), '') FROM pg_class c"
                      " JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " WHERE c.relkind = 'v' AND n.nspname = current_schema()"
                      " AND NOT coalesce(c.reloptions @> '{security_invoker=true}', false)"),
            "")
      << "views without security_invoker: they would read as their owner, past the wall";
}

}  // namespace
}  // namespace lifecycle
