// Every input limit, through the real server: at the limit the request is
// not refused for that field; one past it is INVALID_ARGUMENT naming the
// field. Messages over --max-message-bytes are RESOURCE_EXHAUSTED.

#include <functional>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"

namespace lifecycle::testing {
namespace {

std::string Repeat(int n, const std::string& piece) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

std::string X(int n) { return std::string(static_cast<std::size_t>(n), 'x'); }

// `n` items "<prefix><i><suffix>", comma separated.
std::string List(int n, const std::string& prefix, const std::string& suffix) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + prefix + std::to_string(i) + suffix;
  return out;
}

std::string Unique() {
  static int counter = 0;
  return "u" + std::to_string(++counter);
}

std::string Rid() { return "\"request_id\":\"" + NewRequestId() + "\""; }

std::string SegmentWithRule(const std::string& rule) {
  return R"({"segment":{"segment_id":")" + Unique() +
         R"(","display_name":"s","basis":"SEGMENT_BASIS_BEHAVIOURAL","rule":)" + rule + "}," +
         Rid() + "}";
}

std::string Exists() {
  return R"({"condition":{"field":"attributes.a","op":"RULE_OPERATOR_EXISTS"}})";
}

struct LimitCase {
  std::string name;
  std::string method;
  int limit;
  std::string field;                        // the violation path over the limit
  std::function<std::string(int)> request;  // proto JSON with size n
};

std::vector<LimitCase> Cases() {
  return {
      {"customer_id length", "CustomerService/CreateCustomer", 128, "customer.customer_id",
       [](int n) { return R"({"customer":{"customer_id":")" + X(n) + R"("},)" + Rid() + "}"; }},
      {"request_id length", "CustomerService/CreateCustomer", 128, "request_id",
       [](int n) {
         return R"({"customer":{"customer_id":")" + Unique() + R"("},"request_id":")" + X(n) +
                R"("})";
       }},
      {"attributes JSON bytes", "CustomerService/CreateCustomer", 64 * 1024, "customer.attributes",
       [](int n) {  // {"k":"xx..."} is n bytes
         return R"({"customer":{"customer_id":")" + Unique() + R"(","attributes":{"k":")" +
                X(n - 8) + R"("}},)" + Rid() + "}";
       }},
      {"attributes nesting", "CustomerService/CreateCustomer", 16, "customer.attributes.k",
       [](int n) {  // the innermost value is n levels down
         std::string value = R"("v")";
         for (int i = 1; i < n; ++i) value = R"({"a":)" + value + "}";
         return R"({"customer":{"customer_id":")" + Unique() + R"(","attributes":{"k":)" + value +
                "}}," + Rid() + "}";
       }},
      {"batch stage ids", "LifecycleService/BatchGetCustomerStages", 1000, "customer_ids",
       [](int n) { return R"({"customer_ids":[)" + List(n, R"("c)", R"(")") + "]}"; }},
      {"transition reason", "LifecycleService/TransitionCustomer", 1000, "reason",
       [](int n) {
         return R"({"customer_id":"c","to_stage":"STAGE_RETAINED","reason":")" + X(n) + R"(",)" +
                Rid() + "}";
       }},
      {"signals per batch", "RetentionService/RecordSignals", 10000, "signals",
       [](int n) {
         return R"({"signals":[)" +
                List(
                    n,
                    R"({"customer_id":"c","kind":"SIGNAL_KIND_ACTIVITY","occur_time":"2026-01-01T00:00:00Z","event_id":"e)",
                    R"("})") +
                "]}";
       }},
      {"segment display_name", "SegmentService/CreateSegment", 200, "segment.display_name",
       [](int n) {
         return R"({"segment":{"segment_id":")" + Unique() + R"(","display_name":")" + X(n) +
                R"(","basis":"SEGMENT_BASIS_BEHAVIOURAL","rule":)" + Exists() + "}," + Rid() + "}";
       }},
      {"segment description", "SegmentService/CreateSegment", 2000, "segment.description",
       [](int n) {
         return R"({"segment":{"segment_id":")" + Unique() +
                R"(","display_name":"s","description":")" + X(n) +
                R"(","basis":"SEGMENT_BASIS_BEHAVIOURAL","rule":)" + Exists() + "}," + Rid() + "}";
       }},
      {"rule depth", "SegmentService/CreateSegment", 8, "segment.rule",
       [](int n) {
         return SegmentWithRule(Repeat(n - 1, R"({"not":)") + Exists() + Repeat(n - 1, "}"));
       }},
      {"rule nodes", "SegmentService/CreateSegment", 256, "segment.rule",
       [](int n) {  // a group of n - 1 conditions
         return SegmentWithRule(R"({"any":{"rules":[)" +
                                List(n - 1, R"({"condition":{"field":"attributes.a)",
                                     R"(","op":"RULE_OPERATOR_EXISTS"}})") +
                                "]}}");
       }},
      {"rule values", "SegmentService/CreateSegment", 1000, "segment.rule",
       [](int n) {
         return SegmentWithRule(
             R"({"condition":{"field":"attributes.a","op":"RULE_OPERATOR_IN","values":[)" +
             List(n, R"({"string_value":"v)", R"("})") + "]}}");
       }},
      {"rule string length", "SegmentService/CreateSegment", 1000, "segment.rule",
       [](int n) {
         return SegmentWithRule(
             R"({"condition":{"field":"attributes.a","op":"RULE_OPERATOR_EQ","values":[{"string_value":")" +
             X(n) + R"("}]}})");
       }},
      {"resegment scope", "SegmentService/ResegmentCustomers", 1000, "segment_ids",
       [](int n) { return R"({"segment_ids":[)" + List(n, R"("s)", R"(")") + "]," + Rid() + "}"; }},
      {"template steps", "OnboardingService/CreateChecklistTemplate", 50, "template.steps",
       [](int n) {
         return R"({"template":{"segment_id":"s","display_name":"t","steps":[)" +
                List(
                    n, R"({"step_id":"s)",
                    R"(","kind":"STEP_KIND_EDUCATE","title":"t","channel":"CHANNEL_PHONE","due_offset":"60s"})") +
                "]}," + Rid() + "}";
       }},
      {"step title", "OnboardingService/CreateChecklistTemplate", 200, "template.steps[0].title",
       [](int n) {
         return R"({"template":{"segment_id":"s","display_name":"t","steps":[{"step_id":"a","kind":"STEP_KIND_EDUCATE","title":")" +
                X(n) + R"(","channel":"CHANNEL_PHONE","due_offset":"60s"}]},)" + Rid() + "}";
       }},
      {"follow-up note", "OnboardingService/LogFollowUp", 2000, "follow_up.note",
       [](int n) {
         return R"({"follow_up":{"customer_id":"c","agent_id":"a","channel":"CHANNEL_PHONE","activated":"ACTIVATION_YES","outcome":"FOLLOW_UP_OUTCOME_RESOLVED","note":")" +
                X(n) + R"("},)" + Rid() + "}";
       }},
      {"step note", "OnboardingService/CompleteStep", 2000, "note",
       [](int n) {
         return R"({"customer_id":"c","step_id":"s","note":")" + X(n) + R"(",)" + Rid() + "}";
       }},
      {"skip reason", "OnboardingService/SkipStep", 1000, "reason",
       [](int n) {
         return R"({"customer_id":"c","step_id":"s","reason":")" + X(n) + R"(",)" + Rid() + "}";
       }},
      {"api key display_name", "AdminService/CreateApiKey", 200, "display_name",
       [](int n) {
         return R"({"display_name":")" + X(n) + R"(","role":"ROLE_READONLY",)" + Rid() + "}";
       }},
      {"page_size", "CustomerService/ListCustomers", 1000, "page_size",
       [](int n) { return R"({"page_size":)" + std::to_string(n) + "}"; }},
  };
}

bool Names(const grpc::Status& status, const std::string& field) {
  for (const auto& violated : ViolatedFields(status)) {
    if (violated.rfind(field, 0) == 0) return true;
  }
  return false;
}

class InputLimitsE2eTest : public E2eTest {
 protected:
  const google::protobuf::MethodDescriptor& Method(const std::string& short_name) {
    for (const auto* method : LifecycleMethods()) {
      if (FullMethodName(*method) == "/lifecycle.v1." + short_name) return *method;
    }
    throw std::runtime_error("no method " + short_name);
  }

  GenericClient Client() {
    return GenericClient(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()), admin_key_);
  }
};

TEST_F(InputLimitsE2eTest, AtTheLimitAcceptedOnePastItRefusedNamingTheField) {
  GenericClient client = Client();
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.name);
    const auto& method = Method(c.method);
    const grpc::Status at = client.CallJson(method, c.request(c.limit));
    EXPECT_FALSE(at.error_code() == grpc::StatusCode::INVALID_ARGUMENT && Names(at, c.field))
        << "refused at the limit: " << at.error_message();
    EXPECT_NE(at.error_code(), grpc::StatusCode::INTERNAL) << at.error_message();
    const grpc::Status over = client.CallJson(method, c.request(c.limit + 1));
    EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << over.error_message();
    EXPECT_TRUE(Names(over, c.field))
        << "violations name: " << ::testing::PrintToString(ViolatedFields(over));
  }
}

TEST_F(InputLimitsE2eTest, AMessageOverMaxMessageBytesIsResourceExhausted) {
  StartServer({"--max-message-bytes", "65536"});
  // Health is NOT_SERVING until the server's first database check passes
  // (CI once got there first): wait for it, to compare after the calls.
  ASSERT_TRUE(WaitFor([&] { return client_->HealthStatus() == "SERVING"; }));
  GenericClient client = Client();
  const auto& create = Method("CustomerService/CreateCustomer");
  auto request = [](int bytes) {
    v1::CreateCustomerRequest r;
    r.mutable_customer()->set_customer_id("c");
    r.set_request_id(X(bytes));  // the size that matters is the whole message
    return r.SerializeAsString();
  };
  // Just under: parsed, and refused for what it says (a too long request id).
  const auto under = client.CallBytes(create, request(60000));
  EXPECT_EQ(under.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << under.status.error_message();
  const auto over = client.CallBytes(create, request(70000));
  EXPECT_EQ(over.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << over.status.error_message();
  EXPECT_EQ(client_->HealthStatus(), "SERVING");  // the server is unharmed
}

TEST_F(InputLimitsE2eTest, TheDefaultMessageLimitIsFourMebibytes) {
  GenericClient client = Client();
  v1::CreateCustomerRequest r;
  r.mutable_customer()->set_customer_id("c");
  r.set_request_id(X(4 * 1024 * 1024 + 1));
  EXPECT_EQ(client.CallBytes(Method("CustomerService/CreateCustomer"), r.SerializeAsString())
                .status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace lifecycle::testing
