#pragma once

// Conversions between CrossSellService messages and domain/storage types.

#include <vector>

#include "lifecycle/v1/cross_sell.pb.h"
#include "server/domain/adoption_rules.h"
#include "server/domain/cross_sell_policy.h"
#include "server/domain/offer.h"
#include "server/domain/product.h"
#include "storage/adoption_model_store.h"
#include "storage/cross_sell_metrics_store.h"
#include "storage/readiness_store.h"

namespace lifecycle::api {

v1::Product ToProto(const domain::Product& product);
v1::ProductLadder ToProto(const domain::ProductLadder& ladder);
v1::Holding ToProto(const domain::Holding& holding);
v1::AdoptionRule ToProto(const domain::AdoptionRule& rule);
v1::Offer ToProto(const domain::Offer& offer);
v1::CrossSellPolicy ToProto(const domain::CrossSellPolicy& policy);
v1::ReadyCustomer ToProto(const storage::ReadyCustomer& customer);
v1::CrossSellMetrics ToProto(const std::vector<storage::OfferCounts>& offers,
                             const std::vector<storage::WalletPoint>& wallet);

}  // namespace lifecycle::api
