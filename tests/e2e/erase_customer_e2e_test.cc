// EraseCustomer through the real server: personal data goes, anonymised
// counts stay, the history says who erased it and when, and it is idempotent.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"
#include "tests/support/personal_data_flow.h"

namespace lifecycle::testing {
namespace {

constexpr const char* kMarker = "erase-me-5c1d";

class EraseCustomerE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    GenericClient admin(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                        admin_key_);
    RunPersonalDataFlow(admin, "c-1", "everyone", kMarker);
    ASSERT_FALSE(HasFailure());
    client_->CreateCustomer("c-2", R"({"keep":"kept-1"})");
  }

  grpc::Status Erase(TestClient& client, const std::string& customer_id,
                     v1::EraseCustomerResponse* response,
                     const std::string& request_id = NewRequestId()) {
    v1::EraseCustomerRequest request;
    request.set_customer_id(customer_id);
    request.set_request_id(request_id);
    return client.customers().EraseCustomer(client.Context().get(), request, response);
  }

  // Rows of `table` for the customer, as text.
  std::string Count(const std::string& table, const std::string& customer_id = "c-1") {
    return db_.Query("SELECT count(*) FROM " + table + " WHERE customer_id = '" + customer_id +
                     "'");
  }

  // Every text column of every table, as one string.
  std::string Dump() {
    std::string all;
    for (const char* table : {"customers", "signals", "stage_transitions", "onboarding_steps",
                              "onboarding_follow_ups", "retention_health"}) {
      all += db_.Query(std::string("SELECT coalesce(string_agg(t::text, ' '), '') FROM ") + table +
                       " t");
    }
    return all;
  }
};

TEST_F(EraseCustomerE2eTest, RemovesPersonalDataAndKeepsAnonymisedCounts) {
  ASSERT_NE(Dump().find(kMarker), std::string::npos) << "the flow stored the marker";
  const std::string transitions = Count("stage_transitions");
  const std::string follow_ups = Count("onboarding_follow_ups");
  const std::string steps = Count("onboarding_steps");
  ASSERT_NE(Count("signals"), "0");
  ASSERT_EQ(Count("holdings"), "1");  // the purchase's product

  v1::EraseCustomerResponse response;
  const grpc::Status status = Erase(*client_, "c-1", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.customer().attributes().fields_size(), 0);
  ASSERT_TRUE(response.customer().has_erasure());
  EXPECT_EQ(response.customer().erasure().erased_by(), tenant_.admin_key.key.key_id);

  EXPECT_EQ(Dump().find(kMarker), std::string::npos) << Dump();
  EXPECT_EQ(Count("signals"), "0");
  EXPECT_EQ(Count("retention_health"), "0");
  EXPECT_EQ(Count("retention_health_days"), "0");
  EXPECT_EQ(Count("holdings"), "0");
  // Counts for reports stay.
  EXPECT_EQ(Count("stage_transitions"), transitions);
  EXPECT_EQ(Count("onboarding_follow_ups"), follow_ups);
  EXPECT_EQ(Count("onboarding_steps"), steps);
  EXPECT_EQ(db_.Query("SELECT help_quality FROM onboarding_follow_ups WHERE customer_id = 'c-1'"),
            "4");
  // Another customer is untouched.
  EXPECT_NE(Dump().find("kept-1"), std::string::npos);
}

TEST_F(EraseCustomerE2eTest, TheHistorySaysWhoErasedAndWhen) {
  v1::EraseCustomerResponse erased;
  ASSERT_TRUE(Erase(*client_, "c-1", &erased).ok());
  v1::ListStageHistoryRequest request;
  request.set_customer_id("c-1");
  v1::ListStageHistoryResponse history;
  ASSERT_TRUE(
      client_->lifecycle().ListStageHistory(client_->Context().get(), request, &history).ok());
  ASSERT_TRUE(history.has_erasure());
  EXPECT_EQ(history.erasure().erased_by(), tenant_.admin_key.key.key_id);
  EXPECT_EQ(history.erasure().erase_time().seconds(),
            erased.customer().erasure().erase_time().seconds());
  EXPECT_GT(history.transitions_size(), 0);
  for (const auto& transition : history.transitions()) EXPECT_EQ(transition.reason(), "");

  v1::ListStageHistoryRequest other;
  other.set_customer_id("c-2");
  ASSERT_TRUE(
      client_->lifecycle().ListStageHistory(client_->Context().get(), other, &history).ok());
  EXPECT_FALSE(history.has_erasure());
}

TEST_F(EraseCustomerE2eTest, IsIdempotent) {
  v1::EraseCustomerResponse first;
  ASSERT_TRUE(Erase(*client_, "c-1", &first, "erase-1").ok());
  const std::string version = std::to_string(first.customer().version());
  // A retry of the same request, and a new request: both see the first
  // erasure, and nothing is written again.
  for (const std::string& request_id : {std::string("erase-1"), NewRequestId()}) {
    v1::EraseCustomerResponse again;
    ASSERT_TRUE(Erase(*client_, "c-1", &again, request_id).ok());
    EXPECT_EQ(again.customer().erasure().SerializeAsString(),
              first.customer().erasure().SerializeAsString());
    EXPECT_EQ(again.customer().version(), first.customer().version());
  }
}

TEST_F(EraseCustomerE2eTest, ServiceKeysMayEraseSupportAndReadonlyMayNot) {
  const std::string service_key = KeyWithRole(v1::ROLE_SERVICE);
  TestClient service = ClientWithKey(service_key);
  v1::EraseCustomerResponse response;
  for (v1::Role role : {v1::ROLE_SUPPORT, v1::ROLE_READONLY}) {
    TestClient client = ClientWithKey(KeyWithRole(role));
    EXPECT_EQ(Erase(client, "c-1", &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  const grpc::Status status = Erase(service, "c-1", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.customer().erasure().erased_by(), service_key.substr(3, 16));
}

TEST_F(EraseCustomerE2eTest, BadRequestsAreRefused) {
  v1::EraseCustomerResponse response;
  EXPECT_EQ(Erase(*client_, "nobody", &response).error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status no_id = Erase(*client_, "", &response);
  EXPECT_EQ(no_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(no_id), std::vector<std::string>{"customer_id"});
  const grpc::Status no_request_id = Erase(*client_, "c-1", &response, "");
  EXPECT_EQ(ViolatedFields(no_request_id), std::vector<std::string>{"request_id"});
}

}  // namespace
}  // namespace lifecycle::testing
