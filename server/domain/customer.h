#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "server/domain/stage.h"

namespace lifecycle::domain {

using Timestamp = std::chrono::system_clock::time_point;

// Who erased a customer's personal data (a key id), and when.
struct CustomerErasure {
  Timestamp erase_time;
  std::string erased_by;
};

struct Customer {
  std::string customer_id;
  std::string attributes_json = "{}";  // a JSON object, stored as JSONB
  Stage stage = Stage::kNew;
  std::string segment_id;  // empty until segmented
  std::int64_t version = 1;
  Timestamp create_time;
  Timestamp update_time;
  Timestamp stage_enter_time;
  std::optional<CustomerErasure> erasure;
};

// What ListCustomers narrows by; unset members match everything.
struct CustomerFilter {
  std::optional<Stage> stage;
  std::optional<std::string> segment_id;
};

}  // namespace lifecycle::domain
