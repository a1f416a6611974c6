#include "tests/support/rpc_examples.h"

#include <atomic>

namespace lifecycle::testing {
namespace {

using enum ForeignOutcome;

struct Row {
  const char* json;
  ForeignOutcome foreign;
};

// One minimal valid request per RPC. {rid} becomes a fresh request id.
const std::map<std::string, Row>& Table() {
  static const std::map<std::string, Row> table = {
      // AdminService
      {"/lifecycle.v1.AdminService/GetTenant", {"{}", kOwnData}},
      {"/lifecycle.v1.AdminService/CreateApiKey",
       {R"({"display_name":"k","role":"ROLE_READONLY","request_id":"{rid}"})", kOwnData}},
      {"/lifecycle.v1.AdminService/RevokeApiKey",
       {R"({"key_id":"{key}","request_id":"{rid}"})", kNotFound}},
      {"/lifecycle.v1.AdminService/ListApiKeys", {R"({"page_size":10})", kOwnData}},
      // CrossSellService
      {"/lifecycle.v1.CrossSellService/CreateProduct",
       {R"({"product":{"product_id":"{new}","display_name":"P","category":"plan"},)"
        R"("request_id":"{rid}"})",
        kOwnData}},
      {"/lifecycle.v1.CrossSellService/UpdateProduct",
       {R"({"product":{"product_id":"{product}","display_name":"x"},"request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/ListProducts", {R"({"page_size":10})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/SetProductLadder",
       {R"({"ladder":{"segment_id":"{segment}","steps":[{"product_id":"{product}"}]},)"
        R"("request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/GetProductLadder",
       {R"({"segment_id":"{segment}"})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/AddHolding",
       {R"({"customer_id":"{customer}","product_id":"{product}","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/RemoveHolding",
       {R"({"customer_id":"{customer}","product_id":"{product}","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/ListHoldings",
       {R"({"customer_id":"{customer}"})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/RefreshAdoptionModel", {"{}", kOwnData}},
      {"/lifecycle.v1.CrossSellService/ListAdoptionRules", {R"({"page_size":10})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/GetCrossSellReadiness",
       {R"({"customer_id":"{customer}"})", kNotFound}},
      {"/lifecycle.v1.CrossSellService/ListReadyCustomers",
       {R"({"product_id":"{product}","page_size":10})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/CreateOffer",
       {R"({"customer_id":"{customer}","product_id":"{product}","channel":"CHANNEL_EMAIL",)"
        R"("request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/RecordOfferOutcome",
       {R"({"offer_id":"{offer}","outcome":"OFFER_STATUS_DECLINED","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CrossSellService/ListOffers",
       {R"({"customer_id":"{customer}","page_size":10})", kOwnData}},
      {"/lifecycle.v1.CrossSellService/GetCrossSellPolicy", {"{}", kOwnData}},
      {"/lifecycle.v1.CrossSellService/UpdateCrossSellPolicy",
       {R"({"policy":{"min_repeat_purchases":1,"repeat_window":"7776000s",)"
        R"("cool_down":"2592000s","min_support":0.01,"min_confidence":0.1},)"
        R"("request_id":"{rid}"})",
        kOwnData}},
      {"/lifecycle.v1.CrossSellService/GetCrossSellMetrics",
       {R"({"start_time":"2026-01-01T00:00:00Z","end_time":"2026-02-01T00:00:00Z"})", kOwnData}},
      // CustomerService
      {"/lifecycle.v1.CustomerService/CreateCustomer",
       {R"({"customer":{"customer_id":"{new}","attributes":{"plan":"pro"}},"request_id":"{rid}"})",
        kOwnData}},
      {"/lifecycle.v1.CustomerService/GetCustomer", {R"({"customer_id":"{customer}"})", kNotFound}},
      {"/lifecycle.v1.CustomerService/UpdateCustomer",
       {R"({"customer":{"customer_id":"{customer}","attributes":{"plan":"x"}},)"
        R"("update_mask":"attributes","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.CustomerService/ListCustomers",
       {R"({"page_size":10,"segment_id":"{segment}"})", kOwnData}},
      {"/lifecycle.v1.CustomerService/EraseCustomer",
       {R"({"customer_id":"{customer}","request_id":"{rid}"})", kNotFound}},
      // LifecycleService
      {"/lifecycle.v1.LifecycleService/GetCustomerStage",
       {R"({"customer_id":"{customer}"})", kNotFound}},
      {"/lifecycle.v1.LifecycleService/BatchGetCustomerStages",
       {R"({"customer_ids":["{customer}"]})", kOwnData}},
      {"/lifecycle.v1.LifecycleService/TransitionCustomer",
       {R"({"customer_id":"{customer}","to_stage":"STAGE_RETAINED","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.LifecycleService/ListStageHistory",
       {R"({"customer_id":"{customer}","page_size":10})", kNotFound}},
      {"/lifecycle.v1.LifecycleService/WatchLifecycleEvents",
       {R"({"after_sequence":0})", kOwnData}},
      // RetentionService
      {"/lifecycle.v1.RetentionService/RecordSignal",
       {R"({"signal":{"event_id":"{rid}","customer_id":"{customer}","kind":"SIGNAL_KIND_ACTIVITY",)"
        R"("occur_time":"2026-01-01T00:00:00Z"}})",
        kNotFound}},
      {"/lifecycle.v1.RetentionService/RecordSignals",
       {R"({"signals":[{"event_id":"{rid}","customer_id":"{customer}",)"
        R"("kind":"SIGNAL_KIND_ACTIVITY","occur_time":"2026-01-01T00:00:00Z"}]})",
        kOwnData}},
      {"/lifecycle.v1.RetentionService/GetHealth", {R"({"customer_id":"{customer}"})", kNotFound}},
      {"/lifecycle.v1.RetentionService/ListAtRiskCustomers",
       {R"({"segment_id":"{segment}","page_size":10})", kOwnData}},
      {"/lifecycle.v1.RetentionService/GetRetentionPolicy", {"{}", kOwnData}},
      {"/lifecycle.v1.RetentionService/UpdateRetentionPolicy",
       {R"({"policy":{"lapse_after":"7776000s"},"update_mask":"lapseAfter","request_id":"{rid}"})",
        kOwnData}},
      {"/lifecycle.v1.RetentionService/RunRetentionSweep", {"{}", kOwnData}},
      {"/lifecycle.v1.RetentionService/GetRetentionMetrics",
       {R"({"segment_id":"{segment}"})", kOwnData}},
      // SegmentService
      {"/lifecycle.v1.SegmentService/CreateSegment",
       {R"({"segment":{"segment_id":"{new}","display_name":"n","basis":"SEGMENT_BASIS_BEHAVIOURAL",)"
        R"("rule":{"condition":{"field":"attributes.plan","op":"RULE_OPERATOR_EXISTS"}}},)"
        R"("request_id":"{rid}"})",
        kOwnData}},
      {"/lifecycle.v1.SegmentService/GetSegment", {R"({"segment_id":"{segment}"})", kNotFound}},
      {"/lifecycle.v1.SegmentService/UpdateSegment",
       {R"({"segment":{"segment_id":"{segment}","display_name":"renamed"},)"
        R"("update_mask":"displayName","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.SegmentService/ListSegments", {R"({"page_size":10})", kOwnData}},
      {"/lifecycle.v1.SegmentService/RetireSegment",
       {R"({"segment_id":"{segment}","request_id":"{rid}"})", kNotFound}},
      {"/lifecycle.v1.SegmentService/PreviewSegment",
       {R"({"segment":{"segment_id":"{segment}","display_name":"p","basis":"SEGMENT_BASIS_BEHAVIOURAL",)"
        R"("rule":{"condition":{"field":"attributes.plan","op":"RULE_OPERATOR_EXISTS"}}},)"
        R"("sample_size":10})",
        kOwnData}},
      {"/lifecycle.v1.SegmentService/ResegmentCustomers",
       {R"({"segment_ids":["{segment}"],"request_id":"{rid}"})", kOwnData}},
      {"/lifecycle.v1.SegmentService/GetResegmentJob", {R"({"job_id":"{job}"})", kNotFound}},
      {"/lifecycle.v1.SegmentService/GetSegmentationSettings", {"{}", kOwnData}},
      {"/lifecycle.v1.SegmentService/UpdateSegmentationSettings",
       {R"({"settings":{"strategy":"SEGMENTATION_STRATEGY_CONCENTRATED"},"request_id":"{rid}"})",
        kOwnData}},
      // OnboardingService
      {"/lifecycle.v1.OnboardingService/CreateChecklistTemplate",
       {R"({"template":{"segment_id":"{segment}","display_name":"w","steps":[{"step_id":"s1",)"
        R"("kind":"STEP_KIND_EDUCATE","title":"t","channel":"CHANNEL_PHONE","due_offset":"3600s",)"
        R"("required":true}]},"request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.OnboardingService/GetChecklistTemplate",
       {R"({"segment_id":"{segment}"})", kNotFound}},
      {"/lifecycle.v1.OnboardingService/UpdateChecklistTemplate",
       {R"({"template":{"segment_id":"{segment}","display_name":"renamed"},)"
        R"("update_mask":"displayName","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.OnboardingService/ListChecklistTemplates", {R"({"page_size":10})", kOwnData}},
      {"/lifecycle.v1.OnboardingService/GetChecklist",
       {R"({"customer_id":"{customer}"})", kNotFound}},
      {"/lifecycle.v1.OnboardingService/CompleteStep",
       {R"({"customer_id":"{customer}","step_id":"{step}","request_id":"{rid}"})", kNotFound}},
      {"/lifecycle.v1.OnboardingService/SkipStep",
       {R"({"customer_id":"{customer}","step_id":"{step}","reason":"r","request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.OnboardingService/LogFollowUp",
       {R"({"follow_up":{"customer_id":"{customer}","agent_id":"agent-1","channel":"CHANNEL_PHONE",)"
        R"("activated":"ACTIVATION_YES","outcome":"FOLLOW_UP_OUTCOME_RESOLVED","note":"n"},)"
        R"("request_id":"{rid}"})",
        kNotFound}},
      {"/lifecycle.v1.OnboardingService/ListFollowUps",
       {R"({"customer_id":"{customer}","page_size":10})", kNotFound}},
      {"/lifecycle.v1.OnboardingService/ListOverdueSteps",
       {R"({"segment_id":"{segment}","page_size":10})", kOwnData}},
      {"/lifecycle.v1.OnboardingService/GetOnboardingMetrics",
       {R"({"segment_id":"{segment}"})", kOwnData}},
  };
  return table;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string FreshRequestId() {
  static std::atomic<int> counter{0};
  return "example-" + std::to_string(++counter);
}

}  // namespace

std::optional<RpcExample> ExampleRequest(const std::string& full_method, const ExampleIds& ids) {
  const auto it = Table().find(full_method);
  if (it == Table().end()) return std::nullopt;
  std::string json = it->second.json;
  ReplaceAll(json, "{customer}", ids.customer_id);
  ReplaceAll(json, "{segment}", ids.segment_id);
  ReplaceAll(json, "{step}", ids.step_id);
  ReplaceAll(json, "{job}", ids.job_id);
  ReplaceAll(json, "{key}", ids.key_id);
  ReplaceAll(json, "{product}", ids.product_id);
  ReplaceAll(json, "{offer}", ids.offer_id);
  ReplaceAll(json, "{new}", ids.new_id);
  while (json.find("{rid}") != std::string::npos) {
    json.replace(json.find("{rid}"), 5, FreshRequestId());
  }
  return RpcExample{json, it->second.foreign};
}

}  // namespace lifecycle::testing
