// CrossSellService: the adoption model, readiness and the next best
// products, ready-customer lists, offers and metrics.

#include "server/api/cross_sell_service.h"

#include "server/api/converters.h"
#include "server/api/cross_sell_flows.h"
#include "server/api/cross_sell_proto.h"
#include "server/api/cross_sell_requests.h"
#include "server/api/page_token.h"
#include "server/api/retention_converters.h"
#include "server/domain/error.h"
#include "storage/adoption_model_store.h"
#include "storage/cross_sell_metrics_store.h"
#include "storage/cross_sell_policy_store.h"
#include "storage/lifecycle_store.h"
#include "storage/offer_store.h"
#include "storage/readiness_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

v1::CrossSellReadiness ToProto(const ReadinessView& view) {
  v1::CrossSellReadiness out;
  out.set_customer_id(view.customer_id);
  out.set_readiness(static_cast<v1::Readiness>(view.decision.readiness));
  for (const auto& issue : view.decision.issues) {
    auto* added = out.add_issues();
    added->set_blocker(static_cast<v1::ReadinessBlocker>(issue.blocker));
    added->set_description(issue.description);
  }
  for (const auto& reason : view.decision.reasons) out.add_reasons(reason);
  for (const auto& next : view.next_products) {
    auto* added = out.add_next_products();
    *added->mutable_product() = api::ToProto(next.product);
    auto* evidence = added->mutable_evidence();
    if (next.rule) *evidence->mutable_rule() = api::ToProto(*next.rule);
    evidence->set_ladder_step(next.ladder_step);
    evidence->set_segment_take_up_rate(next.take_up);
  }
  out.set_stage(api::ToProto(view.facts.stage));
  out.set_segment_id(view.segment_id);
  if (view.facts.band) out.set_health_band(api::ToProto(*view.facts.band));
  return out;
}

}  // namespace

grpc::ServerUnaryReactor* CrossSellService::RefreshAdoptionModel(
    grpc::CallbackServerContext* context, const v1::RefreshAdoptionModelRequest* /*request*/,
    v1::RefreshAdoptionModelResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/RefreshAdoptionModel",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto summary = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      const auto policy = storage::CrossSellPolicyStore(tx).Get(call.tenant_id());
      return storage::AdoptionModelStore(tx).Refresh(call.tenant_id(), policy.mining);
    });
    response->set_customers(summary.customers);
    response->set_rule_count(summary.rule_count);
    *response->mutable_refresh_time() = api::ToProto(summary.refresh_time);
  });
}

grpc::ServerUnaryReactor* CrossSellService::ListAdoptionRules(
    grpc::CallbackServerContext* context, const v1::ListAdoptionRulesRequest* request,
    v1::ListAdoptionRulesResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/ListAdoptionRules",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const RuleListQuery query = ValidateListAdoptionRules(*request);
    const auto [rules, summary] = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::AdoptionModelStore model(tx);
      return std::make_pair(model.Rules(call.tenant_id(), query.consequent, query.page_size),
                            model.Summary(call.tenant_id()));
    });
    for (const auto& rule : rules) *response->add_rules() = api::ToProto(rule);
    if (summary) *response->mutable_refresh_time() = api::ToProto(summary->refresh_time);
  });
}

grpc::ServerUnaryReactor* CrossSellService::GetCrossSellReadiness(
    grpc::CallbackServerContext* context, const v1::GetCrossSellReadinessRequest* request,
    v1::GetCrossSellReadinessResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/GetCrossSellReadiness",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const std::string customer_id = ValidateGetCrossSellReadiness(*request);
    const auto view = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return AssessReadiness(tx, call.tenant_id(), customer_id, std::chrono::system_clock::now());
    });
    *response->mutable_readiness() = ToProto(view);
  });
}

grpc::ServerUnaryReactor* CrossSellService::ListReadyCustomers(
    grpc::CallbackServerContext* context, const v1::ListReadyCustomersRequest* request,
    v1::ListReadyCustomersResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/ListReadyCustomers",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const ReadyListQuery query = ValidateListReadyCustomers(*request);
    auto ready = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      const auto policy = storage::CrossSellPolicyStore(tx).Get(call.tenant_id());
      return storage::ReadinessStore(tx).Ready(call.tenant_id(), query.query, policy,
                                               std::chrono::system_clock::now());
    });
    const bool more = TrimToPage(ready, query.page_size);
    for (const auto& customer : ready) *response->add_customers() = api::ToProto(customer);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {ready.back().customer_id}));
    }
  });
}

grpc::ServerUnaryReactor* CrossSellService::CreateOffer(grpc::CallbackServerContext* context,
                                                        const v1::CreateOfferRequest* request,
                                                        v1::CreateOfferResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/CreateOffer",
                                Permission::kMoveCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    domain::Offer offer = ValidateCreateOffer(*request);
    offer.created_by = call.principal().key_id;
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_offer() = api::ToProto(MakeOffer(tx, call.tenant_id(), offer));
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::RecordOfferOutcome(
    grpc::CallbackServerContext* context, const v1::RecordOfferOutcomeRequest* request,
    v1::RecordOfferOutcomeResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/RecordOfferOutcome",
                                Permission::kMoveCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::OfferOutcome outcome = ValidateRecordOfferOutcome(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      const OfferResolution resolution =
          ResolveOffer(tx, call.tenant_id(), outcome, call.principal());
      *response->mutable_offer() = api::ToProto(resolution.offer);
      if (resolution.moved) {
        *response->mutable_transition() = api::ToProto(resolution.moved->transition);
      }
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::ListOffers(grpc::CallbackServerContext* context,
                                                       const v1::ListOffersRequest* request,
                                                       v1::ListOffersResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/ListOffers",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const OfferListQuery query = ValidateListOffers(*request);
    auto offers = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      if (!storage::LifecycleStore(tx).CustomerExists(call.tenant_id(), query.customer_id)) {
        throw domain::Error::NotFound("customer '" + query.customer_id + "'");
      }
      return storage::OfferStore(tx).List(call.tenant_id(), query.customer_id, query.before,
                                          query.page_size + 1);
    });
    const bool more = TrimToPage(offers, query.page_size);
    for (const auto& offer : offers) *response->add_offers() = api::ToProto(offer);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {std::to_string(offers.back().offer_id)}));
    }
  });
}

grpc::ServerUnaryReactor* CrossSellService::GetCrossSellMetrics(
    grpc::CallbackServerContext* context, const v1::GetCrossSellMetricsRequest* request,
    v1::GetCrossSellMetricsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/GetCrossSellMetrics",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const storage::CrossSellMetricsQuery query = ValidateGetCrossSellMetrics(*request);
    // Both reads share one snapshot, so the numbers agree.
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::CrossSellMetricsStore store(tx);
      *response->mutable_metrics() = api::ToProto(store.Offers(call.tenant_id(), query),
                                                  store.Wallet(call.tenant_id(), query));
    });
  });
}

}  // namespace lifecycle::api
