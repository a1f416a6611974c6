// IdempotencyStore against a real PostgreSQL: one fresh database per test.

#include "storage/idempotency_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "server/domain/error.h"
#include "storage/session.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using storage::IdempotencyKey;
using storage::IdempotencyStore;

using namespace std::string_literals;

constexpr char kMethod[] = "/lifecycle.v1.CustomerService/CreateCustomer";

// Raw digests and responses are binary: NULs and high bytes must survive.
const std::string kHash = "\x01\x00\xfe\xff hash \x00\x7f"s + std::string(20, '\x00');
const std::string kResponse = "\x0a\x06\x00\x01\xff\x00proto\x00"s;

class IdempotencyStoreTest : public ::testing::Test {
 protected:
  IdempotencyKey Key(const std::string& request_id) const {
    return IdempotencyKey{
        .tenant_id = tenant_, .request_id = request_id, .method = kMethod, .request_hash = kHash};
  }

  template <class Body>
  auto InTx(storage::Session& session, Body&& body) {
    return session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      IdempotencyStore store(tx);
      return body(store);
    });
  }
  template <class Body>
  auto InTx(Body&& body) {
    return InTx(session_, std::forward<Body>(body));
  }

  std::optional<std::string> Claim(const IdempotencyKey& key) {
    return InTx([&](IdempotencyStore& store) { return store.Claim(key); });
  }

  // Polls until `count` backends of this database wait on a lock.
  bool WaitForLockWaiters(int count) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const std::string sql =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'";
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::stoi(db_.Query(sql)) >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  testing::TestDatabase db_;
  std::string tenant_ = db_.CreateTenant("acme");
  storage::Session session_{storage::SessionOptions{.dsn = db_.dsn()}};
};

TEST_F(IdempotencyStoreTest, RetryAfterCompleteReturnsTheStoredBytes) {
  ASSERT_EQ(kHash.size(), 32u);
  const IdempotencyKey key = Key("req-1");

  InTx([&](IdempotencyStore& store) {
    EXPECT_EQ(store.Claim(key), std::nullopt);
    store.Complete(key, kResponse);
  });

  EXPECT_EQ(Claim(key), kResponse);
  EXPECT_EQ(Claim(key), kResponse);  // and again: a claim of a done request changes nothing
  EXPECT_EQ(db_.Query("SELECT encode(request_hash, 'hex') || '/' || encode(response, 'hex')"
                      " FROM idempotency_keys"),
            "0100feff206861736820007f0000000000000000000000000000000000000000/"
            "0a060001ff0070726f746f00");
}

TEST_F(IdempotencyStoreTest, EmptyResponseIsStoredAsIs) {
  const IdempotencyKey key = Key("req-1");
  InTx([&](IdempotencyStore& store) {
    ASSERT_EQ(store.Claim(key), std::nullopt);
    store.Complete(key, "");
  });

  EXPECT_EQ(Claim(key), "");
}

TEST_F(IdempotencyStoreTest, SameIdForADifferentRequestIsInvalidArgument) {
  const IdempotencyKey key = Key("req-1");
  InTx([&](IdempotencyStore& store) {
    ASSERT_EQ(store.Claim(key), std::nullopt);
    store.Complete(key, kResponse);
  });
  IdempotencyKey other_hash = key;
  other_hash.request_hash.back() = '\x01';
  IdempotencyKey other_method = key;
  other_method.method = "/lifecycle.v1.CustomerService/UpdateCustomer";

  for (const IdempotencyKey* different : {&other_hash, &other_method}) {
    SCOPED_TRACE(different == &other_hash ? "other hash" : "other method");
    try {
      Claim(*different);
      ADD_FAILURE() << "Claim succeeded";
    } catch (const domain::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
      ASSERT_EQ(error.violations().size(), 1u);
      EXPECT_EQ(error.violations()[0].field, "request_id");
    }
  }
  EXPECT_EQ(Claim(key), kResponse);  // the first request is still remembered
}

TEST_F(IdempotencyStoreTest, SameIdInAnotherTenantIsIndependent) {
  const IdempotencyKey key = Key("req-1");
  InTx([&](IdempotencyStore& store) {
    ASSERT_EQ(store.Claim(key), std::nullopt);
    store.Complete(key, kResponse);
  });
  IdempotencyKey elsewhere = key;
  elsewhere.tenant_id = db_.CreateTenant("globex");
  elsewhere.method = "/lifecycle.v1.AdminService/CreateApiKey";

  EXPECT_EQ(Claim(elsewhere), std::nullopt);
  EXPECT_EQ(Claim(key), kResponse);
}

TEST_F(IdempotencyStoreTest, ClaimInARolledBackTransactionLeavesNothing) {
  const IdempotencyKey key = Key("req-1");

  EXPECT_THROW(InTx([&](IdempotencyStore& store) {
                 EXPECT_EQ(store.Claim(key), std::nullopt);
                 store.Complete(key, kResponse);
                 throw domain::Error::FailedPrecondition("TEST", "the mutation failed", {});
               }),
               domain::Error);

  EXPECT_EQ(db_.Query("SELECT count(*) FROM idempotency_keys"), "0");
  EXPECT_EQ(Claim(key), std::nullopt);
}

TEST_F(IdempotencyStoreTest, ConcurrentClaimWaitsForTheFirstToCommit) {
  const IdempotencyKey key = Key("req-1");
  std::optional<std::optional<std::string>> second_result;
  std::exception_ptr second_error;
  std::jthread second;

  InTx([&](IdempotencyStore& store) {
    ASSERT_EQ(store.Claim(key), std::nullopt);
    second = std::jthread([&] {
      storage::Session other(storage::SessionOptions{.dsn = db_.dsn()});
      try {
        second_result = InTx(other, [&](IdempotencyStore& store) { return store.Claim(key); });
      } catch (...) {
        second_error = std::current_exception();
      }
    });
    // The second claim must block on our uncommitted row, not see "no row".
    EXPECT_TRUE(WaitForLockWaiters(1)) << "the second claim did not wait";
    store.Complete(key, kResponse);
  });
  second.join();

  EXPECT_FALSE(second_error);
  ASSERT_TRUE(second_result.has_value());
  EXPECT_EQ(*second_result, kResponse);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM idempotency_keys"), "1");
}

TEST_F(IdempotencyStoreTest, ConcurrentClaimTakesOverWhenTheFirstRollsBack) {
  const IdempotencyKey key = Key("req-1");
  std::optional<std::optional<std::string>> second_result;
  std::exception_ptr second_error;
  std::jthread second;

  EXPECT_THROW(InTx([&](IdempotencyStore& store) {
                 ASSERT_EQ(store.Claim(key), std::nullopt);
                 second = std::jthread([&] {
                   storage::Session other(storage::SessionOptions{.dsn = db_.dsn()});
                   try {
                     second_result = InTx(other, [&](IdempotencyStore& store) {
                       auto claimed = store.Claim(key);
                       store.Complete(key, "second");
                       return claimed;
                     });
                   } catch (...) {
                     second_error = std::current_exception();
                   }
                 });
                 EXPECT_TRUE(WaitForLockWaiters(1)) << "the second claim did not wait";
                 throw domain::Error::Aborted("first request failed");
               }),
               domain::Error);
  second.join();

  EXPECT_FALSE(second_error);
  ASSERT_TRUE(second_result.has_value());
  EXPECT_EQ(*second_result, std::nullopt);  // the id was free again: the second one owns it
  EXPECT_EQ(Claim(key), "second");
}

TEST_F(IdempotencyStoreTest, PurgeDeletesOnlyRecordsOlderThanTheCutoffOldestFirst) {
  for (const char* id : {"old-1", "old-2", "fresh"}) {
    InTx([&](IdempotencyStore& store) {
      ASSERT_EQ(store.Claim(Key(id)), std::nullopt);
      store.Complete(Key(id), kResponse);
    });
  }
  db_.Query(
      "UPDATE idempotency_keys SET created_at = now() - interval '3 days'"
      " WHERE request_id = 'old-1'");
  db_.Query(
      "UPDATE idempotency_keys SET created_at = now() - interval '2 days'"
      " WHERE request_id = 'old-2'");
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24);
  const auto remaining = [&] {
    return db_.Query(
        "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM idempotency_keys");
  };

  // Batches of one: the oldest goes first, then the next, then nothing.
  EXPECT_EQ(InTx([&](IdempotencyStore& store) { return store.PurgeCreatedBefore(cutoff, 1); }), 1);
  EXPECT_EQ(remaining(), "fresh,old-2");
  EXPECT_EQ(InTx([&](IdempotencyStore& store) { return store.PurgeCreatedBefore(cutoff, 1); }), 1);
  EXPECT_EQ(InTx([&](IdempotencyStore& store) { return store.PurgeCreatedBefore(cutoff, 1); }), 0);
  EXPECT_EQ(remaining(), "fresh");

  // A purged id is free again: the next claim runs the mutation anew.
  EXPECT_EQ(Claim(Key("old-1")), std::nullopt);
  EXPECT_EQ(Claim(Key("fresh")), kResponse);
}

}  // namespace
}  // namespace lifecycle
