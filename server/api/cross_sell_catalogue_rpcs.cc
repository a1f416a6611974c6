// CrossSellService: the product catalogue, segments' ladders, customers'
// holdings and the tenant's cross-sell policy.

#include "server/api/converters.h"
#include "server/api/cross_sell_proto.h"
#include "server/api/cross_sell_requests.h"
#include "server/api/cross_sell_service.h"
#include "server/api/page_token.h"
#include "server/domain/error.h"
#include "storage/cross_sell_policy_store.h"
#include "storage/holding_store.h"
#include "storage/lifecycle_store.h"
#include "storage/product_store.h"

namespace lifecycle::api {

using domain::Permission;

grpc::ServerUnaryReactor* CrossSellService::CreateProduct(grpc::CallbackServerContext* context,
                                                          const v1::CreateProductRequest* request,
                                                          v1::CreateProductResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/CreateProduct",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::Product product = ValidateCreateProduct(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_product() =
          ToProto(storage::ProductStore(tx).Create(call.tenant_id(), product));
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::UpdateProduct(grpc::CallbackServerContext* context,
                                                          const v1::UpdateProductRequest* request,
                                                          v1::UpdateProductResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/UpdateProduct",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const storage::ProductChange change = ValidateUpdateProduct(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_product() =
          ToProto(storage::ProductStore(tx).Update(call.tenant_id(), change));
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::ListProducts(grpc::CallbackServerContext* context,
                                                         const v1::ListProductsRequest* request,
                                                         v1::ListProductsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/ListProducts",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const ProductListQuery query = ValidateListProducts(*request);
    auto products = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::ProductStore(tx).List(call.tenant_id(), query.after, query.page_size + 1);
    });
    const bool more = TrimToPage(products, query.page_size);
    for (const auto& product : products) *response->add_products() = ToProto(product);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {products.back().product_id}));
    }
  });
}

grpc::ServerUnaryReactor* CrossSellService::SetProductLadder(
    grpc::CallbackServerContext* context, const v1::SetProductLadderRequest* request,
    v1::SetProductLadderResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/SetProductLadder",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::ProductLadder ladder = ValidateSetProductLadder(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::ProductStore store(tx);
      store.SetLadder(call.tenant_id(), ladder);
      *response->mutable_ladder() = ToProto(store.GetLadder(call.tenant_id(), ladder.segment_id));
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::GetProductLadder(
    grpc::CallbackServerContext* context, const v1::GetProductLadderRequest* request,
    v1::GetProductLadderResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/GetProductLadder",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const std::string segment_id = ValidateGetProductLadder(*request);
    const auto ladder = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return storage::ProductStore(tx).GetLadder(call.tenant_id(), segment_id);
    });
    *response->mutable_ladder() = ToProto(ladder);
  });
}

grpc::ServerUnaryReactor* CrossSellService::AddHolding(grpc::CallbackServerContext* context,
                                                       const v1::AddHoldingRequest* request,
                                                       v1::AddHoldingResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/AddHolding",
                                Permission::kWriteCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const CustomerProduct target = ValidateAddHolding(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_holding() = ToProto(storage::HoldingStore(tx).Add(
          call.tenant_id(), target.customer_id, target.product_id, domain::HoldingSource::kManual,
          std::chrono::system_clock::now()));
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::RemoveHolding(grpc::CallbackServerContext* context,
                                                          const v1::RemoveHoldingRequest* request,
                                                          v1::RemoveHoldingResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/RemoveHolding",
                                Permission::kWriteCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const CustomerProduct target = ValidateRemoveHolding(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::HoldingStore(tx).Remove(call.tenant_id(), target.customer_id, target.product_id);
    });
  });
}

grpc::ServerUnaryReactor* CrossSellService::ListHoldings(grpc::CallbackServerContext* context,
                                                         const v1::ListHoldingsRequest* request,
                                                         v1::ListHoldingsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/ListHoldings",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const std::string customer_id = ValidateListHoldings(*request);
    const auto holdings = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      if (!storage::LifecycleStore(tx).CustomerExists(call.tenant_id(), customer_id)) {
        throw domain::Error::NotFound("customer '" + customer_id + "'");
      }
      return storage::HoldingStore(tx).List(call.tenant_id(), customer_id);
    });
    for (const auto& holding : holdings) *response->add_holdings() = ToProto(holding);
  });
}

grpc::ServerUnaryReactor* CrossSellService::GetCrossSellPolicy(
    grpc::CallbackServerContext* context, const v1::GetCrossSellPolicyRequest* /*request*/,
    v1::GetCrossSellPolicyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/GetCrossSellPolicy",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto policy = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::CrossSellPolicyStore(tx).Get(call.tenant_id());
    });
    *response->mutable_policy() = ToProto(policy);
  });
}

grpc::ServerUnaryReactor* CrossSellService::UpdateCrossSellPolicy(
    grpc::CallbackServerContext* context, const v1::UpdateCrossSellPolicyRequest* request,
    v1::UpdateCrossSellPolicyResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CrossSellService/UpdateCrossSellPolicy",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const PolicyUpdate update = ValidateUpdateCrossSellPolicy(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_policy() = ToProto(storage::CrossSellPolicyStore(tx).Put(
          call.tenant_id(), update.policy, update.expected_version));
    });
  });
}

}  // namespace lifecycle::api
