#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace lifecycle::testing {

// Every RPC of every lifecycle.v1 service compiled into this binary, found
// in the generated descriptors (so a new RPC is picked up without a test
// change). Fails the current test if a .proto under proto/lifecycle/v1 is
// not linked in.
std::vector<const google::protobuf::MethodDescriptor*> LifecycleMethods();

// "/lifecycle.v1.CustomerService/GetCustomer"
std::string FullMethodName(const google::protobuf::MethodDescriptor& method);

// Calls any method with raw request bytes, unary or server streaming, the
// way a client that has no generated stub would (grpc::GenericStub).
class GenericClient {
 public:
  GenericClient(std::shared_ptr<grpc::Channel> channel, std::string api_key);

  struct Reply {
    grpc::Status status;
    std::vector<std::string> messages;  // serialized responses, in order
  };

  // A stream is read until it ends, `max_messages` arrive (then cancelled)
  // or `timeout` passes.
  Reply CallBytes(const google::protobuf::MethodDescriptor& method, const std::string& request,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10),
                  std::size_t max_messages = 10);
  // The request as proto JSON (fails the test if it does not parse);
  // `response_json` gets every response message as JSON, one per line.
  grpc::Status CallJson(const google::protobuf::MethodDescriptor& method,
                        const std::string& request_json, std::string* response_json = nullptr,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string api_key_;
};

// A fresh message of `type` from the generated factory.
std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type);

}  // namespace lifecycle::testing
