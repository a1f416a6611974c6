#pragma once

// Validation of RetentionService requests other than signals
// (signal_requests.h). Each throws INVALID_ARGUMENT naming every bad field.

#include <optional>
#include <string>

#include "lifecycle/v1/retention.pb.h"
#include "server/domain/customer.h"
#include "server/domain/retention_policy.h"
#include "storage/health_store.h"

namespace lifecycle::api {

inline constexpr int kDefaultRecentSignals = 10;
inline constexpr int kMaxRecentSignals = 100;

struct HealthQuery {
  std::string customer_id;
  std::optional<domain::Timestamp> compare_time;
  int recent_signals = kDefaultRecentSignals;
};

struct MetricsQuery {
  std::optional<std::string> segment_id;
  domain::Timestamp start;
  domain::Timestamp end;
};

HealthQuery ValidateGetHealth(const v1::GetHealthRequest& request);
// The store query (limit = page size + 1) and the digest its tokens carry.
storage::AtRiskQuery ValidateListAtRiskCustomers(const v1::ListAtRiskCustomersRequest& request,
                                                 std::string* query_digest);
// The token of the page after (score, customer_id).
std::string AtRiskPageToken(const std::string& query_digest, double score,
                            const std::string& customer_id);
// `current` with the masked fields of the request applied, validated.
domain::RetentionPolicy MergePolicyUpdate(const v1::UpdateRetentionPolicyRequest& request,
                                          const domain::RetentionPolicy& current);
// Checks request_id and the expected version before the policy is read.
void CheckUpdateRetentionPolicy(const v1::UpdateRetentionPolicyRequest& request);
MetricsQuery ValidateGetRetentionMetrics(const v1::GetRetentionMetricsRequest& request,
                                         domain::Timestamp now);

}  // namespace lifecycle::api
