#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace lifecycle::bench {

// One call in flight on a worker's CompletionQueue. Its address is the
// completion tag, so the worker gets it back when the call ends.
class PendingCall {
 public:
  virtual ~PendingCall() = default;

  grpc::ClientContext context;
  grpc::Status status;
  std::chrono::steady_clock::time_point start;
  // Runs on the worker thread when the call ends (e.g. to advance a
  // customer's known stage); optional.
  std::function<void(const grpc::Status&)> on_done;
};

template <class Response>
class UnaryCall final : public PendingCall {
 public:
  Response response;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
};

// Starts a unary call: `prepare(context, cq)` is the stub's PrepareAsyncX
// bound to its request. The request is copied by gRPC at StartCall, so it
// may die with the caller's frame.
template <class Response, class Prepare>
std::unique_ptr<PendingCall> StartUnary(grpc::CompletionQueue& cq, const std::string& api_key,
                                        Prepare prepare,
                                        std::function<void(const grpc::Status&)> on_done = {}) {
  auto call = std::make_unique<UnaryCall<Response>>();
  if (!api_key.empty()) call->context.AddMetadata("authorization", "Bearer " + api_key);
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  call->on_done = std::move(on_done);
  call->start = std::chrono::steady_clock::now();
  call->reader = prepare(&call->context, &cq);
  call->reader->StartCall();
  call->reader->Finish(&call->response, &call->status, call.get());
  return call;
}

}  // namespace lifecycle::bench
