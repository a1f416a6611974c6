#include "server/gateway/in_process_caller.h"

#include <vector>

namespace lifecycle::gateway {
namespace {

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

Metadata Copy(const std::multimap<grpc::string_ref, grpc::string_ref>& from) {
  Metadata out;
  for (const auto& [key, value] : from) {
    std::string name(key.data(), key.size());
    if (name.starts_with("grpc-")) continue;  // transport details, not the caller's business
    out.emplace(std::move(name), std::string(value.data(), value.size()));
  }
  return out;
}

// Drives one asynchronous operation at a time on a private completion queue,
// which turns the generic (streaming) call into straight-line blocking code.
class Steps {
 public:
  template <typename Start>
  bool Run(Start start) {
    start(this);
    void* tag = nullptr;
    bool ok = false;
    return queue_.Next(&tag, &ok) && ok;
  }
  grpc::CompletionQueue* queue() { return &queue_; }
  ~Steps() {
    queue_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  }

 private:
  grpc::CompletionQueue queue_;
};

}  // namespace

InProcessCaller::InProcessCaller(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(channel_) {}

CallOutcome InProcessCaller::Call(const OutgoingCall& call, const std::string& request,
                                  const std::function<bool(std::string)>& on_response) {
  grpc::ClientContext context;
  for (const auto& [key, value] : call.metadata) context.AddMetadata(key, value);
  if (call.timeout) context.set_deadline(std::chrono::system_clock::now() + *call.timeout);

  CallOutcome outcome;
  {
    Steps steps;
    auto stream = stub_.PrepareCall(&context, call.method, steps.queue());
    const grpc::ByteBuffer request_buffer = ToByteBuffer(request);
    bool ok = steps.Run([&](void* tag) { stream->StartCall(tag); }) &&
              steps.Run([&](void* tag) { stream->Write(request_buffer, tag); }) &&
              steps.Run([&](void* tag) { stream->WritesDone(tag); });
    while (ok) {
      grpc::ByteBuffer response;
      if (!steps.Run([&](void* tag) { stream->Read(&response, tag); })) break;
      if (!on_response(ToString(response))) {
        context.TryCancel();
        break;
      }
    }
    steps.Run([&](void* tag) { stream->Finish(&outcome.status, tag); });
  }
  outcome.headers = Copy(context.GetServerInitialMetadata());
  outcome.trailers = Copy(context.GetServerTrailingMetadata());
  return outcome;
}

}  // namespace lifecycle::gateway
