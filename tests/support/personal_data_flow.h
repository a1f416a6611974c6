#pragma once

#include <string>

#include "tests/support/generic_client.h"

namespace lifecycle::testing {

// A representative run for one customer, with `marker` in every piece of
// personal data: its segment (default, with a one-step checklist), the
// customer with attributes, a transition reason, onboarding, a completed
// step with a note, a follow-up note, signals (a purchase of a catalogue
// product), a cross-sell offer, an attribute update and a re-segmentation. Fails the test on any
// error.
struct PersonalDataFlow {
  std::string customer_id;
  std::string segment_id;
  std::string step_id;
  std::string job_id;
  std::string product_id;  // the product purchased
  std::string offer_id;    // an open offer of another product
};
PersonalDataFlow RunPersonalDataFlow(GenericClient& client, const std::string& customer_id,
                                     const std::string& segment_id, const std::string& marker);

// Calls `full_method` with a JSON request and fails the test unless OK;
// returns the response JSON.
std::string CallOk(GenericClient& client, const std::string& full_method,
                   const std::string& request_json);

}  // namespace lifecycle::testing
