// RetentionService over gRPC against the real server: from signals to the
// at-risk list and back to healthy, per-item batch errors, dedupe, the
// first-purchase move, bad input naming its field, policy updates and roles.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "lifecycle/v1/retention.grpc.pb.h"
#include "server/api/converters.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/request_cases.h"

namespace lifecycle::testing {
namespace {

using validation_testing::Case;
using validation_testing::CaseName;

google::protobuf::Timestamp Ago(std::chrono::seconds age) {
  return api::ToProto(std::chrono::system_clock::now() - age);
}

v1::Signal MakeSignal(const std::string& event_id, const std::string& customer,
                      v1::SignalKind kind) {
  v1::Signal signal;
  signal.set_event_id(event_id);
  signal.set_customer_id(customer);
  signal.set_kind(kind);
  *signal.mutable_occur_time() = Ago(std::chrono::seconds(1));
  return signal;
}

class RetentionE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    CreateSegment("smb");
    retention_ = v1::RetentionService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  v1::RecordSignalsResponse Record(const std::vector<v1::Signal>& signals) {
    v1::RecordSignalsRequest request;
    for (const auto& signal : signals) *request.add_signals() = signal;
    v1::RecordSignalsResponse response;
    const auto status = retention_->RecordSignals(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<std::string> AtRisk() {
    v1::ListAtRiskCustomersRequest request;
    v1::ListAtRiskCustomersResponse response;
    const auto status =
        retention_->ListAtRiskCustomers(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const auto& customer : response.customers()) ids.push_back(customer.customer_id());
    return ids;
  }

  v1::GetHealthResponse Health(const std::string& id) {
    v1::GetHealthRequest request;
    request.set_customer_id(id);
    *request.mutable_compare_time() = Ago(std::chrono::hours(24 * 7));
    v1::GetHealthResponse response;
    const auto status = retention_->GetHealth(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::unique_ptr<v1::RetentionService::Stub> retention_;
  int next_ = 0;
  std::string Event() { return "ev-" + std::to_string(++next_); }
};

TEST_F(RetentionE2eTest, FromSignalsToTheAtRiskListAndBackToHealthy) {
  client_->CreateCustomer("alice");
  client_->CreateCustomer("bob");
  auto complaint = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_COMPLAINT);
  auto detractor = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_NPS);
  detractor.set_score(2);
  auto activity = MakeSignal(Event(), "bob", v1::SIGNAL_KIND_ACTIVITY);
  auto response = Record({complaint, detractor, activity});
  EXPECT_EQ(response.accepted_count(), 3);
  EXPECT_EQ(AtRisk(), std::vector<std::string>{"alice"});

  auto health = Health("alice");
  EXPECT_EQ(health.health().band(), v1::HEALTH_BAND_CRITICAL);  // 50 - 12 - 15 = 23
  EXPECT_NEAR(health.health().score(), 23, 0.01);
  EXPECT_EQ(health.health().trend(), v1::HEALTH_TREND_DECLINING);
  ASSERT_EQ(health.drivers_size(), 2);
  EXPECT_EQ(health.drivers(0).signal().event_id(), detractor.event_id());
  EXPECT_NEAR(health.drivers(0).impact(), -15, 1e-9);
  EXPECT_EQ(health.recent_signals_size(), 2);
  ASSERT_TRUE(health.has_comparison());
  EXPECT_EQ(health.comparison().score(), 50);
  ASSERT_EQ(health.comparison().changes_size(), 2);
  EXPECT_EQ(health.comparison().changes(0).name(), "NPS");

  // Good news, weighted a third of the bad each, lifts alice out of the list.
  std::vector<v1::Signal> good;
  for (int i = 0; i < 4; ++i) {
    auto purchase = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_PURCHASE);
    purchase.set_amount(250);
    good.push_back(purchase);
    auto promoter = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_NPS);
    promoter.set_score(10);
    good.push_back(promoter);
  }
  EXPECT_EQ(Record(good).accepted_count(), 8);
  EXPECT_TRUE(AtRisk().empty());
  EXPECT_EQ(Health("alice").health().band(), v1::HEALTH_BAND_HEALTHY);
}

TEST_F(RetentionE2eTest, ABatchKeepsItsGoodItemsAndReportsEachBadOne) {
  client_->CreateCustomer("alice");
  auto good = MakeSignal("ev-good", "alice", v1::SIGNAL_KIND_ACTIVITY);
  auto no_score = MakeSignal("ev-nps", "alice", v1::SIGNAL_KIND_NPS);
  auto stranger = MakeSignal("ev-stranger", "nobody", v1::SIGNAL_KIND_ACTIVITY);
  auto bad_amount = MakeSignal("ev-amount", "alice", v1::SIGNAL_KIND_PURCHASE);
  bad_amount.set_amount(-5);
  auto repeated = good;  // same event id in the same batch
  auto response = Record({good, no_score, stranger, bad_amount, repeated});
  EXPECT_EQ(response.accepted_count(), 1);
  EXPECT_EQ(response.duplicate_count(), 1);
  ASSERT_EQ(response.errors_size(), 3);
  EXPECT_EQ(response.errors(0).index(), 1);
  EXPECT_EQ(response.errors(0).field(), "signals[1].score");
  EXPECT_EQ(response.errors(0).reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.errors(1).field(), "signals[2].customer_id");
  EXPECT_EQ(response.errors(1).reason(), "NOT_FOUND");
  EXPECT_EQ(response.errors(2).field(), "signals[3].amount");

  // Sending it all again stores nothing new.
  response = Record({good});
  EXPECT_EQ(response.accepted_count(), 0);
  EXPECT_EQ(response.duplicate_count(), 1);
}

TEST_F(RetentionE2eTest, AFirstPurchaseAcquiresASegmentedCustomer) {
  client_->CreateCustomer("alice");
  ASSERT_TRUE(client_->Transition("alice", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  v1::RecordSignalRequest request;
  *request.mutable_signal() = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_PURCHASE);
  request.mutable_signal()->set_amount(20);
  v1::RecordSignalResponse response;
  ASSERT_TRUE(retention_->RecordSignal(client_->Context().get(), request, &response).ok());
  EXPECT_FALSE(response.duplicate());
  EXPECT_EQ(response.transition().to_stage(), v1::STAGE_ONBOARDING);
  EXPECT_EQ(response.transition().trigger(), v1::TRIGGER_SIGNAL);
  EXPECT_EQ(response.health().stage(), v1::STAGE_ONBOARDING);
  ASSERT_TRUE(retention_->RecordSignal(client_->Context().get(), request, &response).ok());
  EXPECT_TRUE(response.duplicate());
  EXPECT_FALSE(response.has_transition());
}

TEST_F(RetentionE2eTest, UnknownCustomerIsNotFound) {
  v1::RecordSignalRequest request;
  *request.mutable_signal() = MakeSignal(Event(), "nobody", v1::SIGNAL_KIND_ACTIVITY);
  v1::RecordSignalResponse response;
  EXPECT_EQ(retention_->RecordSignal(client_->Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetHealthRequest get;
  get.set_customer_id("nobody");
  v1::GetHealthResponse health;
  EXPECT_EQ(retention_->GetHealth(client_->Context().get(), get, &health).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Every kind of bad signal names its field in google.rpc.BadRequest.
class BadSignalTest : public RetentionE2eTest,
                      public ::testing::WithParamInterface<Case<v1::Signal>> {};

TEST_P(BadSignalTest, NamesTheField) {
  v1::RecordSignalRequest request;
  *request.mutable_signal() = MakeSignal("ev-1", "alice", v1::SIGNAL_KIND_NPS);
  request.mutable_signal()->set_score(9);
  GetParam().mutate(*request.mutable_signal());
  v1::RecordSignalResponse response;
  const auto status = retention_->RecordSignal(client_->Context().get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(validation_testing::Sorted(ViolatedFields(status)),
            validation_testing::Sorted(GetParam().fields));
}

using S = v1::Signal&;
INSTANTIATE_TEST_SUITE_P(
    Cases, BadSignalTest,
    ::testing::ValuesIn(std::vector<Case<v1::Signal>>{
        {"NoEventId", [](S s) { s.clear_event_id(); }, {"signal.event_id"}},
        {"BadCustomerId", [](S s) { s.set_customer_id("has space"); }, {"signal.customer_id"}},
        {"NoKind",
         [](S s) {
           s.clear_kind();
           s.clear_score();
         },
         {"signal.kind"}},
        {"UnknownKind", [](S s) { s.set_kind(static_cast<v1::SignalKind>(99)); }, {"signal.kind"}},
        {"NoTime", [](S s) { s.clear_occur_time(); }, {"signal.occur_time"}},
        {"FutureTime",
         [](S s) { *s.mutable_occur_time() = Ago(std::chrono::seconds(-3600)); },
         {"signal.occur_time"}},
        {"NpsOutOfScale", [](S s) { s.set_score(11); }, {"signal.score"}},
        {"NpsWithoutScore", [](S s) { s.clear_score(); }, {"signal.score"}},
        {"AmountOnNps", [](S s) { s.set_amount(3); }, {"signal.amount"}},
        {"SentimentOnNps",
         [](S s) { s.set_sentiment(v1::REVIEW_SENTIMENT_POSITIVE); },
         {"signal.sentiment"}},
        {"ReviewWithoutSentiment",
         [](S s) {
           s.set_kind(v1::SIGNAL_KIND_REVIEW);
           s.clear_score();
         },
         {"signal.sentiment"}},
        {"CustomWithoutName",
         [](S s) {
           s.set_kind(v1::SIGNAL_KIND_CUSTOM);
           s.clear_score();
           s.set_custom_value(2);
         },
         {"signal.custom_name", "signal.custom_value"}},
        {"PurchaseNaN",
         [](S s) {
           s.set_kind(v1::SIGNAL_KIND_PURCHASE);
           s.clear_score();
           s.set_amount(std::numeric_limits<double>::quiet_NaN());
           s.set_product_id("bad id");
         },
         {"signal.amount", "signal.product_id"}},
    }),
    CaseName<v1::Signal>);

TEST_F(RetentionE2eTest, BatchLimitsAreEnforced) {
  v1::RecordSignalsRequest request;
  v1::RecordSignalsResponse response;
  auto status = retention_->RecordSignals(client_->Context().get(), request, &response);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"signals"});
  for (int i = 0; i <= 10000; ++i) {
    *request.add_signals() = MakeSignal("e" + std::to_string(i), "alice", v1::SIGNAL_KIND_ACTIVITY);
  }
  status = retention_->RecordSignals(client_->Context().get(), request, &response);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"signals"});
}

TEST_F(RetentionE2eTest, PolicyUpdatesAreValidatedAndVersioned) {
  v1::UpdateRetentionPolicyRequest request;
  request.set_request_id(NewRequestId());
  request.mutable_policy()->set_neutral_min(95);
  request.mutable_policy()->mutable_half_life()->set_seconds(0);
  request.mutable_update_mask()->add_paths("neutral_min");
  request.mutable_update_mask()->add_paths("half_life");
  request.mutable_update_mask()->add_paths("no_such_field");
  v1::UpdateRetentionPolicyResponse response;
  auto status = retention_->UpdateRetentionPolicy(client_->Context().get(), request, &response);
  EXPECT_EQ(validation_testing::Sorted(ViolatedFields(status)),
            (std::vector<std::string>{"policy.half_life", "policy.healthy_min", "update_mask"}));

  request.set_request_id(NewRequestId());
  request.mutable_update_mask()->Clear();
  request.mutable_update_mask()->add_paths("negative_multiplier");
  request.mutable_policy()->set_negative_multiplier(5);
  request.set_expected_version(0);
  status = retention_->UpdateRetentionPolicy(client_->Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.policy().version(), 1);
  EXPECT_EQ(response.policy().negative_multiplier(), 5);
  EXPECT_EQ(response.policy().neutral_min(), 45);  // not in the mask: unchanged

  request.set_request_id(NewRequestId());
  status = retention_->UpdateRetentionPolicy(client_->Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);  // still expects version 0

  // Only admins change the policy; anyone may read it.
  const std::string readonly = KeyWithRole(v1::ROLE_READONLY);
  auto context = client_->Context();
  context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + readonly);
  request.set_request_id(NewRequestId());
  EXPECT_EQ(retention_->UpdateRetentionPolicy(context.get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext read_context;
  read_context.AddMetadata("authorization", "Bearer " + readonly);
  v1::GetRetentionPolicyResponse policy;
  ASSERT_TRUE(retention_->GetRetentionPolicy(&read_context, {}, &policy).ok());
  EXPECT_EQ(policy.policy().version(), 1);
}

TEST_F(RetentionE2eTest, SweepOnDemandAndMetrics) {
  client_->CreateCustomer("alice");
  ASSERT_TRUE(client_->Transition("alice", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  auto purchase = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_PURCHASE);
  auto again = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_PURCHASE);
  auto promoter = MakeSignal(Event(), "alice", v1::SIGNAL_KIND_NPS);
  promoter.set_score(10);
  Record({purchase, again, promoter});
  v1::RunRetentionSweepResponse sweep;
  ASSERT_TRUE(retention_->RunRetentionSweep(client_->Context().get(), {}, &sweep).ok());
  EXPECT_EQ(sweep.lapsed_count(), 0);  // active a second ago

  v1::GetRetentionMetricsRequest request;
  request.set_segment_id("smb");
  v1::GetRetentionMetricsResponse metrics;
  ASSERT_TRUE(retention_->GetRetentionMetrics(client_->Context().get(), request, &metrics).ok());
  EXPECT_EQ(metrics.metrics().active_customers(), 1);
  EXPECT_EQ(metrics.metrics().repeat_purchase_rate(), 1);
  EXPECT_EQ(metrics.metrics().nps(), 100);
  EXPECT_EQ(metrics.metrics().nps_responses(), 1);
}

}  // namespace
}  // namespace lifecycle::testing
