// CrossSellService over gRPC against the real server: customers holding A
// and B become ready for C once the model is refreshed, an accepted offer
// extends the customer, a declined one starts the cool-down, the metrics
// match a fixture, and bad input, unknown names and roles are refused.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "lifecycle/v1/cross_sell.grpc.pb.h"
#include "lifecycle/v1/retention.grpc.pb.h"
#include "server/api/converters.h"
#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

class CrossSellE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    CreateSegment("smb");
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    cross_sell_ = v1::CrossSellService::NewStub(channel);
    retention_ = v1::RetentionService::NewStub(channel);
    for (const char* id : {"A", "B", "C", "D"}) CreateProduct(id);
  }

  void CreateProduct(const std::string& id) {
    v1::CreateProductRequest request;
    request.set_request_id(NewRequestId());
    request.mutable_product()->set_product_id(id);
    request.mutable_product()->set_display_name("Product " + id);
    request.mutable_product()->set_category("banking");
    v1::CreateProductResponse response;
    const auto status = cross_sell_->CreateProduct(client_->Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status AddHolding(const std::string& customer, const std::string& product) {
    v1::AddHoldingRequest request;
    request.set_request_id(NewRequestId());
    request.set_customer_id(customer);
    request.set_product_id(product);
    v1::AddHoldingResponse response;
    return cross_sell_->AddHolding(client_->Context().get(), request, &response);
  }

  // A RETAINED customer of segment smb.
  void Retained(const std::string& id) {
    client_->CreateCustomer(id);
    ASSERT_TRUE(client_->Transition(id, v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
    ASSERT_TRUE(client_->Transition(id, v1::STAGE_ONBOARDING).ok());
    ASSERT_TRUE(client_->Transition(id, v1::STAGE_RETAINED).ok());
  }

  // One purchase of each product, an hour apart.
  void Purchases(const std::string& customer, const std::vector<std::string>& products) {
    v1::RecordSignalsRequest request;
    for (std::size_t i = 0; i < products.size(); ++i) {
      auto* signal = request.add_signals();
      signal->set_event_id(customer + "-" + std::to_string(i));
      signal->set_customer_id(customer);
      signal->set_kind(v1::SIGNAL_KIND_PURCHASE);
      signal->set_amount(25);
      signal->set_product_id(products[i]);
      *signal->mutable_occur_time() =
          api::ToProto(std::chrono::system_clock::now() - std::chrono::hours(i + 1));
    }
    v1::RecordSignalsResponse response;
    const auto status = retention_->RecordSignals(client_->Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted_count(), static_cast<int>(products.size()));
  }

  v1::RefreshAdoptionModelResponse Refresh() {
    v1::RefreshAdoptionModelResponse response;
    const auto status = cross_sell_->RefreshAdoptionModel(
        client_->Context().get(), v1::RefreshAdoptionModelRequest{}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::CrossSellReadiness Readiness(const std::string& customer) {
    v1::GetCrossSellReadinessRequest request;
    request.set_customer_id(customer);
    v1::GetCrossSellReadinessResponse response;
    const auto status =
        cross_sell_->GetCrossSellReadiness(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.readiness();
  }

  std::vector<v1::ReadinessBlocker> Blockers(const v1::CrossSellReadiness& readiness) {
    std::vector<v1::ReadinessBlocker> blockers;
    for (const auto& issue : readiness.issues()) blockers.push_back(issue.blocker());
    return blockers;
  }

  grpc::Status Offer(const std::string& customer, const std::string& product,
                     v1::CreateOfferResponse* response) {
    v1::CreateOfferRequest request;
    request.set_request_id(NewRequestId());
    request.set_customer_id(customer);
    request.set_product_id(product);
    request.set_channel(v1::CHANNEL_IN_PERSON);
    return cross_sell_->CreateOffer(client_->Context().get(), request, response);
  }

  std::int64_t OfferId(const std::string& customer, const std::string& product) {
    v1::CreateOfferResponse response;
    const auto status = Offer(customer, product, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.offer().offer_id();
  }

  v1::RecordOfferOutcomeRequest OutcomeRequest(std::int64_t offer_id, v1::OfferStatus outcome,
                                               double revenue = 0) {
    v1::RecordOfferOutcomeRequest request;
    request.set_request_id(NewRequestId());
    request.set_offer_id(offer_id);
    request.set_outcome(outcome);
    request.set_revenue(revenue);
    return request;
  }

  grpc::Status Outcome(const v1::RecordOfferOutcomeRequest& request,
                       v1::RecordOfferOutcomeResponse* response) {
    return cross_sell_->RecordOfferOutcome(client_->Context().get(), request, response);
  }

  // Ten customers who hold A, B and C.
  void Adopters() {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "adopter-" + std::to_string(i);
      client_->CreateCustomer(id);
      for (const char* product : {"A", "B", "C"}) ASSERT_TRUE(AddHolding(id, product).ok());
    }
  }

  // A RETAINED customer holding A and B from two purchases.
  void HolderOfAAndB(const std::string& id) {
    Retained(id);
    Purchases(id, {"A", "B"});
  }

  // With the adopters, {A, B} -> C has confidence 10/11.
  void AdoptersAnd(const std::string& ready) {
    Adopters();
    HolderOfAAndB(ready);
  }

  std::unique_ptr<v1::CrossSellService::Stub> cross_sell_;
  std::unique_ptr<v1::RetentionService::Stub> retention_;
};

TEST_F(CrossSellE2eTest, HoldersOfAAndBBecomeReadyForCAfterTheModelRefresh) {
  AdoptersAnd("c-1");
  v1::CrossSellReadiness before = Readiness("c-1");
  EXPECT_EQ(before.readiness(), v1::READINESS_NOT_YET);
  EXPECT_EQ(Blockers(before),
            std::vector<v1::ReadinessBlocker>{v1::READINESS_BLOCKER_NO_CANDIDATE});

  const auto refreshed = Refresh();
  EXPECT_EQ(refreshed.customers(), 11);
  EXPECT_GT(refreshed.rule_count(), 0);

  const v1::CrossSellReadiness after = Readiness("c-1");
  EXPECT_EQ(after.readiness(), v1::READINESS_READY);
  EXPECT_TRUE(after.issues().empty());
  EXPECT_EQ(after.stage(), v1::STAGE_RETAINED);
  ASSERT_GE(after.next_products_size(), 1);
  const auto& best = after.next_products(0);
  EXPECT_EQ(best.product().product_id(), "C");
  EXPECT_DOUBLE_EQ(best.evidence().rule().confidence(), 10.0 / 11);
  EXPECT_EQ(best.evidence().rule().antecedent_product_ids_size(), 2);

  v1::ListReadyCustomersRequest request;
  request.set_product_id("C");
  v1::ListReadyCustomersResponse response;
  ASSERT_TRUE(cross_sell_->ListReadyCustomers(client_->Context().get(), request, &response).ok());
  ASSERT_EQ(response.customers_size(), 1);
  EXPECT_EQ(response.customers(0).customer_id(), "c-1");
  EXPECT_EQ(response.customers(0).segment_id(), "smb");
}

TEST_F(CrossSellE2eTest, ReadyListPagesByCustomer) {
  Adopters();
  for (const char* id : {"r-1", "r-2", "r-3"}) HolderOfAAndB(id);
  Refresh();
  v1::ListReadyCustomersRequest request;
  request.set_segment_id("smb");
  request.set_page_size(2);
  std::vector<std::string> seen;
  do {
    v1::ListReadyCustomersResponse response;
    const auto status =
        cross_sell_->ListReadyCustomers(client_->Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& customer : response.customers()) seen.push_back(customer.customer_id());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"r-1", "r-2", "r-3"}));
}

TEST_F(CrossSellE2eTest, AnAcceptedOfferExtendsTheCustomer) {
  AdoptersAnd("c-1");
  Refresh();
  const std::int64_t offer_id = OfferId("c-1", "C");
  EXPECT_EQ(Blockers(Readiness("c-1")),
            std::vector<v1::ReadinessBlocker>{v1::READINESS_BLOCKER_OPEN_OFFER});

  const auto request = OutcomeRequest(offer_id, v1::OFFER_STATUS_ACCEPTED, 120);
  v1::RecordOfferOutcomeResponse accepted;
  ASSERT_TRUE(Outcome(request, &accepted).ok());
  EXPECT_EQ(accepted.offer().status(), v1::OFFER_STATUS_ACCEPTED);
  EXPECT_EQ(accepted.offer().revenue(), 120);
  EXPECT_EQ(accepted.transition().from_stage(), v1::STAGE_RETAINED);
  EXPECT_EQ(accepted.transition().to_stage(), v1::STAGE_EXTENDED);
  EXPECT_EQ(accepted.transition().trigger(), v1::TRIGGER_OFFER_ACCEPTED);

  v1::GetCustomerStageRequest stage_request;
  stage_request.set_customer_id("c-1");
  v1::GetCustomerStageResponse stage;
  ASSERT_TRUE(
      client_->lifecycle().GetCustomerStage(client_->Context().get(), stage_request, &stage).ok());
  EXPECT_EQ(stage.customer_stage().stage(), v1::STAGE_EXTENDED);

  v1::ListHoldingsRequest holdings_request;
  holdings_request.set_customer_id("c-1");
  v1::ListHoldingsResponse holdings;
  ASSERT_TRUE(
      cross_sell_->ListHoldings(client_->Context().get(), holdings_request, &holdings).ok());
  ASSERT_EQ(holdings.holdings_size(), 3);
  EXPECT_EQ(holdings.holdings(2).product_id(), "C");
  EXPECT_EQ(holdings.holdings(2).source(), v1::HOLDING_SOURCE_OFFER);

  // A retry returns the first result; another outcome is refused.
  v1::RecordOfferOutcomeResponse retried;
  ASSERT_TRUE(Outcome(request, &retried).ok());
  EXPECT_EQ(retried.SerializeAsString(), accepted.SerializeAsString());
  v1::RecordOfferOutcomeResponse again;
  const auto status = Outcome(OutcomeRequest(offer_id, v1::OFFER_STATUS_DECLINED), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "OFFER_NOT_OPEN");
}

TEST_F(CrossSellE2eTest, ADeclinedOfferStartsTheCoolDown) {
  AdoptersAnd("c-1");
  Refresh();
  v1::RecordOfferOutcomeResponse declined;
  ASSERT_TRUE(
      Outcome(OutcomeRequest(OfferId("c-1", "C"), v1::OFFER_STATUS_DECLINED), &declined).ok());
  EXPECT_FALSE(declined.has_transition());
  const auto readiness = Readiness("c-1");
  EXPECT_EQ(readiness.readiness(), v1::READINESS_BLOCKED);
  EXPECT_EQ(Blockers(readiness),
            std::vector<v1::ReadinessBlocker>{v1::READINESS_BLOCKER_COOL_DOWN});

  // A tenant without a cool-down may offer again at once.
  v1::UpdateCrossSellPolicyRequest update;
  update.set_request_id(NewRequestId());
  update.mutable_policy()->set_min_repeat_purchases(2);
  update.mutable_policy()->mutable_repeat_window()->set_seconds(86400 * 90);
  update.mutable_policy()->set_min_support(0.01);
  update.mutable_policy()->set_min_confidence(0.2);
  v1::UpdateCrossSellPolicyResponse updated;
  ASSERT_TRUE(cross_sell_->UpdateCrossSellPolicy(client_->Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.policy().version(), 1);
  EXPECT_EQ(Readiness("c-1").readiness(), v1::READINESS_READY);
}

TEST_F(CrossSellE2eTest, MetricsMatchAFixture) {
  for (const char* id : {"m-1", "m-2", "m-3", "m-4"}) {
    Retained(id);
    ASSERT_TRUE(AddHolding(id, "A").ok());
  }
  // C: accepted (100), declined, expired. D: accepted (40).
  const struct {
    const char* customer;
    const char* product;
    v1::OfferStatus outcome;
    double revenue;
  } fixture[] = {{"m-1", "C", v1::OFFER_STATUS_ACCEPTED, 100},
                 {"m-2", "C", v1::OFFER_STATUS_DECLINED, 0},
                 {"m-3", "C", v1::OFFER_STATUS_EXPIRED, 0},
                 {"m-4", "D", v1::OFFER_STATUS_ACCEPTED, 40}};
  for (const auto& row : fixture) {
    v1::RecordOfferOutcomeResponse response;
    ASSERT_TRUE(
        Outcome(OutcomeRequest(OfferId(row.customer, row.product), row.outcome, row.revenue),
                &response)
            .ok());
  }

  // From a day ago: samples then and now.
  const auto start = std::chrono::system_clock::now() - std::chrono::hours(24);
  v1::GetCrossSellMetricsRequest request;
  *request.mutable_start_time() = api::ToProto(start);
  *request.mutable_end_time() = api::ToProto(start + std::chrono::hours(25));
  v1::GetCrossSellMetricsResponse response;
  const auto status =
      cross_sell_->GetCrossSellMetrics(client_->Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& metrics = response.metrics();
  ASSERT_EQ(metrics.offers_size(), 2);
  EXPECT_EQ(metrics.offers(0).segment_id(), "smb");
  EXPECT_EQ(metrics.offers(0).product_id(), "C");
  EXPECT_EQ(metrics.offers(0).offers_made(), 3);
  EXPECT_EQ(metrics.offers(0).accepted(), 1);
  EXPECT_EQ(metrics.offers(0).declined(), 1);
  EXPECT_EQ(metrics.offers(0).expired(), 1);
  EXPECT_DOUBLE_EQ(metrics.offers(0).conversion_rate(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(metrics.offers(0).revenue(), 100);
  EXPECT_EQ(metrics.offers(1).product_id(), "D");
  EXPECT_DOUBLE_EQ(metrics.offers(1).conversion_rate(), 1.0);
  EXPECT_EQ(metrics.total().offers_made(), 4);
  EXPECT_EQ(metrics.total().accepted(), 2);
  EXPECT_DOUBLE_EQ(metrics.total().conversion_rate(), 0.5);
  EXPECT_DOUBLE_EQ(metrics.total().revenue(), 140);

  // Daily samples: a day ago nobody existed; now 4 customers hold 6 products.
  ASSERT_EQ(metrics.share_of_wallet_size(), 2);
  EXPECT_EQ(metrics.share_of_wallet(0).customers(), 0);
  EXPECT_EQ(metrics.share_of_wallet(1).customers(), 4);
  EXPECT_EQ(metrics.share_of_wallet(1).products_held(), 6);
  EXPECT_DOUBLE_EQ(metrics.share_of_wallet(1).products_per_customer(), 1.5);
}

TEST_F(CrossSellE2eTest, RefusalsNameWhatIsWrong) {
  Retained("c-1");
  ASSERT_TRUE(AddHolding("c-1", "A").ok());

  v1::CreateOfferResponse response;
  auto status = Offer("c-1", "A", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PRODUCT_HELD");
  status = Offer("c-1", "nope", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = Offer("nobody", "B", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Offer("c-1", "B", &response).ok());
  status = Offer("c-1", "C", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "OFFER_OPEN");

  v1::CreateOfferRequest bad;
  bad.set_customer_id("c-1");
  v1::CreateOfferResponse ignored;
  status = cross_sell_->CreateOffer(client_->Context().get(), bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto fields = ViolatedFields(status);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"channel", "product_id", "request_id"}));

  v1::SetProductLadderRequest ladder;
  ladder.set_request_id(NewRequestId());
  ladder.mutable_ladder()->set_segment_id("smb");
  ladder.mutable_ladder()->add_steps()->set_product_id("missing");
  v1::SetProductLadderResponse ladder_response;
  status = cross_sell_->SetProductLadder(client_->Context().get(), ladder, &ladder_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(AddHolding("c-1", "nope").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CrossSellE2eTest, OnlyAdminsChangeTheCatalogue) {
  TestClient readonly = ClientWithKey(KeyWithRole(v1::ROLE_READONLY));
  v1::CreateProductRequest request;
  request.set_request_id(NewRequestId());
  request.mutable_product()->set_product_id("E");
  request.mutable_product()->set_display_name("E");
  request.mutable_product()->set_category("banking");
  v1::CreateProductResponse response;
  const auto status = cross_sell_->CreateProduct(readonly.Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::ListProductsResponse products;
  ASSERT_TRUE(cross_sell_->ListProducts(readonly.Context().get(), {}, &products).ok());
  EXPECT_EQ(products.products_size(), 4);
}

}  // namespace
}  // namespace lifecycle::testing
