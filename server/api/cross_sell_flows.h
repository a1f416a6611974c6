#pragma once

// The CrossSellService operations that span several stores, each in the
// caller's transaction.

#include <optional>
#include <string>
#include <vector>

#include "server/domain/cross_sell_readiness.h"
#include "server/domain/next_best_product.h"
#include "server/domain/offer.h"
#include "server/domain/role.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::storage {
class Transaction;
}

namespace lifecycle::api {

// Makes an OPEN offer, with the customer's row locked. FAILED_PRECONDITION
// when the product is retired (PRODUCT_RETIRED) or held (PRODUCT_HELD), or
// the customer has an open offer (OFFER_OPEN); NOT_FOUND for an unknown
// customer or product.
domain::Offer MakeOffer(storage::Transaction& tx, const std::string& tenant_id,
                        domain::Offer offer);

struct OfferResolution {
  domain::Offer offer;
  std::optional<storage::TransitionOutcome> moved;  // to EXTENDED
};

// Closes an open offer (FAILED_PRECONDITION OFFER_NOT_OPEN otherwise), with
// the customer's row locked. ACCEPTED adds the holding and, for a RETAINED
// customer, asks the lifecycle to move them to EXTENDED (trigger
// OFFER_ACCEPTED, by the caller): the guard wants a second product held, so
// a first product accepted is recorded without a move.
OfferResolution ResolveOffer(storage::Transaction& tx, const std::string& tenant_id,
                             const domain::OfferOutcome& outcome, const domain::Principal& caller);

struct ReadinessView {
  std::string customer_id;
  std::string segment_id;
  domain::ReadinessFacts facts;
  domain::ReadinessDecision decision;
  std::vector<domain::NextProduct> next_products;
};

// Readiness and the next best products of one customer, from one snapshot.
// NOT_FOUND for an unknown customer.
ReadinessView AssessReadiness(storage::Transaction& tx, const std::string& tenant_id,
                              const std::string& customer_id, domain::Timestamp now);

}  // namespace lifecycle::api
