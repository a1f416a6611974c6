#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/error.h"
#include "server/domain/signal_kind.h"

namespace lifecycle::domain {

inline constexpr std::size_t kSignalKindCount = std::size(kAllSignalKinds);

// Index of a kind in per-kind arrays (weights, contributions, counts).
constexpr std::size_t KindIndex(SignalKind kind) { return static_cast<std::size_t>(kind) - 1; }

// Scores at or above each threshold fall in that band; below at_risk_min is
// CRITICAL. Ordered: 100 >= healthy_min > neutral_min > at_risk_min > 0.
struct BandThresholds {
  double healthy_min = 70;
  double neutral_min = 45;
  double at_risk_min = 25;
};

// A quieter window for one segment (e.g. annual buyers).
struct SegmentLapse {
  std::string segment_id;
  std::chrono::seconds lapse_after{0};
};

// How a tenant scores health and detects lapse. See server/domain/health_score.h
// for what each number does.
struct RetentionPolicy {
  // Points one signal of the kind is worth at full strength (valence +-1),
  // before the negative multiplier. Indexed by KindIndex.
  std::array<double, kSignalKindCount> weights{};
  // A signal's points halve every half_life.
  std::chrono::seconds half_life{std::chrono::days{30}};
  // Bad experiences count this many times a good one of the same kind
  // (seeds 002/003: about 3x for word of mouth, 5-17x for avoiding harm).
  double negative_multiplier = 3;
  // Recency swings the score by up to +-recency_weight: + right after a
  // purchase or activity, 0 one half-life later, toward - as it goes quiet.
  double recency_weight = 15;
  // Monetary adds monetary_weight * log10(1 + decayed net spend).
  double monetary_weight = 2;
  BandThresholds bands;
  // An active customer with no purchase or activity for this long lapses.
  std::chrono::seconds lapse_after{std::chrono::days{60}};
  std::vector<SegmentLapse> segment_lapse_after;
  // Bumped on every update; 0 for the built-in defaults (never stored).
  std::int64_t version = 0;

  double Weight(SignalKind kind) const { return weights[KindIndex(kind)]; }
  std::chrono::seconds LapseAfter(std::string_view segment_id) const;
};

RetentionPolicy DefaultRetentionPolicy();

// Every problem with a policy, by field path ("weights.COMPLAINT",
// "half_life", "neutral_min", "segment_lapse_after[2].segment_id", ...).
std::vector<FieldViolation> CheckRetentionPolicy(const RetentionPolicy& policy);

}  // namespace lifecycle::domain
