#pragma once

#include <grpcpp/support/server_interceptor.h>

namespace lifecycle::api {

// gRPC answers a request body that does not parse as the method's message
// with UNIMPLEMENTED and no message, before any handler runs. That is bad
// input, so this interceptor turns it into INVALID_ARGUMENT saying so.
class MalformedRequestInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace lifecycle::api
