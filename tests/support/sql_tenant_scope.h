#pragma once

// A static check that no query joins rows of different tenants, for the
// Citus-ready schema (docs/scaling.md): on Citus a statement whose tables are
// all tied to one tenant runs on one shard group, and a join that does not
// equate tenant_id would need rows from other shards.
//
// It reads the SQL where it is written, in the C++ sources of storage/ (the
// one place for SQL): string literals joined into statements as the compiler
// would, with the files' #define macros expanded and a `+ expression +`
// splice of dynamic SQL read as a placeholder. In every statement that names
// two or more tenant tables (joins, correlated subqueries, multi-table FROM,
// CTEs), each reference must be tied to the tenant by one of
//   alias.tenant_id = $n                 (pinned to the caller's tenant)
//   alias.tenant_id = other.tenant_id    (joined within one tenant)
//   JOIN t alias USING (tenant_id, ...)  (both sides of that join)
// or, for references without an alias, the bare column in the same forms,
// one such tie for each of them.
// It is a scan, not a parser: it can be fooled by SQL written to fool it, but
// a join condition that forgets tenant_id is what it catches.

#include <set>
#include <string>
#include <vector>

namespace lifecycle::testing {

struct SqlStatement {
  std::string file;
  int line = 0;      // of the first literal
  std::string name;  // the Statement's name when declared as Statement{"name", sql}
  std::string sql;
};

struct UntiedReference {
  SqlStatement statement;
  std::string table;
  std::string alias;
};

// The SQL statements written in `source` (C++ text). `shared_macros` is the
// text of headers whose SQL macros the file may use (e.g. storage/sql_time.h).
std::vector<SqlStatement> ExtractSqlStatements(const std::string& file, const std::string& source,
                                               const std::string& shared_macros = "");

// References to `tenant_tables` in `statement` that are not tied to a tenant,
// when the statement names two or more of them.
std::vector<UntiedReference> UntiedTenantReferences(const SqlStatement& statement,
                                                    const std::set<std::string>& tenant_tables);

// "file:line name: table alias in <sql, shortened>"
std::string Describe(const UntiedReference& reference);

}  // namespace lifecycle::testing
