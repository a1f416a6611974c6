// storage::Session against a real PostgreSQL: timeouts, unreachable
// servers and reconnect backoff, retries of serialization failures,
// readiness.

#include "storage/session.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <exception>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/domain/error.h"
#include "storage/migrator.h"
#include "storage/transaction.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using Clock = std::chrono::steady_clock;
using domain::ErrorCode;
using std::chrono::milliseconds;

// Nothing listens on port 1: connecting is refused at once.
constexpr char kClosedPortDsn[] =
    "host=127.0.0.1 port=1 dbname=postgres user=postgres connect_timeout=5";

// The code of the domain::Error that `run` throws, or nullopt if it throws none.
template <class Run>
std::optional<ErrorCode> ErrorCodeOf(Run&& run) {
  try {
    run();
  } catch (const domain::Error& error) {
    return error.code();
  }
  return std::nullopt;
}

int SelectOne(storage::Session& session) {
  return session.Run(storage::TxOptions{}, [](storage::Transaction& tx) {
    return tx.raw().exec1("SELECT 1")[0].as<int>();
  });
}

// A TCP port that accepts connections and closes them at once, counting
// them: it shows whether a client tried to connect at all.
class ClosingListener {
 public:
  ClosingListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("ClosingListener: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int client = accept(fd_, nullptr, nullptr);
        if (client < 0) return;  // shut down
        ++accepted_;
        close(client);
      }
    });
  }
  ~ClosingListener() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  ClosingListener(const ClosingListener&) = delete;
  ClosingListener& operator=(const ClosingListener&) = delete;

  std::string Dsn() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) +
           " dbname=postgres user=postgres connect_timeout=5";
  }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

TEST(SessionTest, RunReturnsTheBodysValue) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});

  EXPECT_EQ(SelectOne(session), 1);
  EXPECT_EQ(session.Run(storage::TxOptions{.single_read = true},
                        [](storage::Transaction& tx) {
                          return tx.raw().exec1("SELECT current_database()")[0].as<std::string>();
                        }),
            db.name());
}

TEST(SessionTest, StatementOverTheTimeoutIsDeadlineExceeded) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  ASSERT_EQ(SelectOne(session), 1);

  const auto start = Clock::now();
  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.timeout = milliseconds(100)},
                [](storage::Transaction& tx) { tx.raw().exec("SELECT pg_sleep(2)"); });
  });
  const auto elapsed = Clock::now() - start;

  EXPECT_EQ(code, ErrorCode::kDeadlineExceeded);
  EXPECT_LT(elapsed, milliseconds(1500)) << "the statement was not cut short";
  // The session still works, and the short timeout was local to that transaction.
  EXPECT_EQ(SelectOne(session), 1);
  EXPECT_EQ(ErrorCodeOf([&] {
              session.Run(storage::TxOptions{},
                          [](storage::Transaction& tx) { tx.raw().exec("SELECT pg_sleep(0.3)"); });
            }),
            std::nullopt);
}

TEST(SessionTest, TimeoutRollsBackTheTransaction) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});

  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.timeout = milliseconds(100)}, [](storage::Transaction& tx) {
      tx.raw().exec("INSERT INTO tenants (name) VALUES ('doomed')");
      tx.raw().exec("SELECT pg_sleep(2)");
    });
  });

  EXPECT_EQ(code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), "0");
}

TEST(SessionTest, SessionDefaultTimeoutAppliesWhenTheCallAllowsMore) {
  testing::TestDatabase db;
  storage::Session session(
      storage::SessionOptions{.dsn = db.dsn(), .default_statement_timeout = milliseconds(100)});

  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.timeout = milliseconds(10000)},
                [](storage::Transaction& tx) { tx.raw().exec("SELECT pg_sleep(2)"); });
  });

  EXPECT_EQ(code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(SelectOne(session), 1);
}

// A single read is still bounded by its timeout (IsReady and every Get rely
// on it: TxOptions.timeout is "upper bound for each statement").
TEST(SessionTest, SingleReadHonoursTheTimeout) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  ASSERT_EQ(SelectOne(session), 1);

  const auto start = Clock::now();
  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.timeout = milliseconds(100), .single_read = true},
                [](storage::Transaction& tx) { tx.raw().exec("SELECT pg_sleep(2)"); });
  });
  const auto elapsed = Clock::now() - start;

  EXPECT_EQ(code, ErrorCode::kDeadlineExceeded);
  EXPECT_LT(elapsed, milliseconds(1500)) << "the statement was not cut short";
  EXPECT_EQ(SelectOne(session), 1);
}

TEST(SessionTest, ClosedPortIsUnavailableQuicklyAndBacksOff) {
  storage::Session session(storage::SessionOptions{.dsn = kClosedPortDsn});

  auto start = Clock::now();
  EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));

  start = Clock::now();
  EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

TEST(SessionTest, NoConnectAttemptsDuringTheBackoff) {
  ClosingListener server;
  storage::Session session(storage::SessionOptions{.dsn = server.Dsn(),
                                                   .min_reconnect_backoff = milliseconds(60000),
                                                   .max_reconnect_backoff = milliseconds(60000)});

  EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  const int attempts = server.accepted();
  ASSERT_GE(attempts, 1);

  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  }
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  EXPECT_FALSE(session.IsReady(0));
  EXPECT_EQ(server.accepted(), attempts) << "connected again within the backoff";
}

TEST(SessionTest, BackoffEndsAndDoubles) {
  ClosingListener server;
  const milliseconds backoff(200);
  storage::Session session(storage::SessionOptions{.dsn = server.Dsn(),
                                                   .min_reconnect_backoff = backoff,
                                                   .max_reconnect_backoff = milliseconds(5000)});

  // Calls until one of them reaches the server again; returns when that
  // call started and when it ended.
  struct Attempt {
    Clock::time_point call_start;
    Clock::time_point call_end;
  };
  auto next_attempt = [&]() -> std::optional<Attempt> {
    const int before = server.accepted();
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      const auto call_start = Clock::now();
      EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
      if (server.accepted() > before) return Attempt{call_start, Clock::now()};
      std::this_thread::sleep_for(milliseconds(5));
    }
    return std::nullopt;
  };

  const auto first = next_attempt();
  ASSERT_TRUE(first);
  const auto second = next_attempt();
  ASSERT_TRUE(second) << "never tried to connect again";
  const auto third = next_attempt();
  ASSERT_TRUE(third) << "never tried to connect again";

  // Attempt k+1 cannot start before attempt k failed (after its call began)
  // plus the backoff, which doubles after each failure.
  EXPECT_GE(second->call_end - first->call_start, backoff);
  EXPECT_GE(third->call_end - second->call_start, 2 * backoff);
}

TEST(SessionTest, RecoversWhenTheDatabaseComesBack) {
  testing::TestDatabase db;
  testing::TcpProxy proxy(db.dsn());
  storage::Session session(
      storage::SessionOptions{.dsn = proxy.Dsn(), .min_reconnect_backoff = milliseconds(10)});
  ASSERT_EQ(SelectOne(session), 1);

  proxy.Cut();
  EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeOf([&] { SelectOne(session); }), ErrorCode::kUnavailable);
  EXPECT_FALSE(session.IsReady(0));
  proxy.Restore();

  std::optional<ErrorCode> code = ErrorCode::kUnavailable;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (code && Clock::now() < deadline) {
    code = ErrorCodeOf([&] { SelectOne(session); });
    if (code) {
      EXPECT_EQ(*code, ErrorCode::kUnavailable);
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  EXPECT_EQ(code, std::nullopt) << "the session did not reconnect";
  EXPECT_TRUE(session.IsReady(storage::LatestSchemaVersion()));
}

TEST(SessionTest, SerializationFailuresAreRetriedWithAFreshTransaction) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  int attempts = 0;

  const int result =
      session.Run(storage::TxOptions{.max_attempts = 3}, [&](storage::Transaction& tx) {
        ++attempts;
        tx.raw().exec("INSERT INTO tenants (name) VALUES ('attempt " + std::to_string(attempts) +
                      "')");
        if (attempts < 3) throw pqxx::serialization_failure("simulated conflict");
        return attempts;
      });

  EXPECT_EQ(result, 3);
  EXPECT_EQ(attempts, 3);
  // Only the successful attempt's write survived.
  EXPECT_EQ(db.Query("SELECT string_agg(name, ',') FROM tenants"), "attempt 3");
}

TEST(SessionTest, SerializationFailuresBeyondMaxAttemptsAreAborted) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  int attempts = 0;

  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.max_attempts = 2}, [&](storage::Transaction& tx) {
      ++attempts;
      tx.raw().exec("INSERT INTO tenants (name) VALUES ('attempt')");
      if (attempts < 3) throw pqxx::serialization_failure("simulated conflict");
    });
  });

  EXPECT_EQ(code, ErrorCode::kAborted);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), "0");
  EXPECT_EQ(SelectOne(session), 1);
}

// The SQLSTATEs PostgreSQL itself raises for a serialization failure and a
// deadlock, forced deterministically with RAISE ... USING ERRCODE.
void RaiseSqlState(storage::Transaction& tx, const std::string& sqlstate) {
  tx.raw().exec("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '" + sqlstate + "'; END $$");
}

TEST(SessionTest, ServerRaisedConflictsAreRetriedThenAborted) {
  struct Case {
    const char* sqlstate;
    int failing_attempts;  // how many attempts in a row raise it
    std::optional<ErrorCode> expected;
    int expected_attempts;
  };
  const Case cases[] = {
      {"40001", 1, std::nullopt, 2},          // serialization failure, then success
      {"40P01", 2, std::nullopt, 3},          // deadlock twice, third attempt commits
      {"40001", 99, ErrorCode::kAborted, 3},  // never succeeds: ABORTED after 3
      {"40P01", 99, ErrorCode::kAborted, 3},
  };
  for (const auto& c : cases) {
    testing::TestDatabase db;
    storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
    int attempts = 0;
    const auto code = ErrorCodeOf([&] {
      session.Run(storage::TxOptions{.max_attempts = 3}, [&](storage::Transaction& tx) {
        ++attempts;
        tx.raw().exec("INSERT INTO tenants (name) VALUES ('attempt " + std::to_string(attempts) +
                      "')");
        if (attempts <= c.failing_attempts) RaiseSqlState(tx, c.sqlstate);
      });
    });
    EXPECT_EQ(code, c.expected) << c.sqlstate << " x" << c.failing_attempts;
    EXPECT_EQ(attempts, c.expected_attempts) << c.sqlstate << " x" << c.failing_attempts;
    // Nothing of a failed attempt survives; a success leaves its own row.
    EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), c.expected ? "0" : "1") << c.sqlstate;
    EXPECT_EQ(SelectOne(session), 1);  // the session stays usable
  }
}

TEST(SessionTest, DomainErrorsAreNotRetried) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  int attempts = 0;

  auto code = ErrorCodeOf([&] {
    session.Run(storage::TxOptions{.max_attempts = 3}, [&](storage::Transaction&) {
      ++attempts;
      throw domain::Error::Aborted("version conflict");
    });
  });

  EXPECT_EQ(code, ErrorCode::kAborted);
  EXPECT_EQ(attempts, 1);
}

TEST(SessionTest, RealDeadlockIsRetriedAndBothCallsSucceed) {
  testing::TestDatabase db;
  const std::string first = db.CreateTenant("first");
  const std::string second = db.CreateTenant("second");
  std::atomic<int> attempts{0};
  std::atomic<int> holding_first_lock{0};
  std::atomic<int> committed{0};
  std::exception_ptr errors[2];

  // Waits (bounded, so a broken run fails instead of hanging) for `ready`.
  auto await = [](auto ready) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!ready() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(1));
  };

  // Each call locks one row, waits until the other holds its row too, then
  // asks for the other's row: PostgreSQL kills one of them (40P01). The
  // victim's retry waits for the survivor to commit: without that, a retry
  // that re-locks its row before the woken survivor does deadlocks again,
  // and then the attempts, even success, depend on the scheduler (it
  // failed that way in CI once).
  auto call = [&](int i, const std::string& mine, const std::string& theirs) {
    storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
    int my_attempts = 0;
    try {
      session.Run(storage::TxOptions{.max_attempts = 3}, [&](storage::Transaction& tx) {
        ++attempts;
        if (++my_attempts > 1) await([&] { return committed > 0; });
        tx.raw().exec("UPDATE tenants SET name = name || '+' WHERE tenant_id = '" + mine + "'");
        if (my_attempts == 1) {
          ++holding_first_lock;
          await([&] { return holding_first_lock == 2; });
        }
        tx.raw().exec("UPDATE tenants SET name = name || '+' WHERE tenant_id = '" + theirs + "'");
      });
      ++committed;
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  {
    std::jthread one(call, 0, first, second);
    std::jthread two(call, 1, second, first);
  }

  EXPECT_FALSE(errors[0]);
  EXPECT_FALSE(errors[1]);
  EXPECT_EQ(attempts, 3) << "one call should have been retried once";
  // Both committed: every row was touched twice.
  EXPECT_EQ(db.Query("SELECT string_agg(name, ',' ORDER BY name) FROM tenants"),
            "first++,second++");
}

TEST(SessionTest, IsReadyChecksTheSchemaVersion) {
  testing::TestDatabase db;
  storage::Session session(storage::SessionOptions{.dsn = db.dsn()});
  const int latest = storage::LatestSchemaVersion();

  EXPECT_TRUE(session.IsReady(latest));
  EXPECT_TRUE(session.IsReady(latest - 1));
  EXPECT_FALSE(session.IsReady(latest + 1));

  db.Query("DROP TABLE schema_migrations");
  EXPECT_FALSE(session.IsReady(latest));
}

TEST(SessionTest, IsReadyIsFalseWhenUnreachable) {
  storage::Session session(storage::SessionOptions{.dsn = kClosedPortDsn});
  const auto start = Clock::now();

  EXPECT_FALSE(session.IsReady(storage::LatestSchemaVersion()));
  EXPECT_FALSE(session.IsReady(0));
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

}  // namespace
}  // namespace lifecycle
