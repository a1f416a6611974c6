// Validation of CrossSellService requests: every kind of bad input is named
// by its exact request path, and valid requests become the right values.

#include "server/api/cross_sell_requests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "tests/support/request_cases.h"

namespace lifecycle::api {
namespace {

using validation_testing::Case;
using validation_testing::CaseName;
using validation_testing::Fields;
using validation_testing::Sorted;
using validation_testing::SortFields;
using validation_testing::ViolatedFields;

// Each table: a valid request, spoiled one way per case.
#define REQUEST_TABLE(Suite, Request, Valid, Validate, ...)                                     \
  using Suite##Case = Case<Request>;                                                            \
  class Suite : public testing::TestWithParam<Suite##Case> {};                                  \
  TEST_P(Suite, ReportsExactlyTheBadFields) {                                                   \
    auto request = Valid();                                                                     \
    GetParam().mutate(request);                                                                 \
    EXPECT_EQ(ViolatedFields([&] { Validate(request); }), GetParam().fields);                   \
  }                                                                                             \
  INSTANTIATE_TEST_SUITE_P(Table, Suite, testing::ValuesIn(SortFields<Request>({__VA_ARGS__})), \
                           CaseName<Request>)

const std::string kBadId = "a b";

// --------------------------------------------------------------- products

v1::CreateProductRequest ValidCreateProduct() {
  v1::CreateProductRequest request;
  request.set_request_id("req-1");
  request.mutable_product()->set_product_id("savings");
  request.mutable_product()->set_display_name("Savings account");
  request.mutable_product()->set_category("banking");
  return request;
}

REQUEST_TABLE(CreateProductTest, v1::CreateProductRequest, ValidCreateProduct,
              ValidateCreateProduct, {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoProduct", [](auto& r) { r.clear_product(); }, {"product"}},
              {"BadProductId",
               [](auto& r) { r.mutable_product()->set_product_id(kBadId); },
               {"product.product_id"}},
              {"NoProductId",
               [](auto& r) { r.mutable_product()->clear_product_id(); },
               {"product.product_id"}},
              {"NoDisplayName",
               [](auto& r) { r.mutable_product()->clear_display_name(); },
               {"product.display_name"}},
              {"LongDisplayName",
               [](auto& r) { r.mutable_product()->set_display_name(std::string(201, 'x')); },
               {"product.display_name"}},
              {"NoCategory",
               [](auto& r) { r.mutable_product()->clear_category(); },
               {"product.category"}},
              {"UnknownStatus",
               [](auto& r) { r.mutable_product()->set_status(static_cast<v1::ProductStatus>(9)); },
               {"product.status"}},
              {"RetiredIsFine",
               [](auto& r) { r.mutable_product()->set_status(v1::PRODUCT_STATUS_RETIRED); },
               {}});

TEST(CreateProductTest, DefaultsToActive) {
  EXPECT_EQ(ValidateCreateProduct(ValidCreateProduct()).status, domain::ProductStatus::kActive);
}

v1::UpdateProductRequest ValidUpdateProduct() {
  v1::UpdateProductRequest request;
  request.set_request_id("req-1");
  request.mutable_product()->set_product_id("savings");
  request.mutable_product()->set_status(v1::PRODUCT_STATUS_RETIRED);
  return request;
}

REQUEST_TABLE(UpdateProductTest, v1::UpdateProductRequest, ValidUpdateProduct,
              ValidateUpdateProduct, {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoProduct", [](auto& r) { r.clear_product(); }, {"product"}},
              {"BadProductId",
               [](auto& r) { r.mutable_product()->set_product_id(kBadId); },
               {"product.product_id"}},
              {"NothingToChange",
               [](auto& r) { r.mutable_product()->clear_status(); },
               {"product"}},
              {"BadCategory",
               [](auto& r) { r.mutable_product()->set_category(kBadId); },
               {"product.category"}},
              {"LongDisplayName",
               [](auto& r) { r.mutable_product()->set_display_name(std::string(201, 'x')); },
               {"product.display_name"}},
              {"UnknownStatus",
               [](auto& r) { r.mutable_product()->set_status(static_cast<v1::ProductStatus>(9)); },
               {"product.status"}});

v1::ListProductsRequest ValidListProducts() { return {}; }

REQUEST_TABLE(ListProductsTest, v1::ListProductsRequest, ValidListProducts, ValidateListProducts,
              {"Valid", [](auto&) {}, {}},
              {"NegativePageSize", [](auto& r) { r.set_page_size(-1); }, {"page_size"}},
              {"PageSizeTooBig", [](auto& r) { r.set_page_size(1001); }, {"page_size"}},
              {"GarbageToken", [](auto& r) { r.set_page_token("garbage"); }, {"page_token"}},
              {"ForeignToken",
               [](auto& r) { r.set_page_token(EncodePageToken("other", {"x"})); },
               {"page_token"}},
              {"OwnToken",
               [](auto& r) { r.set_page_token(EncodePageToken("products", {"savings"})); },
               {}});

// ---------------------------------------------------------------- ladders

v1::SetProductLadderRequest ValidLadder() {
  v1::SetProductLadderRequest request;
  request.set_request_id("req-1");
  request.mutable_ladder()->set_segment_id("smb");
  auto* first = request.mutable_ladder()->add_steps();
  first->set_product_id("current");
  auto* second = request.mutable_ladder()->add_steps();
  second->set_product_id("savings");
  second->set_after_product_id("current");
  second->set_min_stage(v1::STAGE_EXTENDED);
  return request;
}

v1::LadderStep& Step(v1::SetProductLadderRequest& r, int i) {
  return *r.mutable_ladder()->mutable_steps(i);
}

REQUEST_TABLE(SetProductLadderTest, v1::SetProductLadderRequest, ValidLadder,
              ValidateSetProductLadder, {"Valid", [](auto&) {}, {}},
              {"EmptyLadderIsFine", [](auto& r) { r.mutable_ladder()->clear_steps(); }, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoLadder", [](auto& r) { r.clear_ladder(); }, {"ladder"}},
              {"BadSegment",
               [](auto& r) { r.mutable_ladder()->set_segment_id(kBadId); },
               {"ladder.segment_id"}},
              {"BadProduct",
               [](auto& r) { Step(r, 1).set_product_id(kBadId); },
               {"ladder.steps[1].product_id"}},
              {"RepeatedProduct",
               [](auto& r) { Step(r, 1).set_product_id("current"); },
               {"ladder.steps[1].product_id", "ladder.steps[1].after_product_id"}},
              {"BadAfter",
               [](auto& r) { Step(r, 1).set_after_product_id(kBadId); },
               {"ladder.steps[1].after_product_id"}},
              {"AfterItself",
               [](auto& r) { Step(r, 1).set_after_product_id("savings"); },
               {"ladder.steps[1].after_product_id"}},
              {"OnboardingStage",
               [](auto& r) { Step(r, 0).set_min_stage(v1::STAGE_ONBOARDING); },
               {"ladder.steps[0].min_stage"}},
              {"TooManySteps",
               [](auto& r) {
                 r.mutable_ladder()->clear_steps();
                 for (int i = 0; i <= 50; ++i) {
                   r.mutable_ladder()->add_steps()->set_product_id("p" + std::to_string(i));
                 }
               },
               {"ladder.steps"}});

TEST(SetProductLadderTest, UnsetMinStageMeansRetained) {
  const auto ladder = ValidateSetProductLadder(ValidLadder());
  ASSERT_EQ(ladder.steps.size(), 2u);
  EXPECT_EQ(ladder.steps[0].min_stage, domain::Stage::kRetained);
  EXPECT_EQ(ladder.steps[1].min_stage, domain::Stage::kExtended);
  EXPECT_EQ(ladder.steps[1].after_product_id, "current");
}

TEST(GetProductLadderTest, NeedsASegment) {
  v1::GetProductLadderRequest request;
  EXPECT_EQ(ViolatedFields([&] { ValidateGetProductLadder(request); }), Fields{"segment_id"});
}

// --------------------------------------------------------------- holdings

v1::AddHoldingRequest ValidAddHolding() {
  v1::AddHoldingRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_product_id("savings");
  return request;
}

REQUEST_TABLE(AddHoldingTest, v1::AddHoldingRequest, ValidAddHolding, ValidateAddHolding,
              {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoCustomer", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
              {"BadProduct", [](auto& r) { r.set_product_id(kBadId); }, {"product_id"}});

v1::RemoveHoldingRequest ValidRemoveHolding() {
  v1::RemoveHoldingRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_product_id("savings");
  return request;
}

REQUEST_TABLE(RemoveHoldingTest, v1::RemoveHoldingRequest, ValidRemoveHolding,
              ValidateRemoveHolding, {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"BadCustomer", [](auto& r) { r.set_customer_id(kBadId); }, {"customer_id"}},
              {"NoProduct", [](auto& r) { r.clear_product_id(); }, {"product_id"}});

TEST(ListHoldingsTest, NeedsACustomer) {
  v1::ListHoldingsRequest request;
  EXPECT_EQ(ViolatedFields([&] { ValidateListHoldings(request); }), Fields{"customer_id"});
}

TEST(ListAdoptionRulesTest, BadConsequentAndPageSize) {
  v1::ListAdoptionRulesRequest request;
  EXPECT_EQ(ViolatedFields([&] { ValidateListAdoptionRules(request); }), Fields{});
  request.set_consequent_product_id(kBadId);
  request.set_page_size(-5);
  EXPECT_EQ(ViolatedFields([&] { ValidateListAdoptionRules(request); }),
            Sorted({"consequent_product_id", "page_size"}));
}

// -------------------------------------------------------------- readiness

TEST(GetCrossSellReadinessTest, NeedsAValidCustomer) {
  v1::GetCrossSellReadinessRequest request;
  EXPECT_EQ(ViolatedFields([&] { ValidateGetCrossSellReadiness(request); }), Fields{"customer_id"});
  request.set_customer_id(kBadId);
  EXPECT_EQ(ViolatedFields([&] { ValidateGetCrossSellReadiness(request); }), Fields{"customer_id"});
}

v1::ListReadyCustomersRequest ValidListReady() {
  v1::ListReadyCustomersRequest request;
  request.set_product_id("savings");
  return request;
}

REQUEST_TABLE(ListReadyCustomersTest, v1::ListReadyCustomersRequest, ValidListReady,
              ValidateListReadyCustomers, {"Valid", [](auto&) {}, {}},
              {"SegmentInstead",
               [](auto& r) {
                 r.clear_product_id();
                 r.set_segment_id("smb");
               },
               {}},
              {"Neither", [](auto& r) { r.clear_product_id(); }, {"product_id"}},
              {"Both", [](auto& r) { r.set_segment_id("smb"); }, {"segment_id"}},
              {"BadProduct", [](auto& r) { r.set_product_id(kBadId); }, {"product_id"}},
              {"BadPageSize", [](auto& r) { r.set_page_size(-1); }, {"page_size"}},
              {"TokenOfAnotherProduct",
               [](auto& r) { r.set_page_token(EncodePageToken("ready;loan;", {"c-1"})); },
               {"page_token"}},
              {"OwnToken",
               [](auto& r) { r.set_page_token(EncodePageToken("ready;savings;", {"c-1"})); },
               {}});

TEST(ListReadyCustomersTest, FetchesOneMoreThanThePage) {
  auto request = ValidListReady();
  request.set_page_size(10);
  request.set_page_token(EncodePageToken("ready;savings;", {"c-9"}));
  const auto query = ValidateListReadyCustomers(request);
  EXPECT_EQ(query.query.limit, 11);
  EXPECT_EQ(query.query.after, "c-9");
  EXPECT_EQ(query.query.product_id, "savings");
  EXPECT_FALSE(query.query.segment_id);
}

// ----------------------------------------------------------------- offers

v1::CreateOfferRequest ValidCreateOffer() {
  v1::CreateOfferRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("c-1");
  request.set_product_id("savings");
  request.set_channel(v1::CHANNEL_IN_PERSON);
  return request;
}

REQUEST_TABLE(CreateOfferTest, v1::CreateOfferRequest, ValidCreateOffer, ValidateCreateOffer,
              {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoCustomer", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
              {"NoProduct", [](auto& r) { r.clear_product_id(); }, {"product_id"}},
              {"NoChannel", [](auto& r) { r.clear_channel(); }, {"channel"}},
              {"UnknownChannel",
               [](auto& r) { r.set_channel(static_cast<v1::Channel>(99)); },
               {"channel"}});

v1::RecordOfferOutcomeRequest ValidOutcome() {
  v1::RecordOfferOutcomeRequest request;
  request.set_request_id("req-1");
  request.set_offer_id(3);
  request.set_outcome(v1::OFFER_STATUS_ACCEPTED);
  request.set_revenue(120.5);
  return request;
}

REQUEST_TABLE(RecordOfferOutcomeTest, v1::RecordOfferOutcomeRequest, ValidOutcome,
              ValidateRecordOfferOutcome, {"Valid", [](auto&) {}, {}},
              {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
              {"NoOffer", [](auto& r) { r.clear_offer_id(); }, {"offer_id"}},
              {"NegativeOffer", [](auto& r) { r.set_offer_id(-1); }, {"offer_id"}},
              {"NoOutcome", [](auto& r) { r.clear_outcome(); }, {"outcome", "revenue"}},
              {"OpenIsNoOutcome",
               [](auto& r) {
                 r.set_outcome(v1::OFFER_STATUS_OPEN);
                 r.clear_revenue();
               },
               {"outcome"}},
              {"UnknownOutcome",
               [](auto& r) {
                 r.set_outcome(static_cast<v1::OfferStatus>(9));
                 r.clear_revenue();
               },
               {"outcome"}},
              {"NegativeRevenue", [](auto& r) { r.set_revenue(-1); }, {"revenue"}},
              {"NanRevenue", [](auto& r) { r.set_revenue(std::nan("")); }, {"revenue"}},
              {"InfiniteRevenue",
               [](auto& r) { r.set_revenue(std::numeric_limits<double>::infinity()); },
               {"revenue"}},
              {"RevenueOnDecline",
               [](auto& r) { r.set_outcome(v1::OFFER_STATUS_DECLINED); },
               {"revenue"}},
              {"DeclinedWithoutRevenue",
               [](auto& r) {
                 r.set_outcome(v1::OFFER_STATUS_DECLINED);
                 r.clear_revenue();
               },
               {}});

v1::ListOffersRequest ValidListOffers() {
  v1::ListOffersRequest request;
  request.set_customer_id("c-1");
  return request;
}

REQUEST_TABLE(ListOffersTest, v1::ListOffersRequest, ValidListOffers, ValidateListOffers,
              {"Valid", [](auto&) {}, {}},
              {"NoCustomer", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
              {"BadPageSize", [](auto& r) { r.set_page_size(5000); }, {"page_size"}},
              {"TokenOfAnotherCustomer",
               [](auto& r) { r.set_page_token(EncodePageToken("offers;c-2", {"4"})); },
               {"page_token"}},
              {"TokenNotANumber",
               [](auto& r) { r.set_page_token(EncodePageToken("offers;c-1", {"x"})); },
               {"page_token"}});

// ----------------------------------------------------------------- policy

v1::UpdateCrossSellPolicyRequest ValidPolicy() {
  v1::UpdateCrossSellPolicyRequest request;
  request.set_request_id("req-1");
  auto* policy = request.mutable_policy();
  policy->set_min_repeat_purchases(3);
  policy->mutable_repeat_window()->set_seconds(86400 * 60);
  policy->mutable_cool_down()->set_seconds(86400 * 14);
  policy->set_min_support(0.05);
  policy->set_min_confidence(0.3);
  return request;
}

REQUEST_TABLE(
    UpdateCrossSellPolicyTest, v1::UpdateCrossSellPolicyRequest, ValidPolicy,
    ValidateUpdateCrossSellPolicy, {"Valid", [](auto&) {}, {}},
    {"NoRequestId", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
    {"NoPolicy", [](auto& r) { r.clear_policy(); }, {"policy"}},
    {"ZeroExpectedVersion", [](auto& r) { r.set_expected_version(0); }, {"expected_version"}},
    {"NegativeRepeats",
     [](auto& r) { r.mutable_policy()->set_min_repeat_purchases(-1); },
     {"policy.min_repeat_purchases"}},
    {"TooManyRepeats",
     [](auto& r) { r.mutable_policy()->set_min_repeat_purchases(1001); },
     {"policy.min_repeat_purchases"}},
    {"NoWindow",
     [](auto& r) { r.mutable_policy()->clear_repeat_window(); },
     {"policy.repeat_window"}},
    {"FractionalWindow",
     [](auto& r) { r.mutable_policy()->mutable_repeat_window()->set_nanos(5); },
     {"policy.repeat_window"}},
    {"HugeCoolDown",
     [](auto& r) { r.mutable_policy()->mutable_cool_down()->set_seconds(86400LL * 3651); },
     {"policy.cool_down"}},
    {"NegativeCoolDown",
     [](auto& r) { r.mutable_policy()->mutable_cool_down()->set_seconds(-1); },
     {"policy.cool_down"}},
    {"ZeroCoolDownIsFine", [](auto& r) { r.mutable_policy()->clear_cool_down(); }, {}},
    {"ZeroSupport",
     [](auto& r) { r.mutable_policy()->set_min_support(0); },
     {"policy.min_support"}},
    {"NanSupport",
     [](auto& r) { r.mutable_policy()->set_min_support(std::nan("")); },
     {"policy.min_support"}},
    {"ConfidenceAboveOne",
     [](auto& r) { r.mutable_policy()->set_min_confidence(1.5); },
     {"policy.min_confidence"}});

// ---------------------------------------------------------------- metrics

v1::GetCrossSellMetricsRequest ValidMetrics() {
  v1::GetCrossSellMetricsRequest request;
  request.mutable_start_time()->set_seconds(1'700'000'000);
  request.mutable_end_time()->set_seconds(1'700'000'000 + 7 * 86400);
  return request;
}

REQUEST_TABLE(GetCrossSellMetricsTest, v1::GetCrossSellMetricsRequest, ValidMetrics,
              ValidateGetCrossSellMetrics, {"Valid", [](auto&) {}, {}},
              {"NoStart", [](auto& r) { r.clear_start_time(); }, {"start_time"}},
              {"NoEnd", [](auto& r) { r.clear_end_time(); }, {"end_time"}},
              {"BadStart", [](auto& r) { r.mutable_start_time()->set_nanos(-1); }, {"start_time"}},
              {"EndBeforeStart",
               [](auto& r) { r.mutable_end_time()->set_seconds(1'600'000'000); },
               {"end_time"}},
              {"BadSegment", [](auto& r) { r.set_segment_id(kBadId); }, {"segment_id"}},
              {"BadProduct", [](auto& r) { r.set_product_id(kBadId); }, {"product_id"}},
              {"ZeroInterval", [](auto& r) { r.mutable_interval()->set_seconds(0); }, {"interval"}},
              {"TooManySamples",
               [](auto& r) { r.mutable_interval()->set_seconds(60); },
               {"interval"}});

TEST(GetCrossSellMetricsTest, DailySamplesByDefault) {
  const auto query = ValidateGetCrossSellMetrics(ValidMetrics());
  EXPECT_EQ(query.interval, std::chrono::seconds(86400));
  EXPECT_EQ(query.points, 8);  // both ends of the week
}

}  // namespace
}  // namespace lifecycle::api
