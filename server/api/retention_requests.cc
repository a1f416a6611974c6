#include "server/api/retention_requests.h"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "server/api/converters.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"

namespace lifecycle::api {
namespace {

constexpr auto kDefaultMetricsPeriod = std::chrono::days(30);

std::optional<domain::Timestamp> CheckTime(domain::Violations& violations, const std::string& field,
                                           bool present, const google::protobuf::Timestamp& time) {
  if (!present) return std::nullopt;
  if (!IsValidTimestamp(time)) {
    violations.Add(field, "is not a valid timestamp");
    return std::nullopt;
  }
  return FromProto(time);
}

// Durations in whole seconds; a bad one is reported and left unchanged.
std::chrono::seconds CheckDuration(domain::Violations& violations, const std::string& field,
                                   const google::protobuf::Duration& duration,
                                   std::chrono::seconds fallback) {
  if (duration.nanos() != 0) {
    violations.Add(field, "must be whole seconds");
    return fallback;
  }
  return std::chrono::seconds(duration.seconds());
}

// The exact text of a score in a page token, and back.
std::string ScoreText(double score) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", score);
  return text;
}

void ApplyField(const std::string& path, const v1::RetentionPolicy& in, domain::Violations& bad,
                domain::RetentionPolicy& policy) {
  if (path == "weights") {
    for (int i = 0; i < in.weights_size(); ++i) {
      const auto kind = domain::SignalKindFromNumber(in.weights(i).kind());
      if (!kind) {
        bad.Add("policy.weights[" + std::to_string(i) + "].kind", "is not a signal kind");
        continue;
      }
      policy.weights[domain::KindIndex(*kind)] = in.weights(i).weight();
    }
  } else if (path == "half_life") {
    policy.half_life = CheckDuration(bad, "policy.half_life", in.half_life(), policy.half_life);
  } else if (path == "negative_multiplier") {
    policy.negative_multiplier = in.negative_multiplier();
  } else if (path == "recency_weight") {
    policy.recency_weight = in.recency_weight();
  } else if (path == "monetary_weight") {
    policy.monetary_weight = in.monetary_weight();
  } else if (path == "healthy_min") {
    policy.bands.healthy_min = in.healthy_min();
  } else if (path == "neutral_min") {
    policy.bands.neutral_min = in.neutral_min();
  } else if (path == "at_risk_min") {
    policy.bands.at_risk_min = in.at_risk_min();
  } else if (path == "lapse_after") {
    policy.lapse_after =
        CheckDuration(bad, "policy.lapse_after", in.lapse_after(), policy.lapse_after);
  } else if (path == "segment_lapse_after") {
    policy.segment_lapse_after.clear();
    for (int i = 0; i < in.segment_lapse_after_size(); ++i) {
      const auto& segment = in.segment_lapse_after(i);
      policy.segment_lapse_after.push_back(
          {segment.segment_id(),
           CheckDuration(bad, "policy.segment_lapse_after[" + std::to_string(i) + "].lapse_after",
                         segment.lapse_after(), std::chrono::seconds(0))});
    }
  } else {
    bad.Add("update_mask", "unknown field '" + path + "'");
  }
}

constexpr const char* kPolicyFields[] = {
    "weights",     "half_life",   "negative_multiplier", "recency_weight",      "monetary_weight",
    "healthy_min", "neutral_min", "at_risk_min",         "segment_lapse_after", "lapse_after"};

}  // namespace

HealthQuery ValidateGetHealth(const v1::GetHealthRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  HealthQuery query;
  query.customer_id = request.customer_id();
  query.compare_time =
      CheckTime(violations, "compare_time", request.has_compare_time(), request.compare_time());
  if (request.recent_signal_count() < 0 || request.recent_signal_count() > kMaxRecentSignals) {
    violations.Add("recent_signal_count", "must be from 0 to 100 (0 means 10)");
  } else if (request.recent_signal_count() > 0) {
    query.recent_signals = request.recent_signal_count();
  }
  std::move(violations).ThrowIfAny();
  return query;
}

storage::AtRiskQuery ValidateListAtRiskCustomers(const v1::ListAtRiskCustomersRequest& request,
                                                 std::string* query_digest) {
  domain::Violations violations;
  storage::AtRiskQuery query;
  std::set<int> bands;
  for (int i = 0; i < request.bands_size(); ++i) {
    if (auto band = domain::HealthBandFromNumber(request.bands(i))) {
      if (bands.insert(request.bands(i)).second) query.bands.push_back(*band);
    } else {
      violations.Add("bands[" + std::to_string(i) + "]", "is not a health band");
    }
  }
  if (request.bands().empty()) {
    query.bands = {domain::HealthBand::kAtRisk, domain::HealthBand::kCritical};
  }
  if (!request.segment_id().empty()) {
    CheckId(violations, "segment_id", request.segment_id());
    query.segment_id = request.segment_id();
  }
  query.limit = CheckPageSize(violations, request.page_size()) + 1;
  *query_digest = "at_risk;" + request.segment_id();
  for (auto band : query.bands) *query_digest += ";" + std::to_string(static_cast<int>(band));
  if (!request.page_token().empty()) {
    try {
      const auto position = DecodePageToken(request.page_token(), *query_digest, 2);
      char* end = nullptr;
      query.after_score = std::strtod(position[0].c_str(), &end);
      if (end == position[0].c_str() || *end != '\0' || position[1].empty()) {
        throw domain::Error::InvalidArgument("page_token", "is malformed");
      }
      query.after_customer_id = position[1];
    } catch (const domain::Error& error) {
      violations.AddFrom(error);
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

std::string AtRiskPageToken(const std::string& query_digest, double score,
                            const std::string& customer_id) {
  return EncodePageToken(query_digest, {ScoreText(score), customer_id});
}

void CheckUpdateRetentionPolicy(const v1::UpdateRetentionPolicyRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_policy()) violations.Add("policy", "is required");
  if (request.has_expected_version() && request.expected_version() < 0) {
    violations.Add("expected_version", "must not be negative");
  }
  std::move(violations).ThrowIfAny();
}

domain::RetentionPolicy MergePolicyUpdate(const v1::UpdateRetentionPolicyRequest& request,
                                          const domain::RetentionPolicy& current) {
  domain::Violations violations;
  domain::RetentionPolicy policy = current;
  if (request.update_mask().paths().empty()) {
    for (const char* path : kPolicyFields) ApplyField(path, request.policy(), violations, policy);
  } else {
    for (const auto& path : request.update_mask().paths()) {
      ApplyField(path, request.policy(), violations, policy);
    }
  }
  for (auto& problem : domain::CheckRetentionPolicy(policy)) {
    violations.Add("policy." + problem.field, problem.description);
  }
  std::move(violations).ThrowIfAny();
  return policy;
}

MetricsQuery ValidateGetRetentionMetrics(const v1::GetRetentionMetricsRequest& request,
                                         domain::Timestamp now) {
  domain::Violations violations;
  MetricsQuery query;
  if (!request.segment_id().empty()) {
    CheckId(violations, "segment_id", request.segment_id());
    query.segment_id = request.segment_id();
  }
  const auto end = CheckTime(violations, "end_time", request.has_end_time(), request.end_time());
  query.end = end.value_or(now);
  const auto start =
      CheckTime(violations, "start_time", request.has_start_time(), request.start_time());
  query.start = start.value_or(query.end - kDefaultMetricsPeriod);
  if (query.start >= query.end) violations.Add("start_time", "must be before end_time");
  std::move(violations).ThrowIfAny();
  return query;
}

}  // namespace lifecycle::api
