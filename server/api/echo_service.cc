#include "server/api/echo_service.h"

namespace lifecycle::api {

grpc::ServerUnaryReactor* EchoService::Echo(grpc::CallbackServerContext* context,
                                            const bench::v1::EchoRequest* request,
                                            bench::v1::EchoResponse* response) {
  response->set_payload(request->payload());
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace lifecycle::api
