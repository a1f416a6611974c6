// Tenant isolation, RPC by RPC: every method of every lifecycle.v1 service
// (walked from the generated descriptors, so a new RPC is covered as soon as
// it exists) is called with tenant A's key and tenant B's ids. Calls that
// name one of B's objects must be NOT_FOUND; none may reveal B's data.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"
#include "tests/support/rpc_examples.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::MethodDescriptor;

constexpr const char* kMarker = "b-secret-7f3a";  // in every piece of B's personal data

class TenantIsolationE2eTest : public E2eTest {
 protected:
  GenericClient As(const std::string& key) {
    return GenericClient(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                         key);
  }

  static const MethodDescriptor& Method(const std::string& full_name) {
    for (const auto* method : LifecycleMethods()) {
      if (FullMethodName(*method) == full_name) return *method;
    }
    throw std::runtime_error("no method " + full_name);
  }

  // Calls as B and fails the test unless OK; returns the response JSON.
  std::string AsB(const std::string& full_name, const std::string& json) {
    std::string response;
    const grpc::Status status = b_client_.CallJson(Method(full_name), json, &response);
    EXPECT_TRUE(status.ok()) << full_name << ": " << status.error_message();
    return response;
  }

  // Tenant B with a customer in onboarding, a segment, a checklist, a
  // follow-up note, a signal and a re-segmentation job.
  void GiveTenantBData() {
    AsB("/lifecycle.v1.SegmentService/CreateSegment",
        std::string(R"({"segment":{"segment_id":"b-seg","display_name":")") + kMarker +
            R"(","basis":"SEGMENT_BASIS_VALUE_BASED","is_default":true,"priority":10},)"
            R"("request_id":"b-1"})");
    AsB("/lifecycle.v1.OnboardingService/CreateChecklistTemplate",
        std::string(R"({"template":{"segment_id":"b-seg","display_name":")") + kMarker +
            R"(","steps":[{"step_id":"call","kind":"STEP_KIND_EDUCATE","title":"Call",)"
            R"("channel":"CHANNEL_PHONE","due_offset":"3600s","required":true}]},"request_id":"b-2"})");
    AsB("/lifecycle.v1.CustomerService/CreateCustomer",
        std::string(R"({"customer":{"customer_id":"b-cust","attributes":{"secret":")") + kMarker +
            R"("}},"request_id":"b-3"})");
    AsB("/lifecycle.v1.LifecycleService/TransitionCustomer",
        R"({"customer_id":"b-cust","to_stage":"STAGE_ONBOARDING","request_id":"b-4"})");
    AsB("/lifecycle.v1.OnboardingService/LogFollowUp",
        std::string(R"({"follow_up":{"customer_id":"b-cust","agent_id":"agent-b",)") +
            R"("channel":"CHANNEL_PHONE","activated":"ACTIVATION_YES",)"
            R"("outcome":"FOLLOW_UP_OUTCOME_RESOLVED","note":")" +
            kMarker + R"("},"request_id":"b-5"})");
    AsB("/lifecycle.v1.RetentionService/RecordSignal",
        R"({"signal":{"event_id":"b-evt","customer_id":"b-cust","kind":"SIGNAL_KIND_ACTIVITY",)"
        R"("occur_time":"2026-01-01T00:00:00Z"}})");
    const std::string job =
        AsB("/lifecycle.v1.SegmentService/ResegmentCustomers", R"({"request_id":"b-6"})");
    const std::string field = "\"jobId\":\"";
    const auto at = job.find(field);
    ASSERT_NE(at, std::string::npos) << job;
    b_job_id_ = job.substr(at + field.size(), job.find('"', at + field.size()) - at - field.size());
  }

  std::string BCustomer() {
    return AsB("/lifecycle.v1.CustomerService/GetCustomer", R"({"customer_id":"b-cust"})");
  }

  api::BootstrappedTenant tenant_b_ =
      api::CreateTenantWithAdminKey(db_.dsn(), std::string("Tenant ") + kMarker);
  GenericClient b_client_ = GenericClient(nullptr, "");
  std::string b_job_id_;
};

TEST_F(TenantIsolationE2eTest, EveryRpcWithTenantAKeyAndTenantBIdsRevealsNothingOfB) {
  b_client_ = As(tenant_b_.admin_key.token);
  ASSERT_NO_FATAL_FAILURE(GiveTenantBData());
  const std::string b_customer_before = BCustomer();
  const std::string b_key_id = tenant_b_.admin_key.token.substr(3, 16);
  const ExampleIds b_ids{.customer_id = "b-cust",
                         .segment_id = "b-seg",
                         .step_id = "call",
                         .job_id = b_job_id_,
                         .key_id = b_key_id,
                         .new_id = "a-fresh"};
  // B's data, wherever it might show: a response, an error message, details.
  const std::vector<std::string> b_only = {kMarker, tenant_b_.tenant.tenant_id, b_key_id, b_job_id_,
                                           "agent-b"};

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
    const grpc::Status status = a_client.CallJson(*method, example->request_json, &response, timeout);
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
    // Ids are echoed in errors, but B's customer must not appear as data.
    if (method->server_streaming()) {
      EXPECT_EQ(response.find("b-cust"), std::string::npos) << response;
    }
    EXPECT_EQ(response.find("customerStages"), std::string::npos) << response;
  }

  // And nothing A did touched B.
  EXPECT_EQ(BCustomer(), b_customer_before);
  const std::string segment = AsB("/lifecycle.v1.SegmentService/GetSegment", R"({"segment_id":"b-seg"})");
  EXPECT_NE(segment.find(kMarker), std::string::npos) << segment;
  EXPECT_EQ(segment.find("RETIRED"), std::string::npos) << segment;
}

}  // namespace
}  // namespace lifecycle::testing
