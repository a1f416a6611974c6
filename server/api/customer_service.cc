#include "server/api/customer_service.h"

#include "server/api/converters.h"
#include "server/api/customer_requests.h"
#include "server/api/page_token.h"
#include "server/api/segment_placement.h"
#include "server/domain/error.h"
#include "storage/customer_erasure.h"
#include "storage/customer_store.h"

namespace lifecycle::api {

using domain::Permission;

grpc::ServerUnaryReactor* CustomerService::CreateCustomer(grpc::CallbackServerContext* context,
                                                          const v1::CreateCustomerRequest* request,
                                                          v1::CreateCustomerResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CustomerService/CreateCustomer",
                                Permission::kWriteCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto command = ValidateCreateCustomer(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::CustomerStore customers(tx);
      customers.Create(call.tenant_id(), command.customer_id, command.attributes_json);
      PlaceCustomer(tx, call.tenant_id(), command.customer_id, request->request_id());
      *response->mutable_customer() =
          ToProto(*customers.Get(call.tenant_id(), command.customer_id));
    });
  });
}

grpc::ServerUnaryReactor* CustomerService::GetCustomer(grpc::CallbackServerContext* context,
                                                       const v1::GetCustomerRequest* request,
                                                       v1::GetCustomerResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CustomerService/GetCustomer",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto customer_id = ValidateGetCustomer(*request);
    auto customer = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::CustomerStore(tx).Get(call.tenant_id(), customer_id);
    });
    if (!customer) throw domain::Error::NotFound("customer '" + customer_id + "'");
    *response->mutable_customer() = ToProto(*customer);
  });
}

grpc::ServerUnaryReactor* CustomerService::UpdateCustomer(grpc::CallbackServerContext* context,
                                                          const v1::UpdateCustomerRequest* request,
                                                          v1::UpdateCustomerResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CustomerService/UpdateCustomer",
                                Permission::kWriteCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto command = ValidateUpdateCustomer(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::CustomerStore customers(tx);
      customers.UpdateAttributes(call.tenant_id(), command.customer_id, command.attributes_json,
                                 command.expected_version);
      PlaceCustomer(tx, call.tenant_id(), command.customer_id, request->request_id());
      *response->mutable_customer() =
          ToProto(*customers.Get(call.tenant_id(), command.customer_id));
    });
  });
}

grpc::ServerUnaryReactor* CustomerService::ListCustomers(grpc::CallbackServerContext* context,
                                                         const v1::ListCustomersRequest* request,
                                                         v1::ListCustomersResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CustomerService/ListCustomers",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto query = ValidateListCustomers(*request);
    auto customers = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::CustomerStore(tx).List(call.tenant_id(), query.filter, query.after,
                                             query.page_size + 1);
    });
    const bool more = TrimToPage(customers, query.page_size);
    for (const auto& customer : customers) *response->add_customers() = ToProto(customer);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {customers.back().customer_id}));
    }
  });
}

grpc::ServerUnaryReactor* CustomerService::EraseCustomer(grpc::CallbackServerContext* context,
                                                         const v1::EraseCustomerRequest* request,
                                                         v1::EraseCustomerResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.CustomerService/EraseCustomer",
                                Permission::kEraseCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const auto customer_id = ValidateEraseCustomer(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::CustomerErasureStore(tx).Erase(call.tenant_id(), customer_id,
                                              call.principal().key_id);
      *response->mutable_customer() =
          ToProto(*storage::CustomerStore(tx).Get(call.tenant_id(), customer_id));
    });
  });
}

}  // namespace lifecycle::api
