#pragma once

#include <map>
#include <optional>
#include <string>

namespace lifecycle::testing {

// What a minimal valid request of each RPC refers to. The isolation test
// points them at another tenant's objects; the fuzz test mutates them.
struct ExampleIds {
  std::string customer_id;       // an existing customer ({customer})
  std::string segment_id;        // an existing segment ({segment})
  std::string step_id;           // a step of that segment's checklist ({step})
  std::string job_id;            // a re-segmentation job ({job})
  std::string key_id;            // an API key ({key})
  std::string product_id;        // a catalogue product ({product})
  std::string offer_id;          // a cross-sell offer ({offer})
  std::string new_id = "fresh";  // for creates: an id not used yet ({new})
};

// How a call with another tenant's ids must end.
enum class ForeignOutcome {
  kNotFound,  // it names one object of the other tenant: NOT_FOUND
  kOwnData,   // it acts on or lists the caller's own data only (may be OK)
};

struct RpcExample {
  std::string request_json;  // proto JSON with the ids filled in
  ForeignOutcome foreign;
};

// The example for "/lifecycle.v1.CustomerService/GetCustomer" etc.; nothing
// when the table has no row for it (a new RPC: add one).
std::optional<RpcExample> ExampleRequest(const std::string& full_method, const ExampleIds& ids);

}  // namespace lifecycle::testing
