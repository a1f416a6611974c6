// CustomerStore against a real PostgreSQL: one fresh database per test.

#include "storage/customer_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/error.h"
#include "storage/session.h"
#include "tests/support/store_test.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using domain::Stage;

domain::CustomerFilter Filter(std::optional<Stage> stage, std::optional<std::string> segment_id) {
  domain::CustomerFilter filter;
  filter.stage = stage;
  filter.segment_id = std::move(segment_id);
  return filter;
}

class CustomerStoreTest : public testing::StoreTest<storage::CustomerStore> {
 protected:
  std::vector<std::string> ListIds(const std::string& tenant, const domain::CustomerFilter& filter,
                                   int page_size) {
    std::vector<std::string> ids;
    std::string after;
    for (int page = 0; page < 1000; ++page) {
      auto customers = InTx([&](storage::CustomerStore& store) {
        return store.List(tenant, filter, after, page_size);
      });
      EXPECT_LE(static_cast<int>(customers.size()), page_size);
      if (customers.empty()) return ids;
      for (const auto& customer : customers) ids.push_back(customer.customer_id);
      after = customers.back().customer_id;
    }
    ADD_FAILURE() << "List never ended";
    return ids;
  }
};

TEST_F(CustomerStoreTest, CreateThenGetRoundTrips) {
  const auto before = std::chrono::system_clock::now() - std::chrono::minutes(1);
  const std::string attributes = R"({"plan": "pro", "country": "DE", "spend": 12.5,
                                     "tags": ["a", "b"], "device": {"os": "ios"}})";

  const domain::Customer created = InTx(
      [&](storage::CustomerStore& store) { return store.Create(tenant_, "cust-1", attributes); });
  const std::optional<domain::Customer> got =
      InTx([&](storage::CustomerStore& store) { return store.Get(tenant_, "cust-1"); });
  const auto after = std::chrono::system_clock::now() + std::chrono::minutes(1);

  ASSERT_TRUE(got.has_value());
  for (const domain::Customer* customer : {&created, &*got}) {
    EXPECT_EQ(customer->customer_id, "cust-1");
    EXPECT_EQ(nlohmann::json::parse(customer->attributes_json), nlohmann::json::parse(attributes));
    EXPECT_EQ(customer->stage, Stage::kNew);
    EXPECT_EQ(customer->segment_id, "");
    EXPECT_EQ(customer->version, 1);
    EXPECT_GT(customer->create_time, before);
    EXPECT_LT(customer->create_time, after);
    EXPECT_EQ(customer->update_time, customer->create_time);
    EXPECT_EQ(customer->stage_enter_time, customer->create_time);
  }
  EXPECT_EQ(got->create_time, created.create_time);
  EXPECT_EQ(db_.Query("SELECT attributes->>'country' FROM customers WHERE customer_id = 'cust-1'"),
            "DE");
}

TEST_F(CustomerStoreTest, GetMissingReturnsNothing) {
  EXPECT_FALSE(InTx([&](storage::CustomerStore& store) { return store.Get(tenant_, "nobody"); }));
}

TEST_F(CustomerStoreTest, CreateDuplicateIsAlreadyExists) {
  InTx([&](storage::CustomerStore& store) { store.Create(tenant_, "cust-1", "{}"); });

  auto error = ErrorFrom(
      [&](storage::CustomerStore& store) { store.Create(tenant_, "cust-1", R"({"x": 1})"); });

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(db_.Query("SELECT attributes::text FROM customers WHERE customer_id = 'cust-1'"), "{}");
}

TEST_F(CustomerStoreTest, DuplicateDoesNotAbortTheTransaction) {
  InTx([&](storage::CustomerStore& store) {
    store.Create(tenant_, "cust-1", "{}");
    EXPECT_THROW(store.Create(tenant_, "cust-1", "{}"), domain::Error);
    store.Create(tenant_, "cust-2", "{}");
  });

  EXPECT_EQ(db_.Query("SELECT string_agg(customer_id, ',' ORDER BY customer_id) FROM customers"),
            "cust-1,cust-2");
}

TEST_F(CustomerStoreTest, AttributesThatAreNotAnObjectAreInvalidArgument) {
  auto error =
      ErrorFrom([&](storage::CustomerStore& store) { store.Create(tenant_, "cust-1", "[1, 2]"); });

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers"), "0");
}

TEST_F(CustomerStoreTest, SameCustomerIdInTwoTenantsIsIsolated) {
  const std::string other_tenant = db_.CreateTenant("globex");
  const std::string lonely_tenant = db_.CreateTenant("initech");

  InTx([&](storage::CustomerStore& store) {
    store.Create(tenant_, "shared", R"({"owner": "acme"})");
    store.Create(other_tenant, "shared", R"({"owner": "globex"})");
    store.Create(tenant_, "acme-only", "{}");
  });

  InTx([&](storage::CustomerStore& store) {
    auto mine = store.Get(tenant_, "shared");
    auto theirs = store.Get(other_tenant, "shared");
    ASSERT_TRUE(mine && theirs);
    EXPECT_EQ(nlohmann::json::parse(mine->attributes_json)["owner"], "acme");
    EXPECT_EQ(nlohmann::json::parse(theirs->attributes_json)["owner"], "globex");
    EXPECT_FALSE(store.Get(other_tenant, "acme-only"));
    EXPECT_FALSE(store.Get(lonely_tenant, "shared"));
  });
  EXPECT_EQ(ListIds(other_tenant, {}, 10), std::vector<std::string>{"shared"});
  EXPECT_EQ(ListIds(lonely_tenant, {}, 10), std::vector<std::string>{});
}

TEST_F(CustomerStoreTest, UpdateAttributesBumpsVersion) {
  const auto created =
      InTx([&](storage::CustomerStore& store) { return store.Create(tenant_, "cust-1", "{}"); });

  const auto updated = InTx([&](storage::CustomerStore& store) {
    return store.UpdateAttributes(tenant_, "cust-1", R"({"plan": "pro"})", 1);
  });
  const auto unconditional = InTx([&](storage::CustomerStore& store) {
    return store.UpdateAttributes(tenant_, "cust-1", R"({"plan": "max"})", std::nullopt);
  });

  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(nlohmann::json::parse(updated.attributes_json), nlohmann::json({{"plan", "pro"}}));
  EXPECT_EQ(updated.create_time, created.create_time);
  EXPECT_GT(updated.update_time, created.update_time);
  EXPECT_EQ(updated.stage, Stage::kNew);
  EXPECT_EQ(unconditional.version, 3);
  auto stored = InTx([&](storage::CustomerStore& store) { return store.Get(tenant_, "cust-1"); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->version, 3);
  EXPECT_EQ(nlohmann::json::parse(stored->attributes_json), nlohmann::json({{"plan", "max"}}));
  EXPECT_EQ(stored->update_time, unconditional.update_time);
}

TEST_F(CustomerStoreTest, StaleExpectedVersionIsAbortedWithVersionMismatch) {
  InTx([&](storage::CustomerStore& store) {
    store.Create(tenant_, "cust-1", "{}");
    store.UpdateAttributes(tenant_, "cust-1", R"({"n": 1})", 1);
  });

  auto error = ErrorFrom([&](storage::CustomerStore& store) {
    store.UpdateAttributes(tenant_, "cust-1", R"({"n": 2})", 1);
  });

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kAborted);
  EXPECT_EQ(error->reason(), "VERSION_MISMATCH");
  EXPECT_EQ(error->metadata(), (std::map<std::string, std::string>{{"expected_version", "1"},
                                                                   {"actual_version", "2"}}));
  EXPECT_EQ(db_.Query("SELECT version || ' ' || (attributes->>'n') FROM customers"), "2 1");
}

TEST_F(CustomerStoreTest, UpdateMissingIsNotFound) {
  const std::string other_tenant = db_.CreateTenant("globex");
  InTx([&](storage::CustomerStore& store) { store.Create(other_tenant, "cust-1", "{}"); });

  for (std::optional<std::int64_t> expected :
       {std::optional<std::int64_t>{}, std::optional<std::int64_t>{1}}) {
    auto error = ErrorFrom([&](storage::CustomerStore& store) {
      store.UpdateAttributes(tenant_, "cust-1", R"({"n": 1})", expected);
    });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(db_.Query("SELECT version || attributes::text FROM customers"), "1{}");
}

TEST_F(CustomerStoreTest, ListPagesThroughEveryCustomerOnceInOrder) {
  const std::string other_tenant = db_.CreateTenant("globex");
  std::vector<std::string> ids;
  for (int i = 0; i < 23; ++i) {
    // Inserted out of order so that insertion order cannot pass for id order.
    const int n = (i * 7) % 23;
    ids.push_back("cust-" + std::string(n < 10 ? "0" : "") + std::to_string(n));
  }
  InTx([&](storage::CustomerStore& store) {
    for (const auto& id : ids) store.Create(tenant_, id, "{}");
    store.Create(other_tenant, "cust-005x", "{}");
  });
  std::sort(ids.begin(), ids.end());

  for (int page_size : {1, 5, 23, 50}) {
    SCOPED_TRACE("page_size " + std::to_string(page_size));
    EXPECT_EQ(ListIds(tenant_, {}, page_size), ids);
  }
  auto first_page =
      InTx([&](storage::CustomerStore& store) { return store.List(tenant_, {}, "", 5); });
  ASSERT_EQ(first_page.size(), 5u);
  EXPECT_EQ(first_page.front().customer_id, "cust-00");
  EXPECT_EQ(first_page.back().customer_id, "cust-04");
  EXPECT_EQ(first_page.front().version, 1);
}

TEST_F(CustomerStoreTest, ListFiltersByStageAndSegment) {
  const std::string other_tenant = db_.CreateTenant("globex");
  InTx([&](storage::CustomerStore& store) {
    for (const char* id : {"a", "b", "c", "d", "e", "f"}) store.Create(tenant_, id, "{}");
    store.Create(other_tenant, "b", "{}");
  });
  db_.Query(
      "UPDATE customers SET stage = 'SEGMENTED', segment_id = 'seg-1'"
      " WHERE customer_id IN ('b', 'd')");  // both tenants' "b"
  db_.Query(
      "UPDATE customers SET stage = 'ONBOARDING', segment_id = 'seg-1'"
      " WHERE customer_id = 'e'");
  db_.Query(
      "UPDATE customers SET stage = 'SEGMENTED', segment_id = 'seg-2'"
      " WHERE customer_id = 'f'");

  using Ids = std::vector<std::string>;
  EXPECT_EQ(ListIds(tenant_, Filter(Stage::kNew, std::nullopt), 10), (Ids{"a", "c"}));
  EXPECT_EQ(ListIds(tenant_, Filter(Stage::kSegmented, std::nullopt), 10), (Ids{"b", "d", "f"}));
  EXPECT_EQ(ListIds(tenant_, Filter(Stage::kSegmented, std::nullopt), 1), (Ids{"b", "d", "f"}));
  EXPECT_EQ(ListIds(tenant_, Filter(Stage::kLapsed, std::nullopt), 10), Ids{});
  EXPECT_EQ(ListIds(tenant_, Filter(std::nullopt, "seg-1"), 10), (Ids{"b", "d", "e"}));
  EXPECT_EQ(ListIds(tenant_, Filter(std::nullopt, "seg-1"), 2), (Ids{"b", "d", "e"}));
  EXPECT_EQ(ListIds(tenant_, Filter(Stage::kSegmented, "seg-1"), 10), (Ids{"b", "d"}));
  EXPECT_EQ(ListIds(tenant_, Filter(std::nullopt, "seg-3"), 10), Ids{});
  EXPECT_EQ(ListIds(other_tenant, Filter(std::nullopt, "seg-1"), 10), Ids{"b"});

  auto segmented = InTx([&](storage::CustomerStore& store) {
    return store.List(tenant_, Filter(Stage::kSegmented, std::nullopt), "", 1);
  });
  ASSERT_EQ(segmented.size(), 1u);
  EXPECT_EQ(segmented[0].stage, Stage::kSegmented);
  EXPECT_EQ(segmented[0].segment_id, "seg-1");
}

TEST_F(CustomerStoreTest, ErrorInsideRunRollsBackTheCreate) {
  auto error = ErrorFrom([&](storage::CustomerStore& store) {
    store.Create(tenant_, "cust-1", "{}");
    throw domain::Error::FailedPrecondition("TEST", "after the insert", {});
  });

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error->reason(), "TEST");
  EXPECT_FALSE(InTx([&](storage::CustomerStore& store) { return store.Get(tenant_, "cust-1"); }));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers"), "0");
  // The id is free again.
  EXPECT_EQ(InTx([&](storage::CustomerStore& store) {
              return store.Create(tenant_, "cust-1", "{}");
            }).version,
            1);
}

}  // namespace
}  // namespace lifecycle
