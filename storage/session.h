#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace lifecycle::storage {

class Transaction;  // storage/transaction.h; only stores use its SQL side.

// The role request connections run as (created by migration 0008).
inline constexpr std::string_view kRequestRole = "lifecycle_app";

struct SessionOptions {
  std::string dsn;
  // Applied to every statement unless a call's deadline is sooner.
  std::chrono::milliseconds default_statement_timeout{5000};
  // After a failed connect, calls fail fast with UNAVAILABLE for this long
  // (doubling up to max_reconnect_backoff) instead of each waiting on it.
  std::chrono::milliseconds min_reconnect_backoff{100};
  std::chrono::milliseconds max_reconnect_backoff{2000};
  // When set, the connection runs as this role (SET ROLE right after
  // connecting). The request pool uses lifecycle_app, which row-level
  // security confines to the tenant of each transaction (migration 0008).
  std::string role;
};

struct TxOptions {
  // Upper bound for each statement; usually the time left on the call.
  // Applied rounded down to within 25% (see BoundStatements in session.cc).
  std::chrono::milliseconds timeout{5000};
  // A single read: runs without BEGIN/COMMIT, saving two round trips.
  bool single_read = false;
  // Serialization failures and deadlocks are retried this many times in all.
  int max_attempts = 3;
  // The tenant whose rows row-level security lets this transaction see
  // (lifecycle.tenant_id); empty: none. Only binds sessions with a role.
  std::string tenant_id;
};

// One PostgreSQL connection, used by one thread at a time. It connects
// lazily, replaces itself after the server goes away (with backoff), and
// turns every database failure into a domain::Error (storage/database_error.h).
class Session {
 public:
  explicit Session(SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `body(Transaction&)` in one transaction and commits; returns what
  // body returns. A domain::Error thrown by body rolls everything back.
  template <class Body>
  auto Run(const TxOptions& options, Body&& body) {
    using Result = std::invoke_result_t<Body&, Transaction&>;
    if constexpr (std::is_void_v<Result>) {
      RunErased(options, body);
    } else {
      std::optional<Result> result;
      RunErased(options, [&](Transaction& tx) { result.emplace(body(tx)); });
      return std::move(*result);
    }
  }

  // True when the database answers and its schema is at `schema_version` or newer.
  bool IsReady(int schema_version);

  // Asks PostgreSQL to cancel the statement this session is running, if
  // any; the statement then fails and its transaction rolls back. The one
  // method another thread may call, so a cancelled call frees its worker
  // and connection at once instead of at its statement timeout.
  void CancelRunningStatement();

 private:
  void RunErased(const TxOptions& options, const std::function<void(Transaction&)>& body);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lifecycle::storage
