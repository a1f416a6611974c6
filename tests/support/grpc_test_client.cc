#include "tests/support/grpc_test_client.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace lifecycle::testing {
namespace {

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  return details;
}

}  // namespace

TestClient::TestClient(const std::string& address, std::string api_key)
    : TestClient(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                 std::move(api_key)) {}

TestClient::TestClient(std::shared_ptr<grpc::Channel> channel, std::string api_key)
    : channel_(std::move(channel)),
      api_key_(std::move(api_key)),
      customers_(v1::CustomerService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      lifecycle_(v1::LifecycleService::NewStub(channel_)),
      segments_(v1::SegmentService::NewStub(channel_)),
      onboarding_(v1::OnboardingService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> TestClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!api_key_.empty()) context->AddMetadata("authorization", "Bearer " + api_key_);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

grpc::Status TestClient::UpdateAttributes(const std::string& customer_id,
                                          const std::string& attributes_json,
                                          std::optional<std::int64_t> expected_version,
                                          const std::string& request_id,
                                          v1::UpdateCustomerResponse* response) {
  v1::UpdateCustomerRequest request;
  request.mutable_customer()->set_customer_id(customer_id);
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                  attributes_json, request.mutable_customer()->mutable_attributes())
                  .ok())
      << attributes_json;
  request.mutable_update_mask()->add_paths("attributes");
  if (expected_version) request.set_expected_version(*expected_version);
  request.set_request_id(request_id);
  return customers().UpdateCustomer(Context().get(), request, response);
}

v1::Customer TestClient::CreateCustomer(const std::string& customer_id,
                                        const std::string& attributes_json) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id(customer_id);
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                  attributes_json, request.mutable_customer()->mutable_attributes())
                  .ok());
  request.set_request_id(NewRequestId());
  v1::CreateCustomerResponse response;
  const grpc::Status status = customers_->CreateCustomer(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  return response.customer();
}

grpc::Status TestClient::Transition(const std::string& customer_id, v1::Stage to,
                                    v1::TransitionCustomerResponse* response,
                                    const std::string& reason, const std::string& segment_id,
                                    const std::string& override_reason) {
  v1::TransitionCustomerRequest request;
  request.set_customer_id(customer_id);
  request.set_to_stage(to);
  request.set_reason(reason);
  request.set_segment_id(segment_id);
  request.set_override_reason(override_reason);
  request.set_request_id(NewRequestId());
  v1::TransitionCustomerResponse ignored;
  return lifecycle_->TransitionCustomer(Context().get(), request,
                                        response != nullptr ? response : &ignored);
}

std::string TestClient::HealthStatus() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = health_->Check(&context, {}, &response);
  if (!status.ok()) return "error " + std::to_string(status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        fields.push_back(violation.field());
      }
    }
  }
  return fields;
}

std::string ErrorReason(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::map<std::string, std::string> ErrorMetadata(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return {info.metadata().begin(), info.metadata().end()};
  }
  return {};
}

std::string NewRequestId() {
  static std::atomic<long> counter{0};
  static const long seed = std::random_device{}();
  return "req-" + std::to_string(seed) + "-" + std::to_string(counter++);
}

}  // namespace lifecycle::testing
