#include "server/api/cross_sell_flows.h"

#include <algorithm>

#include "server/domain/error.h"
#include "server/domain/stage_transition.h"
#include "storage/adoption_model_store.h"
#include "storage/cross_sell_policy_store.h"
#include "storage/holding_store.h"
#include "storage/offer_store.h"
#include "storage/product_store.h"
#include "storage/readiness_store.h"

namespace lifecycle::api {
namespace {

domain::Error Refused(std::string reason, std::string message,
                      std::map<std::string, std::string> metadata) {
  return domain::Error::FailedPrecondition(std::move(reason), std::move(message),
                                           std::move(metadata));
}

// The whole catalogue: ranking skips retired products itself.
std::vector<domain::Product> Catalogue(storage::Transaction& tx, const std::string& tenant_id) {
  constexpr int kBatch = 1000;
  std::vector<domain::Product> all;
  std::optional<std::string> after;
  while (true) {
    auto page = storage::ProductStore(tx).List(tenant_id, after, kBatch);
    const bool full = static_cast<int>(page.size()) == kBatch;
    for (auto& product : page) all.push_back(std::move(product));
    if (!full) return all;
    after = all.back().product_id;
  }
}

}  // namespace

domain::Offer MakeOffer(storage::Transaction& tx, const std::string& tenant_id,
                        domain::Offer offer) {
  const domain::StageSnapshot customer =
      storage::LifecycleStore(tx).Lock(tenant_id, offer.customer_id);
  const auto product = storage::ProductStore(tx).Get(tenant_id, offer.product_id);
  if (!product) throw domain::Error::NotFound("product '" + offer.product_id + "'");
  const std::map<std::string, std::string> about{{"customer_id", offer.customer_id},
                                                 {"product_id", offer.product_id}};
  if (product->status != domain::ProductStatus::kActive) {
    throw Refused("PRODUCT_RETIRED", "product '" + offer.product_id + "' is retired", about);
  }
  const auto held = storage::HoldingStore(tx).Held(tenant_id, offer.customer_id);
  if (std::binary_search(held.begin(), held.end(), offer.product_id)) {
    throw Refused("PRODUCT_HELD", "customer already holds product '" + offer.product_id + "'",
                  about);
  }
  if (auto open = storage::OfferStore(tx).Open(tenant_id, offer.customer_id)) {
    auto metadata = about;
    metadata["open_offer_id"] = std::to_string(open->offer_id);
    throw Refused("OFFER_OPEN",
                  "customer has an open offer (" + std::to_string(open->offer_id) + ")", metadata);
  }
  offer.segment_id = customer.segment_id;
  return storage::OfferStore(tx).Create(tenant_id, offer);
}

OfferResolution ResolveOffer(storage::Transaction& tx, const std::string& tenant_id,
                             const domain::OfferOutcome& outcome, const domain::Principal& caller) {
  storage::OfferStore offers(tx);
  const std::string customer_id = offers.Get(tenant_id, outcome.offer_id).customer_id;
  // Customer first, then the offer again: every path that decides about a
  // customer's offers holds the customer's lock, so they go one at a time.
  const domain::StageSnapshot customer = storage::LifecycleStore(tx).Lock(tenant_id, customer_id);
  const domain::Offer offer = offers.Lock(tenant_id, outcome.offer_id);
  if (offer.status != domain::OfferStatus::kOpen) {
    throw Refused("OFFER_NOT_OPEN",
                  "offer " + std::to_string(offer.offer_id) + " is already " +
                      std::string(domain::OfferStatusName(offer.status)),
                  {{"offer_id", std::to_string(offer.offer_id)},
                   {"status", std::string(domain::OfferStatusName(offer.status))}});
  }
  OfferResolution resolution{.offer = offers.Resolve(tenant_id, outcome)};
  if (outcome.status != domain::OfferStatus::kAccepted) return resolution;

  storage::HoldingStore(tx).Add(tenant_id, customer_id, offer.product_id,
                                domain::HoldingSource::kOffer, *resolution.offer.resolve_time);
  if (customer.stage != domain::Stage::kRetained) return resolution;
  domain::TransitionCommand move;
  move.customer_id = customer_id;
  move.to = domain::Stage::kExtended;
  move.trigger = domain::Trigger::kOfferAccepted;
  move.actor = caller.key_id;
  move.actor_role = caller.role;
  move.reason = "accepted offer " + std::to_string(offer.offer_id) + " of " + offer.product_id;
  move.request_id = outcome.request_id;
  // ApplyMany refuses without throwing: an acceptance that does not meet
  // the guard is still recorded.
  auto applied = storage::LifecycleStore(tx).ApplyMany(tenant_id, {move}).applied;
  if (!applied.empty()) resolution.moved = std::move(applied.front());
  return resolution;
}

ReadinessView AssessReadiness(storage::Transaction& tx, const std::string& tenant_id,
                              const std::string& customer_id, domain::Timestamp now) {
  const domain::CrossSellPolicy policy = storage::CrossSellPolicyStore(tx).Get(tenant_id);
  auto row = storage::ReadinessStore(tx).Load(tenant_id, customer_id, policy, now);
  if (!row) throw domain::Error::NotFound("customer '" + customer_id + "'");

  storage::AdoptionModelStore model(tx);
  domain::CandidateInputs inputs{.stage = row->facts.stage,
                                 .held = storage::HoldingStore(tx).Held(tenant_id, customer_id),
                                 .catalogue = Catalogue(tx, tenant_id)};
  inputs.rules = model.RulesHeld(tenant_id, inputs.held);
  inputs.take_up = model.TakeUp(tenant_id, row->segment_id);
  if (!row->segment_id.empty()) {
    inputs.ladder = storage::ProductStore(tx).GetLadder(tenant_id, row->segment_id);
  }

  ReadinessView view{.customer_id = customer_id,
                     .segment_id = row->segment_id,
                     .facts = row->facts,
                     .next_products = domain::RankNextProducts(inputs)};
  view.facts.candidate_count = static_cast<int>(view.next_products.size());
  view.decision = domain::DecideReadiness(view.facts, policy, now);
  return view;
}

}  // namespace lifecycle::api
