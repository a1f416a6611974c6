#include "server/gateway/connect_handler.h"

#include <memory>

#include "server/gateway/connect_code.h"
#include "server/gateway/connect_envelope.h"
#include "server/gateway/connect_error.h"
#include "server/gateway/http_metadata.h"

namespace lifecycle::gateway {
namespace {

constexpr int kUnsupportedMediaType = 415;
constexpr int kNotFound = 404;

grpc::Status Invalid(const std::string& message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, message};
}

std::string ContentTypeAdvice(const google::protobuf::MethodDescriptor& method) {
  return method.server_streaming()
             ? method.full_name() +
                   " is server-streaming: send Content-Type application/connect+json or "
                   "application/connect+proto"
             : method.full_name() +
                   " is unary: send Content-Type application/json or application/proto";
}

}  // namespace

void ReplyError(httplib::Response& response, int http_status, const grpc::Status& status) {
  response.status = http_status;
  response.set_content(ConnectErrorJson(status), "application/json");
}

void ReplyError(httplib::Response& response, const grpc::Status& status) {
  ReplyError(response, ToConnectCode(status.error_code()).http_status, status);
}

ConnectHandler::ConnectHandler(const MethodTable& methods, InProcessCaller& caller)
    : methods_(methods), caller_(caller) {}

void ConnectHandler::Handle(const httplib::Request& request, httplib::Response& response) const {
  const auto* method = methods_.Find(request.path);
  if (method == nullptr) {
    // Connect servers answer unknown procedures with 404 / unimplemented.
    ReplyError(response, kNotFound,
               {grpc::StatusCode::UNIMPLEMENTED, "no method " + request.path + " on this server"});
    return;
  }
  if (method->client_streaming()) {
    ReplyError(response, {grpc::StatusCode::UNIMPLEMENTED,
                          method->full_name() + " streams requests: call it over gRPC"});
    return;
  }
  const auto type = ParseContentType(request.get_header_value("Content-Type"));
  if (!type || type->streaming != method->server_streaming()) {
    ReplyError(response, kUnsupportedMediaType, Invalid(ContentTypeAdvice(*method)));
    return;
  }
  if (request.has_header("Connect-Protocol-Version") &&
      request.get_header_value("Connect-Protocol-Version") != "1") {
    ReplyError(response, Invalid("Connect-Protocol-Version must be 1"));
    return;
  }
  grpc::Status error;
  OutgoingCall call{.method = request.path,
                    .metadata = MetadataFromHeaders(request.headers),
                    .timeout = ParseTimeout(request, &error)};
  if (!error.ok()) {
    ReplyError(response, error);
    return;
  }
  if (type->streaming) {
    ServeStream(*method, *type, std::move(call), request, response);
  } else {
    ServeUnary(*method, *type, call, request, response);
  }
}

void ConnectHandler::ServeUnary(const google::protobuf::MethodDescriptor& method, ContentType type,
                                const OutgoingCall& call, const httplib::Request& request,
                                httplib::Response& response) const {
  std::string wire_request;
  if (auto decoded = DecodeMessage(type.codec, *method.input_type(), request.body, &wire_request);
      !decoded.ok()) {
    ReplyError(response, decoded);
    return;
  }
  std::string wire_response;
  const CallOutcome outcome = caller_.Call(call, wire_request, [&](std::string message) {
    wire_response = std::move(message);
    return true;
  });
  AddResponseMetadata(outcome, response);
  if (!outcome.status.ok()) {
    ReplyError(response, outcome.status);
    return;
  }
  std::string body;
  if (auto encoded = EncodeMessage(type.codec, *method.output_type(), wire_response, &body);
      !encoded.ok()) {
    ReplyError(response, encoded);
    return;
  }
  response.set_content(body, ContentTypeName(type));
}

// Connect streaming: HTTP 200 once the request is accepted, then one
// envelope per message and an end-of-stream envelope carrying the status.
// Errors found before the call starts travel the same way, as Connect
// clients expect.
void ConnectHandler::ServeStream(const google::protobuf::MethodDescriptor& method, ContentType type,
                                 OutgoingCall call, const httplib::Request& request,
                                 httplib::Response& response) const {
  std::string wire_request;
  grpc::Status refused = [&] {
    std::string payload;
    grpc::Status status = ReadSingleEnvelope(request.body, &payload);
    if (!status.ok()) return status;
    return DecodeMessage(type.codec, *method.input_type(), payload, &wire_request);
  }();
  const auto* output_type = method.output_type();
  response.status = 200;
  response.set_chunked_content_provider(
      ContentTypeName(type),
      [this, type, output_type, call = std::move(call), wire_request = std::move(wire_request),
       refused = std::move(refused)](std::size_t, httplib::DataSink& sink) {
        CallOutcome outcome;
        outcome.status = refused;
        if (refused.ok()) {
          outcome = caller_.Call(call, wire_request, [&](std::string message) {
            std::string body;
            if (!EncodeMessage(type.codec, *output_type, message, &body).ok()) return false;
            const std::string frame = Envelope(0, body);
            return sink.write(frame.data(), frame.size());  // false: the client left
          });
        }
        const std::string end =
            Envelope(kEndStreamFlag, EndStreamJson(outcome.status, outcome.trailers));
        sink.write(end.data(), end.size());
        sink.done();
        return true;
      });
}

}  // namespace lifecycle::gateway
