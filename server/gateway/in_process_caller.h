#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace lifecycle::gateway {

using Metadata = std::multimap<std::string, std::string>;

struct OutgoingCall {
  std::string method;  // "/lifecycle.v1.CustomerService/GetCustomer"
  Metadata metadata;   // authorization and the caller's other headers
  std::optional<std::chrono::milliseconds> timeout;
};

struct CallOutcome {
  grpc::Status status;
  Metadata headers;   // the server's initial metadata
  Metadata trailers;  // its trailing metadata (grpc-* left out)
};

// Calls the server's own gRPC stack through its in-process channel with
// serialized messages, so every call from the browser passes the same
// authentication, validation, limits and interceptors as a gRPC client's,
// and a new RPC needs no gateway code. Blocking: one HTTP worker thread per
// call. Thread-safe.
class InProcessCaller {
 public:
  explicit InProcessCaller(std::shared_ptr<grpc::Channel> channel);

  // Sends `request` (serialized protobuf) and hands each response message to
  // `on_response`, which returns false to cancel the call (the HTTP client
  // went away). Works for unary and server-streaming methods alike.
  CallOutcome Call(const OutgoingCall& call, const std::string& request,
                   const std::function<bool(std::string)>& on_response);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

}  // namespace lifecycle::gateway
