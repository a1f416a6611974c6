#include "server/domain/retention_policy.h"

#include <cmath>
#include <set>

#include "server/domain/identifiers.h"

namespace lifecycle::domain {
namespace {

// Largest weight, multiplier or component a tenant may set: beyond it one
// signal would swing the 0-100 score from end to end and explain nothing.
constexpr double kMaxPoints = 100;
constexpr auto kMaxDuration = std::chrono::days{3650};

void CheckPoints(std::vector<FieldViolation>& out, std::string field, double value) {
  if (!std::isfinite(value) || value < 0 || value > kMaxPoints) {
    out.push_back({std::move(field), "must be a finite number from 0 to 100"});
  }
}

void CheckDuration(std::vector<FieldViolation>& out, std::string field,
                   std::chrono::seconds value) {
  if (value <= std::chrono::seconds{0} || value > kMaxDuration) {
    out.push_back({std::move(field), "must be positive and at most 3650 days"});
  }
}

}  // namespace

std::chrono::seconds RetentionPolicy::LapseAfter(std::string_view segment_id) const {
  for (const auto& segment : segment_lapse_after) {
    if (segment.segment_id == segment_id) return segment.lapse_after;
  }
  return lapse_after;
}

RetentionPolicy DefaultRetentionPolicy() {
  RetentionPolicy policy;
  // Positive magnitudes; the negative multiplier (3) makes each bad signal
  // weigh three times its good counterpart: a negative review -12 against a
  // positive +4, a detractor -15 against a promoter +5, a refund -9 against
  // a purchase +3.
  auto set = [&](SignalKind kind, double weight) { policy.weights[KindIndex(kind)] = weight; };
  set(SignalKind::kPurchase, 3);
  set(SignalKind::kActivity, 1);
  set(SignalKind::kSupportTicket, 1);
  set(SignalKind::kComplaint, 4);
  set(SignalKind::kNps, 5);
  set(SignalKind::kCsat, 4);
  set(SignalKind::kCes, 4);
  set(SignalKind::kReview, 4);
  set(SignalKind::kRefund, 3);
  set(SignalKind::kPaymentFailed, 2);
  set(SignalKind::kCustom, 2);
  return policy;
}

std::vector<FieldViolation> CheckRetentionPolicy(const RetentionPolicy& policy) {
  std::vector<FieldViolation> out;
  for (SignalKind kind : kAllSignalKinds) {
    CheckPoints(out, "weights." + std::string(SignalKindName(kind)), policy.Weight(kind));
  }
  CheckDuration(out, "half_life", policy.half_life);
  if (!std::isfinite(policy.negative_multiplier) || policy.negative_multiplier < 1 ||
      policy.negative_multiplier > kMaxPoints) {
    out.push_back({"negative_multiplier", "must be a finite number from 1 to 100"});
  }
  CheckPoints(out, "recency_weight", policy.recency_weight);
  CheckPoints(out, "monetary_weight", policy.monetary_weight);
  // Each threshold must lie between its neighbours: 100 >= healthy_min >
  // neutral_min > at_risk_min > 0. The first one out of order is named.
  const BandThresholds& b = policy.bands;
  const char* ordered =
      "must be finite and ordered: 100 >= healthy_min > neutral_min > "
      "at_risk_min > 0";
  const bool neutral_finite = std::isfinite(b.neutral_min);
  const bool at_risk_finite = std::isfinite(b.at_risk_min);
  if (!std::isfinite(b.healthy_min) || b.healthy_min > 100 ||
      (neutral_finite && !(b.healthy_min > b.neutral_min))) {
    out.push_back({"healthy_min", ordered});
  } else if (!neutral_finite || (at_risk_finite && !(b.neutral_min > b.at_risk_min))) {
    out.push_back({"neutral_min", ordered});
  } else if (!at_risk_finite || !(b.at_risk_min > 0)) {
    out.push_back({"at_risk_min", ordered});
  }
  CheckDuration(out, "lapse_after", policy.lapse_after);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < policy.segment_lapse_after.size(); ++i) {
    const auto& segment = policy.segment_lapse_after[i];
    const std::string path = "segment_lapse_after[" + std::to_string(i) + "]";
    if (auto why = CheckId(segment.segment_id)) {
      out.push_back({path + ".segment_id", *why});
    } else if (!seen.insert(segment.segment_id).second) {
      out.push_back({path + ".segment_id", "appears twice"});
    }
    CheckDuration(out, path + ".lapse_after", segment.lapse_after);
  }
  return out;
}

}  // namespace lifecycle::domain
