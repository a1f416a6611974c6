// The schema after every migration is ready to be distributed by tenant
// (Citus: create_distributed_table(table, 'tenant_id')): every table has a
// tenant_id column, and every primary key, unique index and foreign key
// includes it, so each is enforceable on one shard. schema_migrations is the
// one exception: it is per database, not per tenant (a local table).

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

// Tables without a tenant_id column (comma-separated, empty when none).
std::string TablesWithoutTenantId(const testing::TestDatabase& db) {
  return db.Query(
      "SELECT coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '')"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
      " AND c.relname <> 'schema_migrations'"
      " AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
      " AND a.attname = 'tenant_id' AND NOT a.attisdropped)");
}

// Unique indexes (primary keys and unique constraints are ones too) and
// foreign keys that do not carry tenant_id (on both sides, for a foreign key).
std::string KeysWithoutTenantId(const testing::TestDatabase& db) {
  return db.Query(
      "SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') FROM ("
      " SELECT i.indexrelid::regclass::text AS what FROM pg_index i"
      " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND i.indisunique AND c.relname <> 'schema_migrations'"
      " AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid"
      " AND a.attnum = ANY(i.indkey) AND a.attname = 'tenant_id')"
      " UNION ALL"
      " SELECT f.conname::text FROM pg_constraint f JOIN pg_namespace n ON n.oid = f.connamespace"
      " WHERE n.nspname = 'public' AND f.contype = 'f' AND NOT ("
      " EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = f.conrelid"
      " AND a.attnum = ANY(f.conkey) AND a.attname = 'tenant_id')"
      " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = f.confrelid"
      " AND a.attnum = ANY(f.confkey) AND a.attname = 'tenant_id'))) s");
}

TEST(CitusReadySchemaTest, EveryTableHasATenantIdColumn) {
  testing::TestDatabase db;
  EXPECT_EQ(TablesWithoutTenantId(db), "");
}

TEST(CitusReadySchemaTest, EveryKeyUniqueIndexAndForeignKeyIncludesTenantId) {
  testing::TestDatabase db;
  EXPECT_EQ(KeysWithoutTenantId(db), "") << "not enforceable within one tenant's shard";
}

// The checks themselves work: what a careless migration could add is named.
TEST(CitusReadySchemaTest, ViolationsAreNamed) {
  testing::TestDatabase db;
  db.Query("CREATE TABLE global_things (name text PRIMARY KEY)");
  db.Query(
      "CREATE TABLE tenant_things (tenant_id uuid, name text,"
      " CONSTRAINT tenant_things_name_key UNIQUE (name),"
      " CONSTRAINT tenant_things_thing_fkey FOREIGN KEY (name) REFERENCES global_things (name))");
  EXPECT_EQ(TablesWithoutTenantId(db), "global_things");
  EXPECT_EQ(KeysWithoutTenantId(db),
            "global_things_pkey, tenant_things_name_key, tenant_things_thing_fkey");
}

}  // namespace
}  // namespace lifecycle
