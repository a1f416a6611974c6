#pragma once

#include "lifecycle/v1/cross_sell.grpc.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

// The catalogue, ladders, holdings and policy (cross_sell_catalogue_rpcs.cc)
// and the model, readiness, offers and metrics (cross_sell_service.cc).
class CrossSellService final : public v1::CrossSellService::CallbackService {
 public:
  explicit CrossSellService(CallRunner& calls) : calls_(calls) {}

  grpc::ServerUnaryReactor* CreateProduct(grpc::CallbackServerContext* context,
                                          const v1::CreateProductRequest* request,
                                          v1::CreateProductResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProduct(grpc::CallbackServerContext* context,
                                          const v1::UpdateProductRequest* request,
                                          v1::UpdateProductResponse* response) override;
  grpc::ServerUnaryReactor* ListProducts(grpc::CallbackServerContext* context,
                                         const v1::ListProductsRequest* request,
                                         v1::ListProductsResponse* response) override;
  grpc::ServerUnaryReactor* SetProductLadder(grpc::CallbackServerContext* context,
                                             const v1::SetProductLadderRequest* request,
                                             v1::SetProductLadderResponse* response) override;
  grpc::ServerUnaryReactor* GetProductLadder(grpc::CallbackServerContext* context,
                                             const v1::GetProductLadderRequest* request,
                                             v1::GetProductLadderResponse* response) override;
  grpc::ServerUnaryReactor* AddHolding(grpc::CallbackServerContext* context,
                                       const v1::AddHoldingRequest* request,
                                       v1::AddHoldingResponse* response) override;
  grpc::ServerUnaryReactor* RemoveHolding(grpc::CallbackServerContext* context,
                                          const v1::RemoveHoldingRequest* request,
                                          v1::RemoveHoldingResponse* response) override;
  grpc::ServerUnaryReactor* ListHoldings(grpc::CallbackServerContext* context,
                                         const v1::ListHoldingsRequest* request,
                                         v1::ListHoldingsResponse* response) override;
  grpc::ServerUnaryReactor* RefreshAdoptionModel(
      grpc::CallbackServerContext* context, const v1::RefreshAdoptionModelRequest* request,
      v1::RefreshAdoptionModelResponse* response) override;
  grpc::ServerUnaryReactor* ListAdoptionRules(grpc::CallbackServerContext* context,
                                              const v1::ListAdoptionRulesRequest* request,
                                              v1::ListAdoptionRulesResponse* response) override;
  grpc::ServerUnaryReactor* GetCrossSellReadiness(
      grpc::CallbackServerContext* context, const v1::GetCrossSellReadinessRequest* request,
      v1::GetCrossSellReadinessResponse* response) override;
  grpc::ServerUnaryReactor* ListReadyCustomers(grpc::CallbackServerContext* context,
                                               const v1::ListReadyCustomersRequest* request,
                                               v1::ListReadyCustomersResponse* response) override;
  grpc::ServerUnaryReactor* CreateOffer(grpc::CallbackServerContext* context,
                                        const v1::CreateOfferRequest* request,
                                        v1::CreateOfferResponse* response) override;
  grpc::ServerUnaryReactor* RecordOfferOutcome(grpc::CallbackServerContext* context,
                                               const v1::RecordOfferOutcomeRequest* request,
                                               v1::RecordOfferOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* ListOffers(grpc::CallbackServerContext* context,
                                       const v1::ListOffersRequest* request,
                                       v1::ListOffersResponse* response) override;
  grpc::ServerUnaryReactor* GetCrossSellPolicy(grpc::CallbackServerContext* context,
                                               const v1::GetCrossSellPolicyRequest* request,
                                               v1::GetCrossSellPolicyResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCrossSellPolicy(
      grpc::CallbackServerContext* context, const v1::UpdateCrossSellPolicyRequest* request,
      v1::UpdateCrossSellPolicyResponse* response) override;
  grpc::ServerUnaryReactor* GetCrossSellMetrics(grpc::CallbackServerContext* context,
                                                const v1::GetCrossSellMetricsRequest* request,
                                                v1::GetCrossSellMetricsResponse* response) override;

 private:
  CallRunner& calls_;
};

}  // namespace lifecycle::api
