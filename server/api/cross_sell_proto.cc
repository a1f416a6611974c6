#include "server/api/cross_sell_proto.h"

#include "server/api/converters.h"
#include "server/domain/follow_up.h"

namespace lifecycle::api {
namespace {

void Fill(const storage::OfferCounts& counts, v1::OfferMetrics& out) {
  out.set_segment_id(counts.segment_id);
  out.set_product_id(counts.product_id);
  out.set_offers_made(counts.made);
  out.set_accepted(counts.accepted);
  out.set_declined(counts.declined);
  out.set_expired(counts.expired);
  out.set_conversion_rate(domain::Share(counts.accepted, counts.made));
  out.set_revenue(counts.revenue);
}

}  // namespace

v1::Product ToProto(const domain::Product& product) {
  v1::Product out;
  out.set_product_id(product.product_id);
  out.set_display_name(product.display_name);
  out.set_category(product.category);
  out.set_status(static_cast<v1::ProductStatus>(product.status));
  *out.mutable_create_time() = ToProto(product.create_time);
  *out.mutable_update_time() = ToProto(product.update_time);
  return out;
}

v1::ProductLadder ToProto(const domain::ProductLadder& ladder) {
  v1::ProductLadder out;
  out.set_segment_id(ladder.segment_id);
  for (const auto& step : ladder.steps) {
    auto* added = out.add_steps();
    added->set_product_id(step.product_id);
    added->set_after_product_id(step.after_product_id);
    added->set_min_stage(ToProto(step.min_stage));
  }
  return out;
}

v1::Holding ToProto(const domain::Holding& holding) {
  v1::Holding out;
  out.set_customer_id(holding.customer_id);
  out.set_product_id(holding.product_id);
  out.set_source(static_cast<v1::HoldingSource>(holding.source));
  *out.mutable_acquire_time() = ToProto(holding.acquire_time);
  return out;
}

v1::AdoptionRule ToProto(const domain::AdoptionRule& rule) {
  v1::AdoptionRule out;
  for (const auto& id : rule.antecedent) out.add_antecedent_product_ids(id);
  out.set_consequent_product_id(rule.consequent);
  out.set_support(rule.support);
  out.set_confidence(rule.confidence);
  out.set_lift(rule.lift);
  out.set_antecedent_customers(rule.antecedent_count);
  out.set_rule_customers(rule.rule_count);
  return out;
}

v1::Offer ToProto(const domain::Offer& offer) {
  v1::Offer out;
  out.set_offer_id(offer.offer_id);
  out.set_customer_id(offer.customer_id);
  out.set_product_id(offer.product_id);
  out.set_channel(static_cast<v1::Channel>(offer.channel));
  out.set_segment_id(offer.segment_id);
  out.set_status(static_cast<v1::OfferStatus>(offer.status));
  out.set_revenue(offer.revenue);
  *out.mutable_create_time() = ToProto(offer.create_time);
  if (offer.resolve_time) *out.mutable_resolve_time() = ToProto(*offer.resolve_time);
  out.set_created_by(offer.created_by);
  return out;
}

v1::CrossSellPolicy ToProto(const domain::CrossSellPolicy& policy) {
  v1::CrossSellPolicy out;
  out.set_min_repeat_purchases(policy.min_repeat_purchases);
  *out.mutable_repeat_window() = ToProtoDuration(policy.repeat_window);
  *out.mutable_cool_down() = ToProtoDuration(policy.cool_down);
  out.set_min_support(policy.mining.min_support);
  out.set_min_confidence(policy.mining.min_confidence);
  out.set_version(policy.version);
  return out;
}

v1::ReadyCustomer ToProto(const storage::ReadyCustomer& customer) {
  v1::ReadyCustomer out;
  out.set_customer_id(customer.customer_id);
  out.set_segment_id(customer.segment_id);
  out.set_stage(ToProto(customer.stage));
  return out;
}

v1::CrossSellMetrics ToProto(const std::vector<storage::OfferCounts>& offers,
                             const std::vector<storage::WalletPoint>& wallet) {
  v1::CrossSellMetrics out;
  storage::OfferCounts total;
  for (const auto& counts : offers) {
    Fill(counts, *out.add_offers());
    total.made += counts.made;
    total.accepted += counts.accepted;
    total.declined += counts.declined;
    total.expired += counts.expired;
    total.revenue += counts.revenue;
  }
  Fill(total, *out.mutable_total());
  for (const auto& point : wallet) {
    auto* share = out.add_share_of_wallet();
    *share->mutable_time() = ToProto(point.time);
    share->set_customers(point.customers);
    share->set_products_held(point.products_held);
    share->set_products_per_customer(domain::Share(point.products_held, point.customers));
  }
  return out;
}

}  // namespace lifecycle::api
