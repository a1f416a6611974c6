#pragma once

#include <httplib.h>

#include "server/gateway/in_process_caller.h"
#include "server/gateway/message_codec.h"
#include "server/gateway/method_table.h"

namespace lifecycle::gateway {

// Serves POST /<package.Service>/<Method> in the Connect protocol: unary
// calls as application/json or application/proto, server-streaming calls as
// application/connect+json or application/connect+proto envelopes. Every
// call is forwarded to the gRPC server in-process; nothing here knows any
// particular RPC.
class ConnectHandler {
 public:
  ConnectHandler(const MethodTable& methods, InProcessCaller& caller);

  void Handle(const httplib::Request& request, httplib::Response& response) const;

 private:
  void ServeUnary(const google::protobuf::MethodDescriptor& method, ContentType type,
                  const OutgoingCall& call, const httplib::Request& request,
                  httplib::Response& response) const;
  void ServeStream(const google::protobuf::MethodDescriptor& method, ContentType type,
                   OutgoingCall call, const httplib::Request& request,
                   httplib::Response& response) const;

  const MethodTable& methods_;
  InProcessCaller& caller_;
};

// A Connect error body with `http_status` (gateway refusals and failed calls).
void ReplyError(httplib::Response& response, int http_status, const grpc::Status& status);
void ReplyError(httplib::Response& response, const grpc::Status& status);

}  // namespace lifecycle::gateway
