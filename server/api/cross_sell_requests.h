#pragma once

// Validation of the CrossSellService requests. Each function throws
// INVALID_ARGUMENT naming every bad field.

#include <cstdint>
#include <optional>
#include <string>

#include "lifecycle/v1/cross_sell.pb.h"
#include "server/domain/cross_sell_policy.h"
#include "server/domain/offer.h"
#include "server/domain/product.h"
#include "storage/cross_sell_metrics_store.h"
#include "storage/product_store.h"
#include "storage/readiness_store.h"

namespace lifecycle::api {

inline constexpr int kMaxWalletPoints = 400;

struct ProductListQuery {
  int page_size = 0;
  std::optional<std::string> after;
  std::string query_digest;
};

// A customer and a product (AddHolding, RemoveHolding, CreateOffer).
struct CustomerProduct {
  std::string customer_id;
  std::string product_id;
};

struct RuleListQuery {
  std::optional<std::string> consequent;
  int page_size = 0;
};

struct ReadyListQuery {
  storage::ReadyQuery query;  // limit is page_size (one more is fetched)
  int page_size = 0;
  std::string query_digest;
};

struct OfferListQuery {
  std::string customer_id;
  int page_size = 0;
  std::optional<std::int64_t> before;
  std::string query_digest;
};

struct PolicyUpdate {
  domain::CrossSellPolicy policy;
  std::optional<std::int64_t> expected_version;
};

domain::Product ValidateCreateProduct(const v1::CreateProductRequest& request);
storage::ProductChange ValidateUpdateProduct(const v1::UpdateProductRequest& request);
ProductListQuery ValidateListProducts(const v1::ListProductsRequest& request);
domain::ProductLadder ValidateSetProductLadder(const v1::SetProductLadderRequest& request);
std::string ValidateGetProductLadder(const v1::GetProductLadderRequest& request);

CustomerProduct ValidateAddHolding(const v1::AddHoldingRequest& request);
CustomerProduct ValidateRemoveHolding(const v1::RemoveHoldingRequest& request);
std::string ValidateListHoldings(const v1::ListHoldingsRequest& request);
RuleListQuery ValidateListAdoptionRules(const v1::ListAdoptionRulesRequest& request);

std::string ValidateGetCrossSellReadiness(const v1::GetCrossSellReadinessRequest& request);
ReadyListQuery ValidateListReadyCustomers(const v1::ListReadyCustomersRequest& request);

// The parts that come from the request; the caller adds created_by.
domain::Offer ValidateCreateOffer(const v1::CreateOfferRequest& request);
domain::OfferOutcome ValidateRecordOfferOutcome(const v1::RecordOfferOutcomeRequest& request);
OfferListQuery ValidateListOffers(const v1::ListOffersRequest& request);

PolicyUpdate ValidateUpdateCrossSellPolicy(const v1::UpdateCrossSellPolicyRequest& request);
storage::CrossSellMetricsQuery ValidateGetCrossSellMetrics(
    const v1::GetCrossSellMetricsRequest& request);

}  // namespace lifecycle::api
