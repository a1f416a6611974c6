#pragma once

// The SQL side of a transaction, for stores only (it exposes pqxx).

#include <pqxx/pqxx>
#include <string>
#include <unordered_set>
#include <utility>

namespace lifecycle::storage {

// A named SQL statement, prepared once per connection on first use.
struct Statement {
  const char* name;
  const char* sql;
};

class Transaction {
 public:
  Transaction(pqxx::transaction_base& tx, std::unordered_set<std::string>& prepared)
      : tx_(tx), prepared_(prepared) {}

  template <class... Args>
  pqxx::result Exec(const Statement& statement, Args&&... args) {
    if (prepared_.insert(statement.name).second) {
      tx_.conn().prepare(statement.name, statement.sql);
    }
    return tx_.exec_prepared(statement.name, std::forward<Args>(args)...);
  }

  // SQL built at run time (compiled segment rules): parsed on every call, so
  // only for statements whose text depends on data.
  template <class... Args>
  pqxx::result ExecDynamic(const std::string& sql, Args&&... args) {
    return tx_.exec_params(sql, std::forward<Args>(args)...);
  }

  pqxx::transaction_base& raw() { return tx_; }

 private:
  pqxx::transaction_base& tx_;
  std::unordered_set<std::string>& prepared_;
};

}  // namespace lifecycle::storage
