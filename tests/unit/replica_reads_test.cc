// The list of RPCs that may read on the read replica (server/api/replica_reads.cc).

#include "server/api/replica_reads.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lifecycle/v1/cross_sell.pb.h"
#include "lifecycle/v1/customer.pb.h"
#include "lifecycle/v1/lifecycle.pb.h"
#include "lifecycle/v1/onboarding.pb.h"
#include "lifecycle/v1/retention.pb.h"
#include "lifecycle/v1/segment.pb.h"

namespace lifecycle::api {
namespace {

// "/lifecycle.v1.CustomerService/GetCustomer" -> its descriptor, or nullptr.
const google::protobuf::MethodDescriptor* Method(std::string_view path) {
  // Links (and so registers) every service's file in the generated pool.
  for (const auto* linked :
       {v1::GetCustomerRequest::descriptor(), v1::GetCustomerStageRequest::descriptor(),
        v1::GetChecklistRequest::descriptor(), v1::ListAtRiskCustomersRequest::descriptor(),
        v1::PreviewSegmentRequest::descriptor(), v1::ListOffersRequest::descriptor()}) {
    EXPECT_NE(linked, nullptr);
  }
  std::string name(path.substr(1));
  name[name.find('/')] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
}

TEST(ReplicaReadsTest, EveryListedMethodIsAUnaryReadOnce) {
  std::set<std::string_view> seen;
  for (const auto method : ReplicaReadMethods()) {
    SCOPED_TRACE(std::string(method));
    EXPECT_TRUE(seen.insert(method).second) << "listed twice";
    const auto* descriptor = Method(method);
    ASSERT_NE(descriptor, nullptr) << "no such RPC";
    EXPECT_FALSE(descriptor->client_streaming() || descriptor->server_streaming());
    // Every write takes a request_id (idempotent retries); no read does.
    EXPECT_EQ(descriptor->input_type()->FindFieldByName("request_id"), nullptr);
    EXPECT_TRUE(ReadsFromReplica(method));
  }
}

TEST(ReplicaReadsTest, EverythingElseStaysOnThePrimary) {
  for (const char* method :
       {"/lifecycle.v1.CustomerService/CreateCustomer",
        "/lifecycle.v1.LifecycleService/TransitionCustomer",
        "/lifecycle.v1.LifecycleService/WatchLifecycleEvents",
        "/lifecycle.v1.AdminService/ListApiKeys", "/lifecycle.v1.SegmentService/GetResegmentJob",
        "/lifecycle.v1.RetentionService/GetRetentionPolicy", ""}) {
    EXPECT_FALSE(ReadsFromReplica(method)) << method;
  }
}

}  // namespace
}  // namespace lifecycle::api
