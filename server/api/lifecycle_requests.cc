#include "server/api/lifecycle_requests.h"

#include <unordered_set>

#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
StageQuery ValidateGetCustomerStage(const v1::GetCustomerStageRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  StageQuery query{.customer_id = request.customer_id()};
  if (request.has_as_of()) {
    if (!IsValidTimestamp(request.as_of())) {
      violations.Add("as_of", "is not a valid timestamp");
    } else {
      query.as_of = FromProto(request.as_of());
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

std::vector<std::string> ValidateBatchGetCustomerStages(
    const v1::BatchGetCustomerStagesRequest& request) {
  domain::Violations violations;
  if (request.customer_ids().empty()) violations.Add("customer_ids", "must not be empty");
  if (request.customer_ids_size() > kMaxBatchStages) {
    violations.Add("customer_ids", "must hold at most " + std::to_string(kMaxBatchStages) + " ids");
    std::move(violations).ThrowIfAny();
  }
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < request.customer_ids_size(); ++i) {
    const std::string& id = request.customer_ids(i);
    CheckId(violations, "customer_ids[" + std::to_string(i) + "]", id);
    if (seen.insert(id).second) ids.push_back(id);
  }
  std::move(violations).ThrowIfAny();
  return ids;
}

domain::TransitionCommand ValidateTransitionCustomer(const v1::TransitionCustomerRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  CheckId(violations, "customer_id", request.customer_id());
  domain::TransitionCommand command{
      .customer_id = request.customer_id(),
      .trigger = domain::Trigger::kManual,
      .reason = request.reason(),
      .override_reason = request.override_reason(),
      .request_id = request.request_id(),
      .segment_id = request.segment_id(),
  };
  if (auto stage = domain::StageFromNumber(request.to_stage())) {
    command.to = *stage;
  } else {
    violations.Add("to_stage", request.to_stage() == v1::STAGE_UNSPECIFIED
                                   ? "is required"
                                   : "unknown stage " + std::to_string(request.to_stage()));
  }
  CheckOptionalText(violations, "reason", request.reason(), kMaxReasonLength);
  CheckOptionalText(violations, "override_reason", request.override_reason(), kMaxReasonLength);
  if (!request.segment_id().empty()) CheckId(violations, "segment_id", request.segment_id());
  if (request.has_expected_version()) {
    if (request.expected_version() < 1) violations.Add("expected_version", "must be at least 1");
    command.expected_version = request.expected_version();
  }
  std::move(violations).ThrowIfAny();
  return command;
}

HistoryQuery ValidateListStageHistory(const v1::ListStageHistoryRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  HistoryQuery query{.customer_id = request.customer_id(),
                     .page_size = CheckPageSize(violations, request.page_size()),
                     .query_digest = "history;" + request.customer_id()};
  if (!request.page_token().empty()) {
    try {
      query.before =
          PositivePosition(DecodePageToken(request.page_token(), query.query_digest, 1).front());
    } catch (const domain::Error& error) {
      violations.AddFrom(error);
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

std::int64_t ValidateWatchLifecycleEvents(const v1::WatchLifecycleEventsRequest& request) {
  if (request.after_sequence() < 0) {
    throw domain::Error::InvalidArgument("after_sequence", "must not be negative");
  }
  return request.after_sequence();
}

}  // namespace lifecycle::api
