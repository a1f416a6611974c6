// GetCustomerStage calls waiting for a worker at the same moment are
// answered with one query per tenant (server/api/stage_lookups.h). A
// one-connection server makes hundreds of calls wait together; each must
// still get exactly its own answer: its tenant's row, its own error, never
// a neighbour's.

#include <condition_variable>
#include <mutex>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class StageLookupsE2eTest : public E2eTest {
 protected:
  void SetUp() override { StartServer({"--pool-size", "1"}); }
};

struct LookupCase {
  TestClient* client;
  std::string customer_id;
  StatusCode code;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;  // when OK
  std::string violated_field;               // when INVALID_ARGUMENT
};

struct LookupCall {
  const LookupCase* expected;
  std::unique_ptr<grpc::ClientContext> context;
  v1::GetCustomerStageRequest request;
  v1::GetCustomerStageResponse response;
  grpc::Status status;
};

TEST_F(StageLookupsE2eTest, CallsAnsweredTogetherEachGetTheirOwnAnswer) {
  TestClient other = ClientWithKey(NewTenantKey("Other"));
  TestClient unknown_key = ClientWithKey("lc_0000000000000000_" + std::string(64, '0'));
  CreateSegment("smb");
  constexpr int kCustomers = 10;
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = "c-" + std::to_string(i);
    client_->CreateCustomer(id);
    other.CreateCustomer(id);
    // The same ids in both tenants, in different stages: a mixed-up tenant shows.
    if (i % 2 == 0) {
      ASSERT_TRUE(client_->Transition(id, v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
    }
  }
  other.CreateCustomer("only-in-other");

  std::vector<LookupCase> cases;
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = "c-" + std::to_string(i);
    cases.push_back(
        {client_.get(), id, StatusCode::OK, i % 2 == 0 ? v1::STAGE_SEGMENTED : v1::STAGE_NEW});
    cases.push_back({&other, id, StatusCode::OK, v1::STAGE_NEW});
  }
  cases.push_back({client_.get(), "only-in-other", StatusCode::NOT_FOUND});
  cases.push_back({client_.get(), "", StatusCode::INVALID_ARGUMENT, {}, "customer_id"});
  cases.push_back({&other, std::string(129, 'x'), StatusCode::INVALID_ARGUMENT, {}, "customer_id"});
  cases.push_back({&unknown_key, "c-1", StatusCode::UNAUTHENTICATED});

  // Every case many times over, all in flight at once.
  constexpr int kRounds = 12;
  std::vector<LookupCall> calls(cases.size() * kRounds);
  std::mutex mutex;
  std::condition_variable all_done;
  std::size_t done = 0;
  for (std::size_t n = 0; n < calls.size(); ++n) {
    LookupCall& call = calls[n];
    call.expected = &cases[n % cases.size()];
    call.context = call.expected->client->Context();
    call.request.set_customer_id(call.expected->customer_id);
    call.expected->client->lifecycle().async()->GetCustomerStage(
        call.context.get(), &call.request, &call.response, [&](grpc::Status status) {
          std::lock_guard lock(mutex);
          call.status = std::move(status);
          if (++done == calls.size()) all_done.notify_one();
        });
  }
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(
        all_done.wait_for(lock, std::chrono::seconds(60), [&] { return done == calls.size(); }));
  }

  for (const LookupCall& call : calls) {
    const LookupCase& expected = *call.expected;
    SCOPED_TRACE("customer '" + expected.customer_id + "'");
    ASSERT_EQ(call.status.error_code(), expected.code) << call.status.error_message();
    if (expected.code == StatusCode::OK) {
      EXPECT_EQ(call.response.customer_stage().customer_id(), expected.customer_id);
      EXPECT_EQ(call.response.customer_stage().stage(), expected.stage);
    } else {
      EXPECT_FALSE(call.response.has_customer_stage());
    }
    if (!expected.violated_field.empty()) {
      EXPECT_EQ(ViolatedFields(call.status), std::vector<std::string>{expected.violated_field});
    }
  }
}

}  // namespace
}  // namespace lifecycle::testing
