#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/domain/customer.h"
#include "server/domain/transitions.h"

namespace lifecycle::domain {

// One row of the transition log.
struct StageTransition {
  std::int64_t sequence = 0;
  std::string customer_id;
  Stage from = Stage::kNew;
  Stage to = Stage::kNew;
  Trigger trigger = Trigger::kManual;
  std::string actor;  // API key id, or "system"
  std::string reason;
  std::string override_reason;
  std::string request_id;
  std::string segment_id;
  Timestamp from_enter_time;
  Timestamp occur_time;
  // Set when the segment changed: the one left ("" for none) and the version
  // of the new segment's rule.
  std::string previous_segment_id;
  std::int64_t segment_version = 0;
};

// Who automatic moves are recorded as.
inline constexpr std::string_view kSystemActor = "system";

// Segmentation's decision for one customer: a segment ("" for none) and the
// version of its rule.
struct SegmentPlacement {
  std::string segment_id;
  std::int64_t version = 0;
};

// A customer's place in the lifecycle: now, or reconstructed for a moment.
struct StageSnapshot {
  std::string customer_id;
  Stage stage = Stage::kNew;
  std::string segment_id;
  std::int64_t version = 0;  // 0 when reconstructed from the log
  Timestamp stage_enter_time;
};

// A request to move a customer, already validated.
struct TransitionCommand {
  std::string customer_id;
  Stage to = Stage::kNew;
  Trigger trigger = Trigger::kManual;
  std::string actor;
  Role actor_role = Role::kReadonly;
  std::string reason;
  std::string override_reason;
  std::string request_id;
  std::optional<std::int64_t> expected_version;
  std::string segment_id;            // assign with the move; empty: keep
  std::int64_t segment_version = 0;  // of segment_id, when segmentation assigns it
};

}  // namespace lifecycle::domain
