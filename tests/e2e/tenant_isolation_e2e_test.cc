// Tenant isolation, RPC by RPC: every method of every lifecycle.v1 service
// (walked from the generated descriptors, so a new RPC is covered as soon as
// it exists) is called with tenant A's key and tenant B's ids. Calls that
// name one of B's objects must be NOT_FOUND; none may reveal B's data.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"
#include "tests/support/personal_data_flow.h"
#include "tests/support/rpc_examples.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::MethodDescriptor;

constexpr const char* kMarker = "b-secret-7f3a";  // in every piece of B's personal data

class TenantIsolationE2eTest : public E2eTest {
 protected:
  GenericClient As(const std::string& key) {
    return GenericClient(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()), key);
  }

  std::string BCustomer() {
    return CallOk(b_client_, "/lifecycle.v1.CustomerService/GetCustomer",
                  R"({"customer_id":"b-cust"})");
  }

  api::BootstrappedTenant tenant_b_ =
      api::CreateTenantWithAdminKey(db_.dsn(), std::string("Tenant ") + kMarker);
  GenericClient b_client_ = GenericClient(nullptr, "");
};

TEST_F(TenantIsolationE2eTest, EveryRpcWithTenantAKeyAndTenantBIdsRevealsNothingOfB) {
  b_client_ = As(tenant_b_.admin_key.token);
  const PersonalDataFlow b = RunPersonalDataFlow(b_client_, "b-cust", "b-seg", kMarker);
  ASSERT_FALSE(HasFailure());
  const std::string b_customer_before = BCustomer();
  const std::string b_key_id = tenant_b_.admin_key.token.substr(3, 16);
  const ExampleIds b_ids{.customer_id = "b-cust",
                         .segment_id = "b-seg",
                         .step_id = b.step_id,
                         .job_id = b.job_id,
                         .key_id = b_key_id,
                         .product_id = b.product_id,
                         .offer_id = b.offer_id,
                         .new_id = "a-fresh"};
  // B's data, wherever it might show: a response, an error message, details.
  const std::vector<std::string> b_only = {kMarker, tenant_b_.tenant.tenant_id};
  // B's ids that A's requests name: an error may echo them, a response may not.
  const std::vector<std::string> b_ids_named = {b_key_id, b.job_id, "b-cust"};

  GenericClient a_client = As(admin_key_);
  const auto methods = LifecycleMethods();
  ASSERT_GE(methods.size(), 40u);
  for (const MethodDescriptor* method : methods) {
    const std::string name = FullMethodName(*method);
    SCOPED_TRACE(name);
    const auto example = ExampleRequest(name, b_ids);
    if (!example) {
      ADD_FAILURE() << "no example request: add a row for " << name
                    << " to tests/support/rpc_examples.cc";
      continue;
    }
    std::string response;
    const auto timeout = method->server_streaming() ? std::chrono::milliseconds(1000)
                                                    : std::chrono::milliseconds(10000);
    const grpc::Status status =
        a_client.CallJson(*method, example->request_json, &response, timeout);
    if (example->foreign == ForeignOutcome::kNotFound) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    } else {
      EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
    }
    const std::string everything = response + status.error_message() + status.error_details();
    for (const auto& secret : b_only) {
      EXPECT_EQ(everything.find(secret), std::string::npos) << "leaks '" << secret << "'";
    }
    for (const auto& id : b_ids_named) {
      if (id == "b-cust" && !method->server_streaming()) continue;  // echoed as missing
      EXPECT_EQ(response.find(id), std::string::npos) << "returns B's '" << id << "'";
    }
    EXPECT_EQ(response.find("customerStages"), std::string::npos) << response;
  }

  // And nothing A did touched B.
  EXPECT_EQ(BCustomer(), b_customer_before);
  const std::string segment =
      CallOk(b_client_, "/lifecycle.v1.SegmentService/GetSegment", R"({"segment_id":"b-seg"})");
  EXPECT_NE(segment.find(kMarker), std::string::npos) << segment;
  EXPECT_EQ(segment.find("RETIRED"), std::string::npos) << segment;
}

}  // namespace
}  // namespace lifecycle::testing
