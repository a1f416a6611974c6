// CustomerService through the real server: round trips, pagination,
// idempotency, optimistic concurrency and bad input for every field.

#include <google/protobuf/util/message_differencer.h>

#include <atomic>
#include <limits>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using grpc::StatusCode;

class CustomerE2eTest : public E2eTest {
 protected:
  grpc::Status Update(const std::string& customer_id, const std::string& attributes_json,
                      std::optional<int64_t> expected_version, const std::string& request_id,
                      v1::UpdateCustomerResponse* response) {
    return client_->UpdateAttributes(customer_id, attributes_json, expected_version, request_id,
                                     response);
  }

  std::vector<std::string> ListAllIds(v1::ListCustomersRequest request, int* pages) {
    std::vector<std::string> ids;
    *pages = 0;
    do {
      v1::ListCustomersResponse response;
      const grpc::Status status =
          client_->customers().ListCustomers(client_->Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ++*pages;
      for (const auto& customer : response.customers()) ids.push_back(customer.customer_id());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return ids;
  }
};

TEST_F(CustomerE2eTest, CreateGetUpdateRoundTrip) {
  const v1::Customer created = client_->CreateCustomer("c-1", R"({"plan":"pro","spend":120.5})");
  EXPECT_EQ(created.stage(), v1::STAGE_NEW);
  EXPECT_EQ(created.version(), 1);
  EXPECT_TRUE(created.has_create_time());

  v1::GetCustomerRequest get;
  get.set_customer_id("c-1");
  v1::GetCustomerResponse got;
  ASSERT_TRUE(client_->customers().GetCustomer(client_->Context().get(), get, &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got.customer(), created));

  v1::UpdateCustomerResponse updated;
  ASSERT_TRUE(Update("c-1", R"({"plan":"enterprise"})", 1, NewRequestId(), &updated).ok());
  EXPECT_EQ(updated.customer().version(), 2);
  EXPECT_EQ(updated.customer().attributes().fields().at("plan").string_value(), "enterprise");
  EXPECT_FALSE(updated.customer().attributes().fields().contains("spend"));
}

TEST_F(CustomerE2eTest, ListPagesThroughEveryCustomerOnceInOrder) {
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "c-%02d", i);
    expected.push_back(id);
  }
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) client_->CreateCustomer(*it);

  v1::ListCustomersRequest request;
  request.set_page_size(10);
  int pages = 0;
  EXPECT_EQ(ListAllIds(request, &pages), expected);
  EXPECT_EQ(pages, 3);
}

TEST_F(CustomerE2eTest, ListFiltersByStageAndSegment) {
  for (const char* id : {"a", "b", "c"}) client_->CreateCustomer(id);
  db_.Query("UPDATE customers SET stage = 'SEGMENTED', segment_id = 'smb' WHERE customer_id = 'b'");
  v1::ListCustomersRequest request;
  request.set_stage(v1::STAGE_SEGMENTED);
  int pages = 0;
  EXPECT_EQ(ListAllIds(request, &pages), std::vector<std::string>{"b"});
  request.clear_stage();
  request.set_segment_id("smb");
  EXPECT_EQ(ListAllIds(request, &pages), std::vector<std::string>{"b"});
  request.set_stage(v1::STAGE_NEW);
  EXPECT_TRUE(ListAllIds(request, &pages).empty());
}

TEST_F(CustomerE2eTest, PageTokenIsBoundToItsFilters) {
  for (const char* id : {"a", "b", "c"}) client_->CreateCustomer(id);
  v1::ListCustomersRequest request;
  request.set_page_size(1);
  v1::ListCustomersResponse first;
  ASSERT_TRUE(client_->customers().ListCustomers(client_->Context().get(), request, &first).ok());
  request.set_page_token(first.next_page_token());
  request.set_stage(v1::STAGE_NEW);
  v1::ListCustomersResponse second;
  const grpc::Status status =
      client_->customers().ListCustomers(client_->Context().get(), request, &second);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
}

TEST_F(CustomerE2eTest, RetryWithSameRequestIdReturnsTheFirstResult) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id("c-1");
  request.set_request_id("create-c-1");
  v1::CreateCustomerResponse first;
  v1::CreateCustomerResponse retry;
  ASSERT_TRUE(client_->customers().CreateCustomer(client_->Context().get(), request, &first).ok());
  ASSERT_TRUE(client_->customers().CreateCustomer(client_->Context().get(), request, &retry).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(first, retry));

  v1::UpdateCustomerResponse update_first;
  v1::UpdateCustomerResponse update_retry;
  ASSERT_TRUE(Update("c-1", R"({"n":1})", 1, "update-c-1", &update_first).ok());
  ASSERT_TRUE(Update("c-1", R"({"n":1})", 1, "update-c-1", &update_retry).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(update_first, update_retry));
  EXPECT_EQ(update_retry.customer().version(), 2);  // applied once
  EXPECT_EQ(db_.Query("SELECT version FROM customers WHERE customer_id = 'c-1'"), "2");
}

TEST_F(CustomerE2eTest, SameRequestIdWithAnotherPayloadIsRejected) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id("c-1");
  request.set_request_id("reused");
  v1::CreateCustomerResponse response;
  ASSERT_TRUE(
      client_->customers().CreateCustomer(client_->Context().get(), request, &response).ok());
  request.mutable_customer()->set_customer_id("c-2");
  const grpc::Status status =
      client_->customers().CreateCustomer(client_->Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"request_id"});
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers"), "1");
}

TEST_F(CustomerE2eTest, ConcurrentRetriesOfOneRequestActOnce) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id("c-1");
  request.set_request_id("racing-create");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::CreateCustomerResponse response;
      if (client_->customers().CreateCustomer(client_->Context().get(), request, &response).ok()) {
        ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers"), "1");
}

TEST_F(CustomerE2eTest, ConcurrentUpdatesWithTheSameVersionExactlyOneWins) {
  client_->CreateCustomer("c-1");
  constexpr int kWriters = 20;
  std::atomic<int> ok{0};
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      v1::UpdateCustomerResponse response;
      const grpc::Status status =
          Update("c-1", "{\"writer\":" + std::to_string(i) + "}", 1, NewRequestId(), &response);
      if (status.ok()) ++ok;
      if (status.error_code() == StatusCode::ABORTED) {
        EXPECT_EQ(ErrorReason(status), "VERSION_MISMATCH");
        ++aborted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kWriters - 1);
  EXPECT_EQ(db_.Query("SELECT version FROM customers WHERE customer_id = 'c-1'"), "2");
}

TEST_F(CustomerE2eTest, StaleVersionIsAbortedWithBothVersions) {
  client_->CreateCustomer("c-1");
  v1::UpdateCustomerResponse response;
  ASSERT_TRUE(Update("c-1", "{}", 1, NewRequestId(), &response).ok());
  const grpc::Status status = Update("c-1", "{}", 1, NewRequestId(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorMetadata(status), (std::map<std::string, std::string>{{"actual_version", "2"},
                                                                       {"expected_version", "1"}}));
}

TEST_F(CustomerE2eTest, ConflictsAndMissingCustomers) {
  client_->CreateCustomer("c-1");
  v1::CreateCustomerRequest create;
  create.mutable_customer()->set_customer_id("c-1");
  create.set_request_id(NewRequestId());
  v1::CreateCustomerResponse created;
  EXPECT_EQ(
      client_->customers().CreateCustomer(client_->Context().get(), create, &created).error_code(),
      StatusCode::ALREADY_EXISTS);

  v1::UpdateCustomerResponse updated;
  EXPECT_EQ(Update("nobody", "{}", std::nullopt, NewRequestId(), &updated).error_code(),
            StatusCode::NOT_FOUND);
  v1::GetCustomerRequest get;
  get.set_customer_id("nobody");
  v1::GetCustomerResponse got;
  EXPECT_EQ(client_->customers().GetCustomer(client_->Context().get(), get, &got).error_code(),
            StatusCode::NOT_FOUND);
}

// Every kind of bad input, one row each: the call must fail with
// INVALID_ARGUMENT naming exactly the bad field, and write nothing.
TEST_F(CustomerE2eTest, BadInputNamesTheField) {
  using google::protobuf::Value;
  auto create = [this](std::function<void(v1::CreateCustomerRequest&)> spoil) {
    return [this, spoil] {
      v1::CreateCustomerRequest request;
      request.mutable_customer()->set_customer_id("fresh");
      request.set_request_id(NewRequestId());
      spoil(request);
      v1::CreateCustomerResponse response;
      return client_->customers().CreateCustomer(client_->Context().get(), request, &response);
    };
  };
  auto update = [this](std::function<void(v1::UpdateCustomerRequest&)> spoil) {
    return [this, spoil] {
      v1::UpdateCustomerRequest request;
      request.mutable_customer()->set_customer_id("c-1");
      request.set_request_id(NewRequestId());
      spoil(request);
      v1::UpdateCustomerResponse response;
      return client_->customers().UpdateCustomer(client_->Context().get(), request, &response);
    };
  };
  auto list = [this](std::function<void(v1::ListCustomersRequest&)> spoil) {
    return [this, spoil] {
      v1::ListCustomersRequest request;
      spoil(request);
      v1::ListCustomersResponse response;
      return client_->customers().ListCustomers(client_->Context().get(), request, &response);
    };
  };
  auto get = [this](std::string id) {
    return [this, id] {
      v1::GetCustomerRequest request;
      request.set_customer_id(id);
      v1::GetCustomerResponse response;
      return client_->customers().GetCustomer(client_->Context().get(), request, &response);
    };
  };
  Value nan;
  nan.set_number_value(std::numeric_limits<double>::quiet_NaN());
  Value big;
  big.set_string_value(std::string(70 * 1024, 'x'));

  struct Case {
    std::string name;
    std::function<grpc::Status()> call;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"create: no customer", create([](auto& r) { r.clear_customer(); }), "customer"},
      {"create: empty id", create([](auto& r) { r.mutable_customer()->set_customer_id(""); }),
       "customer.customer_id"},
      {"create: long id",
       create([](auto& r) { r.mutable_customer()->set_customer_id(std::string(129, 'x')); }),
       "customer.customer_id"},
      {"create: id with space",
       create([](auto& r) { r.mutable_customer()->set_customer_id("a b"); }),
       "customer.customer_id"},
      {"create: no request id", create([](auto& r) { r.clear_request_id(); }), "request_id"},
      {"create: long request id", create([](auto& r) { r.set_request_id(std::string(200, 'r')); }),
       "request_id"},
      {"create: NaN attribute", create([&](auto& r) {
         (*r.mutable_customer()->mutable_attributes()->mutable_fields())["score"] = nan;
       }),
       "customer.attributes.score"},
      {"create: oversize attributes", create([&](auto& r) {
         (*r.mutable_customer()->mutable_attributes()->mutable_fields())["blob"] = big;
       }),
       "customer.attributes"},
      {"update: no customer", update([](auto& r) { r.clear_customer(); }), "customer"},
      {"update: unknown mask path",
       update([](auto& r) { r.mutable_update_mask()->add_paths("stage"); }), "update_mask.paths"},
      {"update: version 0", update([](auto& r) { r.set_expected_version(0); }), "expected_version"},
      {"update: empty id", update([](auto& r) { r.mutable_customer()->set_customer_id(""); }),
       "customer.customer_id"},
      {"update: no request id", update([](auto& r) { r.clear_request_id(); }), "request_id"},
      {"get: empty id", get(""), "customer_id"},
      {"get: control character", get("a\nb"), "customer_id"},
      {"list: negative page size", list([](auto& r) { r.set_page_size(-1); }), "page_size"},
      {"list: page size over 1000", list([](auto& r) { r.set_page_size(1001); }), "page_size"},
      {"list: unknown stage", list([](auto& r) { r.set_stage(static_cast<v1::Stage>(99)); }),
       "stage"},
      {"list: malformed page token", list([](auto& r) { r.set_page_token("%%%"); }), "page_token"},
      {"list: forged page token", list([](auto& r) { r.set_page_token("Zm9vYmFy"); }),
       "page_token"},
      {"list: bad segment id", list([](auto& r) { r.set_segment_id("a b"); }), "segment_id"},
  };
  client_->CreateCustomer("c-1", R"({"keep":true})");
  for (const auto& c : cases) {
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{c.field}) << c.name;
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers"), "1");
  EXPECT_EQ(db_.Query("SELECT version FROM customers"), "1");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM idempotency_keys"), "1");
}

}  // namespace
}  // namespace lifecycle::testing
