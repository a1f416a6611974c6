#include "server/api/cross_sell_requests.h"

#include <cmath>
#include <set>

#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"

namespace lifecycle::api {
namespace {

constexpr auto kDefaultWalletInterval = std::chrono::days(1);

std::optional<std::string> OptionalId(domain::Violations& violations, const std::string& field,
                                      const std::string& id) {
  if (id.empty()) return std::nullopt;
  CheckId(violations, field, id);
  return id;
}

// A status that may be left unset (nothing), else a known value.
std::optional<domain::ProductStatus> CheckStatus(domain::Violations& violations,
                                                 const std::string& field, int number) {
  if (number == 0) return std::nullopt;
  return CheckEnum(violations, field, number, domain::ProductStatusFromNumber);
}

CustomerProduct CheckCustomerProduct(domain::Violations& violations, const std::string& request_id,
                                     const std::string& customer_id,
                                     const std::string& product_id) {
  CheckRequestId(violations, request_id);
  CheckId(violations, "customer_id", customer_id);
  CheckId(violations, "product_id", product_id);
  return CustomerProduct{customer_id, product_id};
}

// AddHolding and RemoveHolding carry the same fields.
template <class Request>
CustomerProduct ValidateHoldingChange(const Request& request) {
  domain::Violations violations;
  auto target = CheckCustomerProduct(violations, request.request_id(), request.customer_id(),
                                     request.product_id());
  std::move(violations).ThrowIfAny();
  return target;
}

domain::Stage CheckMinStage(domain::Violations& violations, const std::string& field, int number) {
  if (number == 0 || number == static_cast<int>(domain::Stage::kRetained)) {
    return domain::Stage::kRetained;
  }
  if (number == static_cast<int>(domain::Stage::kExtended)) return domain::Stage::kExtended;
  violations.Add(field, "must be RETAINED or EXTENDED");
  return domain::Stage::kRetained;
}

// A request that only names one object: its id, checked.
std::string SingleId(const char* field, const std::string& id) {
  domain::Violations violations;
  CheckId(violations, field, id);
  std::move(violations).ThrowIfAny();
  return id;
}

// The product of a create or update, with its request id checked; a missing
// product is reported at once (nothing else can be checked without it).
template <class Request>
const v1::Product& RequiredProduct(domain::Violations& violations, const Request& request) {
  CheckRequestId(violations, request.request_id());
  if (!request.has_product()) {
    violations.Add("product", "is required");
    std::move(violations).ThrowIfAny();
  }
  return request.product();
}

}  // namespace

domain::Product ValidateCreateProduct(const v1::CreateProductRequest& request) {
  domain::Violations violations;
  const v1::Product& in = RequiredProduct(violations, request);
  CheckId(violations, "product.product_id", in.product_id());
  CheckRequiredText(violations, "product.display_name", in.display_name(),
                    domain::kMaxProductNameLength);
  CheckId(violations, "product.category", in.category());
  const auto status = CheckStatus(violations, "product.status", in.status());
  std::move(violations).ThrowIfAny();
  return domain::Product{.product_id = in.product_id(),
                         .display_name = in.display_name(),
                         .category = in.category(),
                         .status = status.value_or(domain::ProductStatus::kActive)};
}

storage::ProductChange ValidateUpdateProduct(const v1::UpdateProductRequest& request) {
  domain::Violations violations;
  const v1::Product& in = RequiredProduct(violations, request);
  CheckId(violations, "product.product_id", in.product_id());
  storage::ProductChange change{.product_id = in.product_id()};
  if (!in.display_name().empty()) {
    CheckRequiredText(violations, "product.display_name", in.display_name(),
                      domain::kMaxProductNameLength);
    change.display_name = in.display_name();
  }
  change.category = OptionalId(violations, "product.category", in.category());
  change.status = CheckStatus(violations, "product.status", in.status());
  if (!change.display_name && !change.category && in.status() == 0) {
    violations.Add("product", "sets nothing to change (display_name, category or status)");
  }
  std::move(violations).ThrowIfAny();
  return change;
}

ProductListQuery ValidateListProducts(const v1::ListProductsRequest& request) {
  domain::Violations violations;
  ProductListQuery query{.page_size = CheckPageSize(violations, request.page_size()),
                         .query_digest = "products"};
  CheckPageToken(violations, request.page_token(), query.query_digest, 1, [&](const auto& at) {
    CheckId(violations, "page_token", at[0]);
    query.after = at[0];
  });
  std::move(violations).ThrowIfAny();
  return query;
}

domain::ProductLadder ValidateSetProductLadder(const v1::SetProductLadderRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_ladder()) {
    violations.Add("ladder", "is required");
    std::move(violations).ThrowIfAny();
  }
  const v1::ProductLadder& in = request.ladder();
  CheckId(violations, "ladder.segment_id", in.segment_id());
  if (in.steps_size() > static_cast<int>(domain::kMaxLadderSteps)) {
    violations.Add("ladder.steps",
                   "has more than " + std::to_string(domain::kMaxLadderSteps) + " steps");
  }
  domain::ProductLadder ladder{.segment_id = in.segment_id()};
  std::set<std::string> seen;
  for (int i = 0; i < in.steps_size(); ++i) {
    const v1::LadderStep& step = in.steps(i);
    const std::string path = "ladder.steps[" + std::to_string(i) + "]";
    CheckId(violations, path + ".product_id", step.product_id());
    if (!seen.insert(step.product_id()).second) {
      violations.Add(path + ".product_id", "appears in an earlier step");
    }
    if (!step.after_product_id().empty()) {
      CheckId(violations, path + ".after_product_id", step.after_product_id());
      if (step.after_product_id() == step.product_id()) {
        violations.Add(path + ".after_product_id", "must differ from product_id");
      }
    }
    ladder.steps.push_back(domain::LadderStep{
        .product_id = step.product_id(),
        .after_product_id = step.after_product_id(),
        .min_stage = CheckMinStage(violations, path + ".min_stage", step.min_stage())});
  }
  std::move(violations).ThrowIfAny();
  return ladder;
}

std::string ValidateGetProductLadder(const v1::GetProductLadderRequest& request) {
  return SingleId("segment_id", request.segment_id());
}

CustomerProduct ValidateAddHolding(const v1::AddHoldingRequest& request) {
  return ValidateHoldingChange(request);
}

CustomerProduct ValidateRemoveHolding(const v1::RemoveHoldingRequest& request) {
  return ValidateHoldingChange(request);
}

std::string ValidateListHoldings(const v1::ListHoldingsRequest& request) {
  return SingleId("customer_id", request.customer_id());
}

RuleListQuery ValidateListAdoptionRules(const v1::ListAdoptionRulesRequest& request) {
  domain::Violations violations;
  RuleListQuery query{.consequent = OptionalId(violations, "consequent_product_id",
                                               request.consequent_product_id()),
                      .page_size = CheckPageSize(violations, request.page_size())};
  std::move(violations).ThrowIfAny();
  return query;
}

std::string ValidateGetCrossSellReadiness(const v1::GetCrossSellReadinessRequest& request) {
  return SingleId("customer_id", request.customer_id());
}

ReadyListQuery ValidateListReadyCustomers(const v1::ListReadyCustomersRequest& request) {
  domain::Violations violations;
  ReadyListQuery out{.page_size = CheckPageSize(violations, request.page_size()),
                     .query_digest = "ready;" + request.product_id() + ";" + request.segment_id()};
  out.query.product_id = OptionalId(violations, "product_id", request.product_id());
  out.query.segment_id = OptionalId(violations, "segment_id", request.segment_id());
  if (request.product_id().empty() && request.segment_id().empty()) {
    violations.Add("product_id", "one of product_id or segment_id is required");
  } else if (!request.product_id().empty() && !request.segment_id().empty()) {
    violations.Add("segment_id", "give product_id or segment_id, not both");
  }
  CheckPageToken(violations, request.page_token(), out.query_digest, 1, [&](const auto& at) {
    CheckId(violations, "page_token", at[0]);
    out.query.after = at[0];
  });
  std::move(violations).ThrowIfAny();
  out.query.limit = out.page_size + 1;
  return out;
}

domain::Offer ValidateCreateOffer(const v1::CreateOfferRequest& request) {
  domain::Violations violations;
  const auto target = CheckCustomerProduct(violations, request.request_id(), request.customer_id(),
                                           request.product_id());
  domain::Offer offer{.customer_id = target.customer_id, .product_id = target.product_id};
  if (auto channel =
          CheckEnum(violations, "channel", request.channel(), domain::ChannelFromNumber)) {
    offer.channel = *channel;
  }
  std::move(violations).ThrowIfAny();
  return offer;
}

domain::OfferOutcome ValidateRecordOfferOutcome(const v1::RecordOfferOutcomeRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (request.offer_id() < 1) violations.Add("offer_id", "must be at least 1");
  domain::OfferOutcome outcome{.offer_id = request.offer_id(),
                               .revenue = request.revenue(),
                               .request_id = request.request_id()};
  if (auto status =
          CheckEnum(violations, "outcome", request.outcome(), domain::OfferStatusFromNumber)) {
    if (*status == domain::OfferStatus::kOpen) {
      violations.Add("outcome", "must be ACCEPTED, DECLINED or EXPIRED");
    }
    outcome.status = *status;
  }
  if (!std::isfinite(request.revenue()) || request.revenue() < 0) {
    violations.Add("revenue", "must be a finite amount >= 0");
  } else if (request.revenue() != 0 && request.outcome() != v1::OFFER_STATUS_ACCEPTED) {
    violations.Add("revenue", "must be 0 unless the outcome is ACCEPTED");
  }
  std::move(violations).ThrowIfAny();
  return outcome;
}

OfferListQuery ValidateListOffers(const v1::ListOffersRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  OfferListQuery query{.customer_id = request.customer_id(),
                       .page_size = CheckPageSize(violations, request.page_size()),
                       .query_digest = "offers;" + request.customer_id()};
  CheckPageToken(violations, request.page_token(), query.query_digest, 1,
                 [&](const auto& at) { query.before = PositivePosition(at[0]); });
  std::move(violations).ThrowIfAny();
  return query;
}

PolicyUpdate ValidateUpdateCrossSellPolicy(const v1::UpdateCrossSellPolicyRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  PolicyUpdate update;
  CheckExpectedVersion(violations, request.has_expected_version(), request.expected_version(),
                       update.expected_version);
  if (!request.has_policy()) {
    violations.Add("policy", "is required");
    std::move(violations).ThrowIfAny();
  }
  const v1::CrossSellPolicy& in = request.policy();
  domain::CrossSellPolicy& policy = update.policy;
  if (in.min_repeat_purchases() < 0 || in.min_repeat_purchases() > domain::kMaxRepeatPurchases) {
    violations.Add("policy.min_repeat_purchases",
                   "must be 0 to " + std::to_string(domain::kMaxRepeatPurchases));
  }
  policy.min_repeat_purchases = in.min_repeat_purchases();
  if (auto window = CheckDuration(violations, "policy.repeat_window", in.repeat_window(),
                                  std::chrono::seconds(1), domain::kMaxPolicyWindow)) {
    policy.repeat_window = *window;
  }
  if (auto cool_down = CheckDuration(violations, "policy.cool_down", in.cool_down(),
                                     std::chrono::seconds(0), domain::kMaxPolicyWindow)) {
    policy.cool_down = *cool_down;
  }
  if (!(in.min_support() > 0 && in.min_support() <= 1)) {
    violations.Add("policy.min_support", "must be above 0 and at most 1");
  }
  if (!(in.min_confidence() >= 0 && in.min_confidence() <= 1)) {
    violations.Add("policy.min_confidence", "must be 0 to 1");
  }
  policy.mining = {.min_support = in.min_support(), .min_confidence = in.min_confidence()};
  std::move(violations).ThrowIfAny();
  return update;
}

storage::CrossSellMetricsQuery ValidateGetCrossSellMetrics(
    const v1::GetCrossSellMetricsRequest& request) {
  domain::Violations violations;
  storage::CrossSellMetricsQuery query{
      .segment_id = OptionalId(violations, "segment_id", request.segment_id()),
      .product_id = OptionalId(violations, "product_id", request.product_id()),
      .interval = kDefaultWalletInterval};
  const auto start =
      CheckRequiredTime(violations, "start_time", request.has_start_time(), request.start_time());
  const auto end =
      CheckRequiredTime(violations, "end_time", request.has_end_time(), request.end_time());
  if (request.has_interval()) {
    if (auto interval = CheckDuration(violations, "interval", request.interval(),
                                      std::chrono::seconds(1), domain::kMaxPolicyWindow)) {
      query.interval = *interval;
    }
  }
  if (start && end) {
    if (*start >= *end) {
      violations.Add("end_time", "must be after start_time");
    } else {
      query.start = *start;
      query.end = *end;
      const auto points = (*end - *start) / query.interval + 1;
      if (points > kMaxWalletPoints) {
        violations.Add("interval", "gives more than " + std::to_string(kMaxWalletPoints) +
                                       " samples over the period");
      }
      query.points = static_cast<int>(std::min<std::int64_t>(points, kMaxWalletPoints));
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

}  // namespace lifecycle::api
