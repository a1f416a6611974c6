// ApiKeyStore against a real PostgreSQL: one fresh database per test.

#include "storage/api_key_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/domain/error.h"
#include "storage/session.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using domain::Timestamp;

// 32 bytes, including NUL and high bytes, so any text handling would show.
std::string SecretHash(char seed) {
  std::string hash(32, '\0');
  for (int i = 0; i < 32; ++i) hash[i] = static_cast<char>(seed + i * 37);
  hash[5] = '\0';
  hash[31] = '\xff';
  return hash;
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xF];
  }
  return hex;
}

Timestamp WholeMicros(Timestamp time) {
  return std::chrono::time_point_cast<std::chrono::microseconds>(time);
}

class ApiKeyStoreTest : public ::testing::Test {
 protected:
  template <class Body>
  auto InTx(Body&& body) {
    return session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::ApiKeyStore store(tx);
      return body(store);
    });
  }

  domain::ApiKey NewKey(const std::string& tenant, const std::string& key_id) const {
    domain::ApiKey key;
    key.tenant_id = tenant;
    key.key_id = key_id;
    key.display_name = "key " + key_id;
    key.role = domain::Role::kService;
    key.secret_hash = SecretHash(key_id.back());
    return key;
  }

  // Every key of `tenant`, newest first, `page_size` at a time.
  std::vector<std::string> ListAll(const std::string& tenant, int page_size) {
    std::vector<std::string> ids;
    std::optional<storage::ApiKeyCursor> cursor;
    for (int page = 0; page < 1000; ++page) {
      auto keys =
          InTx([&](storage::ApiKeyStore& store) { return store.List(tenant, cursor, page_size); });
      EXPECT_LE(static_cast<int>(keys.size()), page_size);
      if (keys.empty()) return ids;
      for (const auto& key : keys) {
        EXPECT_EQ(key.tenant_id, tenant);
        ids.push_back(key.key_id);
      }
      cursor = storage::ApiKeyCursor{keys.back().create_time, keys.back().key_id};
    }
    ADD_FAILURE() << "List never ended";
    return ids;
  }

  testing::TestDatabase db_;
  std::string tenant_ = db_.CreateTenant("acme");
  storage::Session session_{storage::SessionOptions{.dsn = db_.dsn()}};
};

TEST_F(ApiKeyStoreTest, InsertWithoutExpiryRoundTrips) {
  const auto before = std::chrono::system_clock::now() - std::chrono::minutes(1);
  domain::ApiKey key = NewKey(tenant_, "k1");
  key.role = domain::Role::kSupport;
  key.display_name = "support desk";

  const domain::ApiKey inserted =
      InTx([&](storage::ApiKeyStore& store) { return store.Insert(key); });
  const auto found = InTx([&](storage::ApiKeyStore& store) { return store.FindByKeyId("k1"); });
  const auto after = std::chrono::system_clock::now() + std::chrono::minutes(1);

  ASSERT_TRUE(found);
  for (const domain::ApiKey* stored : {&inserted, &*found}) {
    EXPECT_EQ(stored->tenant_id, tenant_);
    EXPECT_EQ(stored->key_id, "k1");
    EXPECT_EQ(stored->display_name, "support desk");
    EXPECT_EQ(stored->role, domain::Role::kSupport);
    ASSERT_EQ(stored->secret_hash.size(), 32u);
    EXPECT_EQ(stored->secret_hash, key.secret_hash);
    EXPECT_GT(stored->create_time, before);
    EXPECT_LT(stored->create_time, after);
    EXPECT_FALSE(stored->expire_time);
    EXPECT_FALSE(stored->revoke_time);
    EXPECT_TRUE(stored->ActiveAt(std::chrono::system_clock::now()));
  }
  EXPECT_EQ(found->create_time, inserted.create_time);
  // The column holds exactly the 32 raw bytes.
  EXPECT_EQ(db_.Query("SELECT encode(secret_hash, 'hex') FROM api_keys"), Hex(key.secret_hash));
}

TEST_F(ApiKeyStoreTest, InsertWithExpiryRoundTrips) {
  domain::ApiKey key = NewKey(tenant_, "k1");
  key.expire_time = WholeMicros(std::chrono::system_clock::now() + std::chrono::hours(24 * 30));
  domain::ApiKey expired = NewKey(tenant_, "k2");
  expired.expire_time = WholeMicros(std::chrono::system_clock::now() - std::chrono::hours(1));

  InTx([&](storage::ApiKeyStore& store) {
    store.Insert(key);
    store.Insert(expired);
  });
  const auto found = InTx([&](storage::ApiKeyStore& store) { return store.FindByKeyId("k1"); });
  const auto found_expired =
      InTx([&](storage::ApiKeyStore& store) { return store.FindByKeyId("k2"); });

  ASSERT_TRUE(found && found_expired);
  ASSERT_TRUE(found->expire_time);
  EXPECT_EQ(*found->expire_time, *key.expire_time);  // exact to the microsecond
  EXPECT_EQ(found->secret_hash, key.secret_hash);
  EXPECT_TRUE(found->ActiveAt(std::chrono::system_clock::now()));
  ASSERT_TRUE(found_expired->expire_time);
  EXPECT_EQ(*found_expired->expire_time, *expired.expire_time);
  EXPECT_FALSE(found_expired->ActiveAt(std::chrono::system_clock::now()));
  EXPECT_EQ(
      db_.Query("SELECT count(*) FROM api_keys WHERE expires_at > now() + interval '29 days'"),
      "1");
}

TEST_F(ApiKeyStoreTest, FindByKeyIdSearchesAcrossTenantsAndMissingIsEmpty) {
  const std::string other_tenant = db_.CreateTenant("globex");
  InTx([&](storage::ApiKeyStore& store) {
    store.Insert(NewKey(tenant_, "mine"));
    store.Insert(NewKey(other_tenant, "theirs"));
  });

  InTx([&](storage::ApiKeyStore& store) {
    auto theirs = store.FindByKeyId("theirs");
    ASSERT_TRUE(theirs);
    EXPECT_EQ(theirs->tenant_id, other_tenant);
    EXPECT_FALSE(store.FindByKeyId("nobody"));
  });
}

TEST_F(ApiKeyStoreTest, RevokeKeepsTheFirstRevokeTime) {
  InTx([&](storage::ApiKeyStore& store) { store.Insert(NewKey(tenant_, "k1")); });

  const auto first = InTx([&](storage::ApiKeyStore& store) { return store.Revoke(tenant_, "k1"); });
  const auto second =
      InTx([&](storage::ApiKeyStore& store) { return store.Revoke(tenant_, "k1"); });
  const auto found = InTx([&](storage::ApiKeyStore& store) { return store.FindByKeyId("k1"); });

  ASSERT_TRUE(first.revoke_time);
  EXPECT_GE(*first.revoke_time, first.create_time);
  EXPECT_FALSE(first.ActiveAt(std::chrono::system_clock::now()));
  ASSERT_TRUE(second.revoke_time);
  EXPECT_EQ(*second.revoke_time, *first.revoke_time);
  ASSERT_TRUE(found && found->revoke_time);
  EXPECT_EQ(*found->revoke_time, *first.revoke_time);
}

TEST_F(ApiKeyStoreTest, RevokeOfAnotherTenantsKeyIsNotFound) {
  const std::string other_tenant = db_.CreateTenant("globex");
  InTx([&](storage::ApiKeyStore& store) { store.Insert(NewKey(other_tenant, "theirs")); });

  for (const char* key_id : {"theirs", "nobody"}) {
    SCOPED_TRACE(key_id);
    try {
      InTx([&](storage::ApiKeyStore& store) { store.Revoke(tenant_, key_id); });
      ADD_FAILURE() << "Revoke succeeded";
    } catch (const domain::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kNotFound);
    }
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), "1");
}

TEST_F(ApiKeyStoreTest, ListIsNewestFirstAndPagesCoverEveryKeyOnce) {
  const std::string other_tenant = db_.CreateTenant("globex");
  // Three transactions; keys of one transaction share created_at (now() is
  // the transaction start), so only key_id orders them.
  const std::vector<std::vector<std::string>> batches = {
      {"k3", "k7", "k1", "k5", "k9"}, {"k4", "k8"}, {"k2", "k6", "ka", "k0"}};
  std::vector<Timestamp> batch_times;
  for (const auto& batch : batches) {
    auto times = InTx([&](storage::ApiKeyStore& store) {
      std::set<Timestamp> created;
      for (const auto& id : batch) created.insert(store.Insert(NewKey(tenant_, id)).create_time);
      store.Insert(NewKey(other_tenant, "x" + batch[0]));
      return created;
    });
    ASSERT_EQ(times.size(), 1u) << "keys of one transaction should share created_at";
    batch_times.push_back(*times.begin());
  }
  ASSERT_LT(batch_times[0], batch_times[1]);
  ASSERT_LT(batch_times[1], batch_times[2]);

  std::vector<std::string> expected;
  for (auto batch = batches.rbegin(); batch != batches.rend(); ++batch) {
    std::vector<std::string> ids = *batch;
    std::sort(ids.rbegin(), ids.rend());
    expected.insert(expected.end(), ids.begin(), ids.end());
  }
  ASSERT_EQ(expected.front(), "ka");

  for (int page_size : {1, 2, 3, 4, 11, 100}) {
    SCOPED_TRACE("page_size " + std::to_string(page_size));
    EXPECT_EQ(ListAll(tenant_, page_size), expected);
  }
  EXPECT_EQ(ListAll(other_tenant, 2), (std::vector<std::string>{"xk2", "xk4", "xk3"}));
}

TEST_F(ApiKeyStoreTest, ListCursorInsideATieResumesAfterIt) {
  InTx([&](storage::ApiKeyStore& store) {
    for (const char* id : {"k1", "k2", "k3", "k4"}) store.Insert(NewKey(tenant_, id));
  });
  const auto all =
      InTx([&](storage::ApiKeyStore& store) { return store.List(tenant_, std::nullopt, 10); });
  ASSERT_EQ(all.size(), 4u);

  const auto rest = InTx([&](storage::ApiKeyStore& store) {
    return store.List(tenant_, storage::ApiKeyCursor{all[1].create_time, all[1].key_id}, 10);
  });

  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].key_id, "k2");
  EXPECT_EQ(rest[1].key_id, "k1");
}

}  // namespace
}  // namespace lifecycle

namespace lifecycle {
namespace {

TEST_F(ApiKeyStoreTest, RecordUseWritesAtMostOnceAMinute) {
  InTx([&](storage::ApiKeyStore& store) { return store.Insert(NewKey(tenant_, "k1")); });
  auto last_use = [&] {
    return InTx([&](storage::ApiKeyStore& store) { return store.FindByKeyId("k1"); })
        ->last_use_time;
  };
  EXPECT_FALSE(last_use());

  InTx([&](storage::ApiKeyStore& store) { store.RecordUse(tenant_, "k1"); });
  const auto first = last_use();
  ASSERT_TRUE(first);

  InTx([&](storage::ApiKeyStore& store) { store.RecordUse(tenant_, "k1"); });
  EXPECT_EQ(last_use(), first) << "a second use within the minute is not written";

  db_.Query("UPDATE api_keys SET last_used_at = last_used_at - interval '2 minutes'");
  InTx([&](storage::ApiKeyStore& store) { store.RecordUse(tenant_, "k1"); });
  EXPECT_GE(*last_use(), *first) << "an older record is moved forward";
}

TEST_F(ApiKeyStoreTest, RecordUseTouchesOnlyThatTenantsKey) {
  const std::string other = db_.CreateTenant("other");
  InTx([&](storage::ApiKeyStore& store) { return store.Insert(NewKey(other, "k1")); });
  InTx([&](storage::ApiKeyStore& store) { store.RecordUse(tenant_, "k1"); });
  EXPECT_EQ(db_.Query("SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL"), "0");
}

}  // namespace
}  // namespace lifecycle
