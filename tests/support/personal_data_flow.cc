#include "tests/support/personal_data_flow.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/grpc_test_client.h"

namespace lifecycle::testing {
namespace {

const google::protobuf::MethodDescriptor& Method(const std::string& full_name) {
  for (const auto* method : LifecycleMethods()) {
    if (FullMethodName(*method) == full_name) return *method;
  }
  throw std::runtime_error("no method " + full_name);
}

// "field":"value" from a JSON response ("" when absent).
std::string StringField(const std::string& json, const std::string& field) {
  const std::string key = "\"" + field + "\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace

std::string CallOk(GenericClient& client, const std::string& full_method,
                   const std::string& request_json) {
  std::string response;
  const grpc::Status status = client.CallJson(Method(full_method), request_json, &response);
  EXPECT_TRUE(status.ok()) << full_method << ": " << status.error_message() << "\n" << request_json;
  return response;
}

PersonalDataFlow RunPersonalDataFlow(GenericClient& client, const std::string& customer_id,
                                     const std::string& segment_id, const std::string& marker) {
  const std::string c = customer_id;
  const std::string m = marker;
  auto rid = [] { return "\"request_id\":\"" + NewRequestId() + "\""; };
  CallOk(client, "/lifecycle.v1.SegmentService/CreateSegment",
         R"({"segment":{"segment_id":")" + segment_id + R"(","display_name":"Segment )" + m +
             R"(","basis":"SEGMENT_BASIS_VALUE_BASED","is_default":true,"priority":10},)" + rid() +
             "}");
  CallOk(
      client, "/lifecycle.v1.OnboardingService/CreateChecklistTemplate",
      R"({"template":{"segment_id":")" + segment_id +
          R"(","display_name":"Welcome","steps":[{"step_id":"call","kind":"STEP_KIND_EDUCATE",)"
          R"("title":"Call","channel":"CHANNEL_PHONE","due_offset":"3600s","required":true}]},)" +
          rid() + "}");
  for (const char* product : {"plan-pro", "addon"}) {
    CallOk(client, "/lifecycle.v1.CrossSellService/CreateProduct",
           R"({"product":{"product_id":")" + std::string(product) +
               R"(","display_name":"Product )" + m + R"(","category":"plan"},)" + rid() + "}");
  }
  CallOk(client, "/lifecycle.v1.CustomerService/CreateCustomer",
         R"({"customer":{"customer_id":")" + c + R"(","attributes":{"email":")" + m +
             R"(@example.com","profile":{"name":")" + m + R"("}}},)" + rid() + "}");
  CallOk(client, "/lifecycle.v1.LifecycleService/TransitionCustomer",
         R"({"customer_id":")" + c + R"(","to_stage":"STAGE_ONBOARDING","reason":"asked by )" + m +
             R"(",)" + rid() + "}");
  CallOk(client, "/lifecycle.v1.OnboardingService/LogFollowUp",
         R"({"follow_up":{"customer_id":")" + c +
             R"(","agent_id":"agent-1","channel":"CHANNEL_PHONE","activated":"ACTIVATION_YES",)"
             R"("needed_help":true,"help_kind":"HELP_KIND_SETUP","help_quality":4,)"
             R"("help_reason":"reason )" +
             m + R"(","outcome":"FOLLOW_UP_OUTCOME_RESOLVED","note":"note )" + m + R"("},)" +
             rid() + "}");
  CallOk(client, "/lifecycle.v1.RetentionService/RecordSignals",
         R"({"signals":[{"event_id":")" + c + R"(-e1","customer_id":")" + c +
             R"(","kind":"SIGNAL_KIND_ACTIVITY","occur_time":"2026-01-01T00:00:00Z"},)"
             R"({"event_id":")" +
             c + R"(-e2","customer_id":")" + c +
             R"(","kind":"SIGNAL_KIND_PURCHASE","amount":42,"product_id":"plan-pro",)"
             R"("occur_time":"2026-01-02T00:00:00Z"}]})");
  const std::string offer =
      CallOk(client, "/lifecycle.v1.CrossSellService/CreateOffer",
             R"({"customer_id":")" + c + R"(","product_id":"addon","channel":"CHANNEL_EMAIL",)" +
                 rid() + "}");
  CallOk(client, "/lifecycle.v1.OnboardingService/CompleteStep",
         R"({"customer_id":")" + c + R"(","step_id":"call","note":"called )" + m + R"(",)" + rid() +
             "}");
  CallOk(client, "/lifecycle.v1.CustomerService/UpdateCustomer",
         R"({"customer":{"customer_id":")" + c + R"(","attributes":{"email":"new-)" + m +
             R"(@example.com"}},"update_mask":"attributes",)" + rid() + "}");
  const std::string job =
      CallOk(client, "/lifecycle.v1.SegmentService/ResegmentCustomers", "{" + rid() + "}");
  PersonalDataFlow flow{customer_id, segment_id,
                        "call",      StringField(job, "jobId"),
                        "plan-pro",  StringField(offer, "offerId")};
  EXPECT_FALSE(flow.job_id.empty()) << job;
  EXPECT_FALSE(flow.offer_id.empty()) << offer;
  return flow;
}

}  // namespace lifecycle::testing
