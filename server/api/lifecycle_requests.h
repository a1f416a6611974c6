#pragma once

// Validation of LifecycleService requests. Each function throws
// INVALID_ARGUMENT naming every bad field.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/v1/lifecycle.pb.h"
#include "server/domain/stage_transition.h"

namespace lifecycle::api {

inline constexpr int kMaxBatchStages = 1000;
inline constexpr std::size_t kMaxReasonLength = 1000;

struct StageQuery {
  std::string customer_id;
  std::optional<domain::Timestamp> as_of;
};

struct HistoryQuery {
  std::string customer_id;
  int page_size = 0;
  std::optional<std::int64_t> before;  // resume below this sequence
  std::string query_digest;
};

StageQuery ValidateGetCustomerStage(const v1::GetCustomerStageRequest& request);
// The distinct ids, in request order.
std::vector<std::string> ValidateBatchGetCustomerStages(
    const v1::BatchGetCustomerStagesRequest& request);
// Fills the parts of the command that come from the request; the caller
// adds actor and role from the principal.
domain::TransitionCommand ValidateTransitionCustomer(const v1::TransitionCustomerRequest& request);
HistoryQuery ValidateListStageHistory(const v1::ListStageHistoryRequest& request);
std::int64_t ValidateWatchLifecycleEvents(const v1::WatchLifecycleEventsRequest& request);

}  // namespace lifecycle::api
