#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

namespace lifecycle::gateway {

// A gRPC status code as the Connect protocol names it on the wire, with the
// HTTP status a unary Connect response carries for it.
struct ConnectCode {
  std::string_view name;  // "not_found"
  int http_status;        // 404
};

// The table from the Connect protocol specification ("Error Codes").
// OK maps to {"ok", 200}; it never appears in an error body.
ConnectCode ToConnectCode(grpc::StatusCode code);

}  // namespace lifecycle::gateway
