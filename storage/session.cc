#include "storage/session.h"

#include <algorithm>
#include <mutex>
#include <pqxx/pqxx>
#include <unordered_set>

#include "server/domain/error.h"
#include "storage/database_error.h"
#include "storage/database_stats.h"
#include "storage/transaction.h"

namespace lifecycle::storage {

using Clock = std::chrono::steady_clock;

struct Session::Impl {
  SessionOptions options;
  // Written only by the owning thread, always under connection_mutex, so
  // CancelRunningStatement (another thread) never sees it half replaced.
  std::unique_ptr<pqxx::connection> connection;
  std::mutex connection_mutex;
  std::unordered_set<std::string> prepared;
  Clock::time_point next_connect_attempt{};
  std::chrono::milliseconds backoff{0};
  std::chrono::milliseconds statement_timeout{0};  // what the connection has now
  std::string tenant_id;                           // lifecycle.tenant_id it has now

  pqxx::connection& Connect() {
    if (connection && connection->is_open()) return *connection;
    Drop();
    if (Clock::now() < next_connect_attempt) {
      throw domain::Error::Unavailable("database unavailable (reconnecting)");
    }
    try {
      auto opened = std::make_unique<pqxx::connection>(options.dsn);
      {
        std::lock_guard lock(connection_mutex);
        connection = std::move(opened);
      }
      pqxx::nontransaction setup(*connection);
      setup.exec(
          "SET statement_timeout = " + std::to_string(options.default_statement_timeout.count()) +
          "; SET application_name = 'lifecycled'" +
          (options.role.empty() ? "" : "; SET ROLE " + connection->quote_name(options.role)));
      backoff = std::chrono::milliseconds{0};
      statement_timeout = options.default_statement_timeout;
      tenant_id.clear();  // unset: row-level security shows no tenant's rows
      return *connection;
    } catch (const std::exception& e) {
      Drop();
      CountDatabaseFailure(DatabaseFailure::kConnectFailed);
      backoff =
          std::clamp(backoff * 2, options.min_reconnect_backoff, options.max_reconnect_backoff);
      next_connect_attempt = Clock::now() + backoff;
      throw MapDatabaseError(e);
    }
  }

  void Drop() {
    std::unique_ptr<pqxx::connection> closing;
    {
      std::lock_guard lock(connection_mutex);
      closing = std::move(connection);
    }
    prepared.clear();
  }

  // Bounds every statement by `wanted`, rounded down to a step of a
  // geometric ladder (10 ms x 1.25^k, capped at the default). Calls with
  // similar deadlines land on the same step, so the SET is a rare extra
  // round trip rather than one per call, and single reads keep running
  // without BEGIN/COMMIT. Set at session level, outside any transaction, so
  // a rollback cannot undo it.
  void BoundStatements(pqxx::connection& conn, std::chrono::milliseconds wanted) {
    auto bound = options.default_statement_timeout;
    if (wanted < bound) {
      double step = 10;
      while (step * 1.25 <= static_cast<double>(wanted.count())) step *= 1.25;
      bound = std::chrono::milliseconds{static_cast<long long>(step)};
    }
    if (bound == statement_timeout) return;
    pqxx::nontransaction set(conn);
    set.exec("SET statement_timeout = " + std::to_string(bound.count()));
    statement_timeout = bound;
  }

  // The one place the tenant for row-level security is set: before every
  // transaction, to the tenant it serves ("" for none). Like the statement
  // timeout it is set at session level, outside any transaction, so a
  // rollback cannot undo it, and only when it changes, so a connection
  // serving one tenant pays no extra round trip. Every transaction goes
  // through here, so none runs with the tenant of an earlier one.
  void ScopeTenant(pqxx::connection& conn, const std::string& wanted) {
    if (wanted == tenant_id) return;
    pqxx::nontransaction set(conn);
    set.exec_params("SELECT set_config('lifecycle.tenant_id', $1, false)", wanted);
    tenant_id = wanted;
  }

  template <class Tx>
  void RunOnce(const TxOptions& tx_options, const std::function<void(Transaction&)>& body) {
    pqxx::connection& conn = Connect();
    BoundStatements(conn, tx_options.timeout);
    if (!options.role.empty()) ScopeTenant(conn, tx_options.tenant_id);
    Tx tx(conn);
    Transaction sql(tx, prepared);
    body(sql);
    tx.commit();
  }
};

Session::Session(SessionOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Session::~Session() = default;

void Session::RunErased(const TxOptions& options, const std::function<void(Transaction&)>& body) {
  for (int attempt = 1;; ++attempt) {
    try {
      if (options.single_read) {
        impl_->RunOnce<pqxx::nontransaction>(options, body);
      } else {
        impl_->RunOnce<pqxx::work>(options, body);
      }
      return;
    } catch (const domain::Error&) {
      throw;
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt >= options.max_attempts) {
        CountDatabaseFailure(DatabaseFailure::kConflictAborted);
        throw MapDatabaseError(e);
      }
      CountDatabaseFailure(DatabaseFailure::kConflictRetried);
    } catch (const pqxx::in_doubt_error& e) {
      // The connection broke during COMMIT: the transaction may or may not
      // have committed. MapDatabaseError says so to the caller.
      impl_->Drop();
      CountDatabaseFailure(DatabaseFailure::kConnectionLost);
      throw MapDatabaseError(e);
    } catch (const pqxx::broken_connection& e) {
      impl_->Drop();
      CountDatabaseFailure(DatabaseFailure::kConnectionLost);
      throw MapDatabaseError(e);
    } catch (const std::exception& e) {
      // A statement may have failed because the server went away mid-call;
      // libpq reports that as an SQL error, so check the connection itself.
      if (impl_->connection && !impl_->connection->is_open()) {
        impl_->Drop();
        CountDatabaseFailure(DatabaseFailure::kConnectionLost);
        throw domain::Error::Unavailable("database unavailable");
      }
      const domain::Error error = MapDatabaseError(e);
      CountDatabaseFailure(error.code() == domain::ErrorCode::kDeadlineExceeded
                               ? DatabaseFailure::kStatementTimeout
                               : DatabaseFailure::kOther);
      throw error;
    }
  }
}

void Session::CancelRunningStatement() {
  std::lock_guard lock(impl_->connection_mutex);
  if (!impl_->connection) return;
  try {
    // PQcancel on a fresh cancel handle: it only reads the connection's
    // backend key and address, which stay fixed while the owner runs SQL.
    impl_->connection->cancel_query();
  } catch (const std::exception&) {
    // Best effort: the statement timeout still ends the statement.
  }
}

bool Session::IsReady(int schema_version) {
  try {
    return Run(TxOptions{.timeout = std::chrono::milliseconds{1000}, .single_read = true},
               [&](Transaction& tx) {
                 auto row =
                     tx.raw().exec1("SELECT coalesce(max(version), 0) FROM schema_migrations");
                 return row[0].as<int>() >= schema_version;
               });
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace lifecycle::storage
