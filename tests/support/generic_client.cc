#include "tests/support/generic_client.h"

#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "lifecycle/v1/admin.grpc.pb.h"
#include "lifecycle/v1/cross_sell.grpc.pb.h"
#include "lifecycle/v1/customer.grpc.pb.h"
#include "lifecycle/v1/lifecycle.grpc.pb.h"
#include "lifecycle/v1/onboarding.grpc.pb.h"
#include "lifecycle/v1/retention.grpc.pb.h"
#include "lifecycle/v1/segment.grpc.pb.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::DescriptorPool;

// Naming a message of each API file links that file's descriptors in (the
// generated code lives in a static library).
void LinkKnownServices() {
  for (const auto* type :
       {v1::GetTenantRequest::descriptor(), v1::GetCustomerRequest::descriptor(),
        v1::GetCustomerStageRequest::descriptor(), v1::GetChecklistRequest::descriptor(),
        v1::GetHealthRequest::descriptor(), v1::GetSegmentRequest::descriptor(),
        v1::GetCrossSellReadinessRequest::descriptor()}) {
    (void)type;
  }
}

std::string Join(const std::vector<grpc::Slice>& slices) {
  std::string out;
  for (const auto& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace

std::vector<const google::protobuf::MethodDescriptor*> LifecycleMethods() {
  LinkKnownServices();
  std::vector<std::string> files;
  DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::sort(files.begin(), files.end());
  // Every API file in the source tree must be here, or its RPCs would
  // silently escape the tests that walk this list.
  for (const auto& entry :
       std::filesystem::directory_iterator(LIFECYCLE_PROTO_DIR "/lifecycle/v1")) {
    const std::string name = "lifecycle/v1/" + entry.path().filename().string();
    EXPECT_TRUE(std::binary_search(files.begin(), files.end(), name))
        << name << " is not linked into this test: name one of its messages in LinkKnownServices()";
  }
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto& name : files) {
    const auto* file = DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr || file->package() != "lifecycle.v1") continue;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        methods.push_back(file->service(s)->method(m));
      }
    }
  }
  return methods;
}

std::string FullMethodName(const google::protobuf::MethodDescriptor& method) {
  return "/" + method.service()->full_name() + "/" + method.name();
}

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

GenericClient::GenericClient(std::shared_ptr<grpc::Channel> channel, std::string api_key)
    : channel_(std::move(channel)), api_key_(std::move(api_key)) {}

GenericClient::Reply GenericClient::CallBytes(const google::protobuf::MethodDescriptor& method,
                                              const std::string& request,
                                              std::chrono::milliseconds timeout,
                                              std::size_t max_messages) {
  grpc::ClientContext context;
  if (!api_key_.empty()) context.AddMetadata("authorization", "Bearer " + api_key_);
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::CompletionQueue queue;
  grpc::GenericStub stub(channel_);
  // One operation in flight at a time, so each Next() is that operation.
  auto await = [&queue] {
    void* tag = nullptr;
    bool ok = false;
    return queue.Next(&tag, &ok) && ok;
  };
  auto call = stub.PrepareCall(&context, FullMethodName(method), &queue);
  void* tag = call.get();
  call->StartCall(tag);
  Reply reply;
  bool ok = await();
  if (ok) {
    grpc::Slice slice(request);
    grpc::ByteBuffer buffer(&slice, 1);
    call->WriteLast(buffer, grpc::WriteOptions(), tag);
    ok = await();
  }
  while (ok) {
    grpc::ByteBuffer response;
    call->Read(&response, tag);
    if (!await()) break;
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    reply.messages.push_back(Join(slices));
    if (reply.messages.size() >= max_messages) context.TryCancel();
  }
  call->Finish(&reply.status, tag);
  await();
  queue.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }
  return reply;
}

grpc::Status GenericClient::CallJson(const google::protobuf::MethodDescriptor& method,
                                     const std::string& request_json, std::string* response_json,
                                     std::chrono::milliseconds timeout) {
  auto request = NewMessage(*method.input_type());
  const auto parsed = google::protobuf::util::JsonStringToMessage(request_json, request.get());
  EXPECT_TRUE(parsed.ok()) << FullMethodName(method) << ": " << parsed.ToString() << "\n"
                           << request_json;
  const Reply reply = CallBytes(method, request->SerializeAsString(), timeout);
  if (response_json != nullptr) {
    response_json->clear();
    for (const auto& bytes : reply.messages) {
      auto response = NewMessage(*method.output_type());
      response->ParseFromString(bytes);
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(*response, &json);
      *response_json += json + "\n";
    }
  }
  return reply.status;
}

}  // namespace lifecycle::testing
