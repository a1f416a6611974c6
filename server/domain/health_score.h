#pragma once

// The health score: a 0-100 number per customer, kept up to date in O(1)
// per signal and explainable term by term.
//
//   score = clamp(50 + sum over kinds of contribution[kind]
//                    + recency + monetary, 0, 100)
//
// - contribution[kind] is the sum of the kind's signal impacts (see
//   signal.h), each decayed by 2^(-age / half_life). It is stored decayed to
//   one reference time, so a new signal costs one multiply-add per kind and
//   a read decays the stored values to now: nothing is recomputed from
//   history.
// - recency = recency_weight * (2 * 2^(-quiet / half_life) - 1), where quiet
//   is the time since the last purchase or activity: +weight right after
//   one, 0 a half-life later, toward -weight as the customer goes silent.
//   0 for a customer who never engaged.
// - monetary = monetary_weight * log10(1 + net spend), where net spend is
//   purchase amounts minus refunds, decayed like the contributions.
// With no signals the score is 50, the middle of the NEUTRAL band.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/health_band.h"
#include "server/domain/retention_policy.h"
#include "server/domain/signal.h"

namespace lifecycle::domain {

inline constexpr double kBaselineScore = 50;

// What is stored per customer: everything the score needs, decayed to ref_time.
struct HealthState {
  Timestamp ref_time{};
  std::array<double, kSignalKindCount> contributions{};
  double spend = 0;
  std::optional<Timestamp> last_purchase;
  std::optional<Timestamp> last_activity;
  std::array<std::int64_t, kSignalKindCount> counts{};  // all time, not decayed

  std::optional<Timestamp> LastEngaged() const;
};

// 2^(-(to - from) / half_life); above 1 when `to` is before `from`.
double DecayFactor(Timestamp from, Timestamp to, std::chrono::seconds half_life);

// Adds one signal worth `impact` points. Signals may arrive in any order:
// a late one is decayed to ref_time instead of moving it back, so the result
// is the same for any order.
void AddSignal(HealthState& state, const Signal& signal, double impact,
               std::chrono::seconds half_life);

// The score's terms at one moment.
struct ScoreBreakdown {
  std::array<double, kSignalKindCount> by_kind{};
  double recency = 0;
  double monetary = 0;

  double Total() const;
};

// A named term of the breakdown: a signal kind name, "RECENCY" or "MONETARY".
struct ScoreComponent {
  std::string name;
  double points = 0;
};

struct HealthView {
  double score = kBaselineScore;
  HealthBand band = HealthBand::kNeutral;
  ScoreBreakdown breakdown;
};

ScoreBreakdown Breakdown(const HealthState& state, const RetentionPolicy& policy, Timestamp at);
double ScoreOf(const ScoreBreakdown& breakdown);
HealthBand BandFor(double score, const BandThresholds& thresholds);
HealthView Evaluate(const HealthState& state, const RetentionPolicy& policy, Timestamp at);

// Every term, by name, in a fixed order (kinds, then RECENCY, MONETARY).
std::vector<ScoreComponent> Components(const ScoreBreakdown& breakdown);
// What moved between `before` and `after`: the terms whose points changed by
// at least 0.01, largest change first.
std::vector<ScoreComponent> Changes(const ScoreBreakdown& before, const ScoreBreakdown& after);

enum class Trend { kImproving = 1, kStable = 2, kDeclining = 3 };
inline constexpr double kTrendThreshold = 5;  // points over the trend window
inline constexpr auto kTrendWindow = std::chrono::days{30};
Trend TrendOf(double score_before, double score_now);

// One recorded signal as a driver: what it adds to the score at `at`.
struct Driver {
  Signal signal;
  double impact = 0;  // points when it happened
  double points = 0;  // points now, after decay
};
struct RecordedSignal {
  Signal signal;
  double impact = 0;
};
// The `limit` signals that move the score most at `at` (by |points|).
std::vector<Driver> TopDrivers(const std::vector<RecordedSignal>& signals,
                               std::chrono::seconds half_life, Timestamp at, std::size_t limit);

}  // namespace lifecycle::domain
