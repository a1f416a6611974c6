#include "server/api/retention_converters.h"

#include "server/api/converters.h"

namespace lifecycle::api {
namespace {

void SetView(v1::CustomerHealth& health, const domain::HealthView& view) {
  health.set_score(view.score);
  health.set_band(ToProto(view.band));
  AddComponents(domain::Components(view.breakdown), health.mutable_components());
}

google::protobuf::Duration Seconds(std::chrono::seconds seconds) {
  google::protobuf::Duration duration;
  duration.set_seconds(seconds.count());
  return duration;
}

}  // namespace

v1::HealthBand ToProto(domain::HealthBand band) { return static_cast<v1::HealthBand>(band); }
v1::HealthTrend ToProto(domain::Trend trend) { return static_cast<v1::HealthTrend>(trend); }

v1::Signal ToProto(const domain::Signal& signal) {
  v1::Signal out;
  out.set_event_id(signal.event_id);
  out.set_customer_id(signal.customer_id);
  out.set_kind(static_cast<v1::SignalKind>(signal.kind));
  *out.mutable_occur_time() = ToProto(signal.occur_time);
  switch (signal.kind) {
    case domain::SignalKind::kPurchase:
    case domain::SignalKind::kRefund:
      out.set_amount(signal.value);
      out.set_product_id(signal.detail);
      break;
    case domain::SignalKind::kNps:
    case domain::SignalKind::kCsat:
    case domain::SignalKind::kCes:
      out.set_score(static_cast<int>(signal.value));
      break;
    case domain::SignalKind::kReview:
      out.set_sentiment(signal.value > 0 ? v1::REVIEW_SENTIMENT_POSITIVE
                                         : v1::REVIEW_SENTIMENT_NEGATIVE);
      break;
    case domain::SignalKind::kCustom:
      out.set_custom_name(signal.detail);
      out.set_custom_value(signal.value);
      break;
    default:
      break;
  }
  return out;
}

v1::SignalEffect ToProto(const domain::Driver& effect) {
  v1::SignalEffect out;
  *out.mutable_signal() = ToProto(effect.signal);
  out.set_impact(effect.impact);
  out.set_points(effect.points);
  return out;
}

void AddComponents(const std::vector<domain::ScoreComponent>& components,
                   google::protobuf::RepeatedPtrField<v1::ScoreComponent>* out) {
  for (const auto& component : components) {
    auto* added = out->Add();
    added->set_name(component.name);
    added->set_points(component.points);
  }
}

v1::CustomerHealth ToProto(const storage::StoredHealth& stored,
                           const domain::RetentionPolicy& policy, domain::Timestamp at) {
  v1::CustomerHealth health;
  health.set_customer_id(stored.customer_id);
  SetView(health, domain::Evaluate(stored.state, policy, at));
  if (stored.state.last_purchase) {
    *health.mutable_last_purchase_time() = ToProto(*stored.state.last_purchase);
  }
  if (stored.state.last_activity) {
    *health.mutable_last_activity_time() = ToProto(*stored.state.last_activity);
  }
  if (stored.stage == domain::Stage::kLapsed && stored.reacquaint_time &&
      *stored.reacquaint_time >= stored.stage_enter_time) {
    *health.mutable_reacquaintance_time() = ToProto(*stored.reacquaint_time);
  }
  health.set_stage(ToProto(stored.stage));
  health.set_segment_id(stored.segment_id);
  return health;
}

v1::CustomerHealth BaselineHealth(const std::string& customer_id, domain::Stage stage,
                                  const std::string& segment_id,
                                  const domain::RetentionPolicy& policy) {
  v1::CustomerHealth health;
  health.set_customer_id(customer_id);
  SetView(health, domain::Evaluate(domain::HealthState{}, policy, {}));
  health.set_stage(ToProto(stage));
  health.set_segment_id(segment_id);
  return health;
}

v1::RetentionPolicy ToProto(const domain::RetentionPolicy& policy) {
  v1::RetentionPolicy out;
  for (auto kind : domain::kAllSignalKinds) {
    auto* weight = out.add_weights();
    weight->set_kind(static_cast<v1::SignalKind>(kind));
    weight->set_weight(policy.Weight(kind));
  }
  *out.mutable_half_life() = Seconds(policy.half_life);
  out.set_negative_multiplier(policy.negative_multiplier);
  out.set_recency_weight(policy.recency_weight);
  out.set_monetary_weight(policy.monetary_weight);
  out.set_healthy_min(policy.bands.healthy_min);
  out.set_neutral_min(policy.bands.neutral_min);
  out.set_at_risk_min(policy.bands.at_risk_min);
  *out.mutable_lapse_after() = Seconds(policy.lapse_after);
  for (const auto& segment : policy.segment_lapse_after) {
    auto* added = out.add_segment_lapse_after();
    added->set_segment_id(segment.segment_id);
    *added->mutable_lapse_after() = Seconds(segment.lapse_after);
  }
  out.set_version(policy.version);
  return out;
}

}  // namespace lifecycle::api
