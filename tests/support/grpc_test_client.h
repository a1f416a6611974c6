#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "lifecycle/v1/admin.grpc.pb.h"
#include "lifecycle/v1/customer.grpc.pb.h"
#include "lifecycle/v1/lifecycle.grpc.pb.h"
#include "lifecycle/v1/onboarding.grpc.pb.h"
#include "lifecycle/v1/segment.grpc.pb.h"

namespace lifecycle::testing {

// Stubs for one server, calling with one API key (empty: no key).
class TestClient {
 public:
  TestClient(const std::string& address, std::string api_key);  // plaintext
  TestClient(std::shared_ptr<grpc::Channel> channel, std::string api_key);

  // A context carrying the key and a 10 s deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
  void set_api_key(std::string api_key) { api_key_ = std::move(api_key); }

  v1::CustomerService::Stub& customers() { return *customers_; }
  v1::AdminService::Stub& admin() { return *admin_; }
  v1::LifecycleService::Stub& lifecycle() { return *lifecycle_; }
  v1::SegmentService::Stub& segments() { return *segments_; }
  v1::OnboardingService::Stub& onboarding() { return *onboarding_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }

  // Convenience calls that fail the test unless OK.
  v1::Customer CreateCustomer(const std::string& customer_id,
                              const std::string& attributes_json = "{}");
  // UpdateCustomer of the attributes (a JSON object) with the given request
  // id; returns the status.
  grpc::Status UpdateAttributes(const std::string& customer_id, const std::string& attributes_json,
                                std::optional<std::int64_t> expected_version,
                                const std::string& request_id,
                                v1::UpdateCustomerResponse* response);
  std::string HealthStatus();  // "SERVING", "NOT_SERVING", or the error code
  // TransitionCustomer with a fresh request id; returns the status.
  grpc::Status Transition(const std::string& customer_id, v1::Stage to,
                          v1::TransitionCustomerResponse* response = nullptr,
                          const std::string& reason = "", const std::string& segment_id = "",
                          const std::string& override_reason = "");

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string api_key_;
  std::unique_ptr<v1::CustomerService::Stub> customers_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::LifecycleService::Stub> lifecycle_;
  std::unique_ptr<v1::SegmentService::Stub> segments_;
  std::unique_ptr<v1::OnboardingService::Stub> onboarding_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// Field paths named in the status's google.rpc.BadRequest.
std::vector<std::string> ViolatedFields(const grpc::Status& status);
// google.rpc.ErrorInfo reason and metadata ("" / empty when absent).
std::string ErrorReason(const grpc::Status& status);
std::map<std::string, std::string> ErrorMetadata(const grpc::Status& status);

// A fresh request id per call site.
std::string NewRequestId();

}  // namespace lifecycle::testing
