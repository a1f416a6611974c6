#include "server/domain/health_score.h"

#include <algorithm>
#include <cmath>

namespace lifecycle::domain {
namespace {

double Seconds(Timestamp from, Timestamp to) {
  return std::chrono::duration<double>(to - from).count();
}

std::optional<Timestamp> Later(std::optional<Timestamp> a, Timestamp b) {
  return a && *a >= b ? a : std::optional<Timestamp>(b);
}

}  // namespace

std::optional<Timestamp> HealthState::LastEngaged() const {
  if (!last_purchase) return last_activity;
  if (!last_activity) return last_purchase;
  return std::max(*last_purchase, *last_activity);
}

double DecayFactor(Timestamp from, Timestamp to, std::chrono::seconds half_life) {
  return std::exp2(-Seconds(from, to) / static_cast<double>(half_life.count()));
}

void AddSignal(HealthState& state, const Signal& signal, double impact,
               std::chrono::seconds half_life) {
  const bool first = state.counts == decltype(state.counts){};
  if (first || signal.occur_time > state.ref_time) {
    // Move the reference forward: decay what is stored to the new signal.
    const double factor = first ? 0 : DecayFactor(state.ref_time, signal.occur_time, half_life);
    for (double& contribution : state.contributions) contribution *= factor;
    state.spend *= factor;
    state.ref_time = signal.occur_time;
  }
  const double weight = DecayFactor(signal.occur_time, state.ref_time, half_life);
  state.contributions[KindIndex(signal.kind)] += impact * weight;
  if (signal.kind == SignalKind::kPurchase) state.spend += signal.value * weight;
  if (signal.kind == SignalKind::kRefund) state.spend -= signal.value * weight;
  if (signal.kind == SignalKind::kPurchase) {
    state.last_purchase = Later(state.last_purchase, signal.occur_time);
  }
  if (signal.kind == SignalKind::kActivity) {
    state.last_activity = Later(state.last_activity, signal.occur_time);
  }
  ++state.counts[KindIndex(signal.kind)];
}

double ScoreBreakdown::Total() const {
  double total = recency + monetary;
  for (double points : by_kind) total += points;
  return total;
}

ScoreBreakdown Breakdown(const HealthState& state, const RetentionPolicy& policy, Timestamp at) {
  ScoreBreakdown breakdown;
  const double factor = DecayFactor(state.ref_time, at, policy.half_life);
  for (std::size_t i = 0; i < kSignalKindCount; ++i) {
    breakdown.by_kind[i] = state.contributions[i] * factor;
  }
  if (auto engaged = state.LastEngaged()) {
    // A signal dated in the future counts as happening now.
    const double fresh = std::min(1.0, DecayFactor(*engaged, at, policy.half_life));
    breakdown.recency = policy.recency_weight * (2 * fresh - 1);
  }
  breakdown.monetary = policy.monetary_weight * std::log10(1 + std::max(0.0, state.spend * factor));
  return breakdown;
}

double ScoreOf(const ScoreBreakdown& breakdown) {
  return std::clamp(kBaselineScore + breakdown.Total(), 0.0, 100.0);
}

HealthBand BandFor(double score, const BandThresholds& thresholds) {
  if (score >= thresholds.healthy_min) return HealthBand::kHealthy;
  if (score >= thresholds.neutral_min) return HealthBand::kNeutral;
  if (score >= thresholds.at_risk_min) return HealthBand::kAtRisk;
  return HealthBand::kCritical;
}

HealthView Evaluate(const HealthState& state, const RetentionPolicy& policy, Timestamp at) {
  HealthView view;
  view.breakdown = Breakdown(state, policy, at);
  view.score = ScoreOf(view.breakdown);
  view.band = BandFor(view.score, policy.bands);
  return view;
}

std::vector<ScoreComponent> Components(const ScoreBreakdown& breakdown) {
  std::vector<ScoreComponent> components;
  for (SignalKind kind : kAllSignalKinds) {
    components.push_back({std::string(SignalKindName(kind)), breakdown.by_kind[KindIndex(kind)]});
  }
  components.push_back({"RECENCY", breakdown.recency});
  components.push_back({"MONETARY", breakdown.monetary});
  return components;
}

std::vector<ScoreComponent> Changes(const ScoreBreakdown& before, const ScoreBreakdown& after) {
  const auto from = Components(before);
  const auto to = Components(after);
  std::vector<ScoreComponent> changes;
  for (std::size_t i = 0; i < to.size(); ++i) {
    const double delta = to[i].points - from[i].points;
    if (std::abs(delta) >= 0.01) changes.push_back({to[i].name, delta});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return std::abs(a.points) > std::abs(b.points);
  });
  return changes;
}

Trend TrendOf(double score_before, double score_now) {
  const double delta = score_now - score_before;
  if (delta >= kTrendThreshold) return Trend::kImproving;
  if (delta <= -kTrendThreshold) return Trend::kDeclining;
  return Trend::kStable;
}

std::vector<Driver> TopDrivers(const std::vector<RecordedSignal>& signals,
                               std::chrono::seconds half_life, Timestamp at, std::size_t limit) {
  std::vector<Driver> drivers;
  drivers.reserve(signals.size());
  for (const auto& recorded : signals) {
    const double factor = std::min(1.0, DecayFactor(recorded.signal.occur_time, at, half_life));
    drivers.push_back({recorded.signal, recorded.impact, recorded.impact * factor});
  }
  std::stable_sort(drivers.begin(), drivers.end(), [](const Driver& a, const Driver& b) {
    return std::abs(a.points) > std::abs(b.points);
  });
  if (drivers.size() > limit) drivers.resize(limit);
  return drivers;
}

}  // namespace lifecycle::domain
