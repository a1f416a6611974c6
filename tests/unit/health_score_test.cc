// The health score (server/domain/health_score.h), table-driven: decay over
// time, weights per kind, the asymmetry of bad against good, bands, trend,
// drivers and "what changed". Expected numbers are worked out by hand from
// the formula in the header, not from the code.

#include "server/domain/health_score.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "server/domain/retention_policy.h"
#include "server/domain/signal.h"

namespace lifecycle::domain {
namespace {

using std::chrono::days;
using std::chrono::hours;

const Timestamp kT0 = Timestamp{} + days(20000);  // mid 2024
const RetentionPolicy kPolicy = DefaultRetentionPolicy();

Signal Make(SignalKind kind, Timestamp at, double value = 0) {
  static int next = 0;
  return Signal{.event_id = "e" + std::to_string(++next),
                .customer_id = "c1",
                .kind = kind,
                .occur_time = at,
                .value = value,
                .detail = ""};
}

HealthState StateOf(const std::vector<Signal>& signals, const RetentionPolicy& policy = kPolicy) {
  HealthState state;
  for (const auto& signal : signals) {
    AddSignal(state, signal, Impact(signal, policy), policy.half_life);
  }
  return state;
}

// ------------------------------------------------------------ impact table

struct ImpactCase {
  std::string name;
  SignalKind kind;
  double value;
  double impact;  // with the default policy
};

class ImpactTest : public ::testing::TestWithParam<ImpactCase> {};

TEST_P(ImpactTest, DefaultPolicyGivesTheseImpacts) {
  const auto& c = GetParam();
  EXPECT_DOUBLE_EQ(Impact(Make(c.kind, kT0, c.value), kPolicy), c.impact);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ImpactTest,
    ::testing::Values(ImpactCase{"Purchase", SignalKind::kPurchase, 25.0, 3},
                      ImpactCase{"Activity", SignalKind::kActivity, 0, 1},
                      ImpactCase{"SupportTicket", SignalKind::kSupportTicket, 0, -3},
                      ImpactCase{"Complaint", SignalKind::kComplaint, 0, -12},
                      ImpactCase{"NpsPromoter10", SignalKind::kNps, 10, 5},
                      ImpactCase{"NpsPromoter9", SignalKind::kNps, 9, 5},
                      ImpactCase{"NpsPassive8", SignalKind::kNps, 8, 0},
                      ImpactCase{"NpsPassive7", SignalKind::kNps, 7, 0},
                      ImpactCase{"NpsDetractor6", SignalKind::kNps, 6, -15},
                      ImpactCase{"NpsDetractor0", SignalKind::kNps, 0, -15},
                      ImpactCase{"Csat5", SignalKind::kCsat, 5, 4},
                      ImpactCase{"Csat4", SignalKind::kCsat, 4, 2},
                      ImpactCase{"Csat3", SignalKind::kCsat, 3, 0},
                      ImpactCase{"Csat2", SignalKind::kCsat, 2, -6},
                      ImpactCase{"Csat1", SignalKind::kCsat, 1, -12},
                      ImpactCase{"Ces1LowEffort", SignalKind::kCes, 1, 4},
                      ImpactCase{"Ces4", SignalKind::kCes, 4, 0},
                      ImpactCase{"Ces7HighEffort", SignalKind::kCes, 7, -12},
                      ImpactCase{"ReviewPositive", SignalKind::kReview, 1, 4},
                      ImpactCase{"ReviewNegative", SignalKind::kReview, -1, -12},
                      ImpactCase{"Refund", SignalKind::kRefund, 25.0, -9},
                      ImpactCase{"PaymentFailed", SignalKind::kPaymentFailed, 0, -6},
                      ImpactCase{"CustomHalf", SignalKind::kCustom, 0.5, 1},
                      ImpactCase{"CustomNegativeHalf", SignalKind::kCustom, -0.5, -3},
                      ImpactCase{"CustomClampedHigh", SignalKind::kCustom, 7, 2}),
    [](const auto& info) { return info.param.name; });

// Seeds 002/003: the bad weighs at least three times the good by default.
TEST(AsymmetryTest, EveryBadSignalWeighsAtLeastThreeTimesItsGoodCounterpart) {
  struct Pair {
    Signal good, bad;
  };
  const std::vector<Pair> pairs = {
      {Make(SignalKind::kReview, kT0, 1), Make(SignalKind::kReview, kT0, -1)},
      {Make(SignalKind::kNps, kT0, 10), Make(SignalKind::kNps, kT0, 0)},
      {Make(SignalKind::kCsat, kT0, 5), Make(SignalKind::kCsat, kT0, 1)},
      {Make(SignalKind::kCes, kT0, 1), Make(SignalKind::kCes, kT0, 7)},
      {Make(SignalKind::kCustom, kT0, 1), Make(SignalKind::kCustom, kT0, -1)},
      {Make(SignalKind::kPurchase, kT0, 10), Make(SignalKind::kRefund, kT0, 10)},
      {Make(SignalKind::kActivity, kT0), Make(SignalKind::kSupportTicket, kT0)},
  };
  for (const auto& [good, bad] : pairs) {
    const double up = Impact(good, kPolicy);
    const double down = Impact(bad, kPolicy);
    EXPECT_GT(up, 0) << SignalKindName(good.kind);
    EXPECT_LT(down, 0) << SignalKindName(bad.kind);
    EXPECT_GE(-down, 3 * up) << SignalKindName(bad.kind);
  }
}

TEST(AsymmetryTest, TheMultiplierScalesOnlyNegativeSignals) {
  RetentionPolicy policy = kPolicy;
  policy.negative_multiplier = 10;
  EXPECT_DOUBLE_EQ(Impact(Make(SignalKind::kReview, kT0, -1), policy), -40);
  EXPECT_DOUBLE_EQ(Impact(Make(SignalKind::kReview, kT0, 1), policy), 4);
}

TEST(WeightsTest, AKindsWeightScalesItsImpactAndZeroIgnoresIt) {
  RetentionPolicy policy = kPolicy;
  policy.weights[KindIndex(SignalKind::kComplaint)] = 0;
  policy.weights[KindIndex(SignalKind::kActivity)] = 7;
  EXPECT_EQ(Impact(Make(SignalKind::kComplaint, kT0), policy), 0);
  EXPECT_DOUBLE_EQ(Impact(Make(SignalKind::kActivity, kT0), policy), 7);
}

// ------------------------------------------------------------------ decay

struct DecayCase {
  std::string name;
  Timestamp at;
  double complaint_points;  // one complaint (-12) at kT0, read at `at`
};

class DecayTest : public ::testing::TestWithParam<DecayCase> {};

TEST_P(DecayTest, AContributionHalvesEveryHalfLife) {
  const auto& c = GetParam();
  const auto breakdown = Breakdown(StateOf({Make(SignalKind::kComplaint, kT0)}), kPolicy, c.at);
  EXPECT_NEAR(breakdown.by_kind[KindIndex(SignalKind::kComplaint)], c.complaint_points, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(
    HalfLives, DecayTest,
    ::testing::Values(DecayCase{"Now", kT0, -12}, DecayCase{"OneHalfLife", kT0 + days(30), -6},
                      DecayCase{"TwoHalfLives", kT0 + days(60), -3},
                      DecayCase{"FifteenDays", kT0 + days(15), -12 / std::sqrt(2.0)},
                      DecayCase{"TenHalfLives", kT0 + days(300), -12.0 / 1024}),
    [](const auto& info) { return info.param.name; });

TEST(DecayTest, ScoresDriftBackWithoutNewSignals) {
  const auto state = StateOf({Make(SignalKind::kComplaint, kT0)});
  // No engagement ever: recency 0, so the score returns toward 50.
  EXPECT_DOUBLE_EQ(Evaluate(state, kPolicy, kT0).score, 38);
  EXPECT_DOUBLE_EQ(Evaluate(state, kPolicy, kT0 + days(30)).score, 44);
  EXPECT_NEAR(Evaluate(state, kPolicy, kT0 + days(3000)).score, 50, 1e-9);
}

TEST(DecayTest, AShorterHalfLifeForgetsFaster) {
  RetentionPolicy policy = kPolicy;
  policy.half_life = days(7);
  const auto state = StateOf({Make(SignalKind::kComplaint, kT0)}, policy);
  EXPECT_NEAR(Breakdown(state, policy, kT0 + days(14)).by_kind[KindIndex(SignalKind::kComplaint)],
              -3, 1e-9);
}

TEST(DecayTest, OrderOfArrivalDoesNotMatter) {
  std::vector<Signal> signals;
  for (int i = 0; i < 40; ++i) {
    signals.push_back(Make(kAllSignalKinds[i % kSignalKindCount], kT0 + hours(13 * i), i % 11));
  }
  const auto in_order = StateOf(signals);
  std::mt19937 random(7);
  std::shuffle(signals.begin(), signals.end(), random);
  const auto shuffled = StateOf(signals);
  const Timestamp at = kT0 + days(40);
  const auto a = Breakdown(in_order, kPolicy, at);
  const auto b = Breakdown(shuffled, kPolicy, at);
  for (std::size_t i = 0; i < kSignalKindCount; ++i) EXPECT_NEAR(a.by_kind[i], b.by_kind[i], 1e-9);
  EXPECT_NEAR(a.recency, b.recency, 1e-9);
  EXPECT_NEAR(a.monetary, b.monetary, 1e-9);
  EXPECT_EQ(in_order.counts, shuffled.counts);
}

// --------------------------------------------------------- RFM components

struct RecencyCase {
  std::string name;
  Timestamp at;
  double recency;  // last activity at kT0, recency_weight 15
};

class RecencyTest : public ::testing::TestWithParam<RecencyCase> {};

TEST_P(RecencyTest, RecencyFallsFromPlusToMinusItsWeight) {
  const auto& c = GetParam();
  EXPECT_NEAR(Breakdown(StateOf({Make(SignalKind::kActivity, kT0)}), kPolicy, c.at).recency,
              c.recency, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Quiet, RecencyTest,
                         ::testing::Values(RecencyCase{"JustActive", kT0, 15},
                                           RecencyCase{"OneHalfLife", kT0 + days(30), 0},
                                           RecencyCase{"TwoHalfLives", kT0 + days(60), -7.5},
                                           RecencyCase{"LongGone", kT0 + days(3000), -15}),
                         [](const auto& info) { return info.param.name; });

TEST(RecencyTest, NeverEngagedHasNoRecency) {
  EXPECT_EQ(Breakdown(StateOf({Make(SignalKind::kNps, kT0, 10)}), kPolicy, kT0).recency, 0);
}

TEST(MonetaryTest, NetSpendIsLogScaledAndRefundsSubtract) {
  const auto bought = StateOf({Make(SignalKind::kPurchase, kT0, 999)});
  EXPECT_NEAR(Breakdown(bought, kPolicy, kT0).monetary, 2 * 3, 1e-9);  // 2 * log10(1000)
  const auto refunded =
      StateOf({Make(SignalKind::kPurchase, kT0, 999), Make(SignalKind::kRefund, kT0, 999)});
  EXPECT_NEAR(Breakdown(refunded, kPolicy, kT0).monetary, 0, 1e-9);
  // Spend decays like everything else: 1998 halves to 999 in one half-life.
  const auto twice = StateOf({Make(SignalKind::kPurchase, kT0, 1998)});
  EXPECT_NEAR(Breakdown(twice, kPolicy, kT0 + days(30)).monetary, 2 * std::log10(1000.0), 1e-9);
}

TEST(ScoreTest, ScoreIsFiftyPlusEveryTermClamped) {
  // Purchase of 99 now: 50 + 3 (purchase) + 15 (recency) + 2*log10(100) = 72.
  const auto state = StateOf({Make(SignalKind::kPurchase, kT0, 99)});
  EXPECT_NEAR(Evaluate(state, kPolicy, kT0).score, 72, 1e-9);
  std::vector<Signal> complaints(20, Make(SignalKind::kComplaint, kT0));
  EXPECT_EQ(Evaluate(StateOf(complaints), kPolicy, kT0).score, 0);
  std::vector<Signal> promoters(20, Make(SignalKind::kNps, kT0, 10));
  EXPECT_EQ(Evaluate(StateOf(promoters), kPolicy, kT0).score, 100);
  EXPECT_EQ(Evaluate(HealthState{}, kPolicy, kT0).score, 50);
}

// ------------------------------------------------------------------ bands

struct BandCase {
  double score;
  HealthBand band;  // default thresholds 70 / 45 / 25
};

class BandTest : public ::testing::TestWithParam<BandCase> {};

TEST_P(BandTest, ThresholdsAreInclusiveLowerBounds) {
  EXPECT_EQ(BandFor(GetParam().score, kPolicy.bands), GetParam().band);
}

INSTANTIATE_TEST_SUITE_P(
    Defaults, BandTest,
    ::testing::Values(BandCase{100, HealthBand::kHealthy}, BandCase{70, HealthBand::kHealthy},
                      BandCase{69.99, HealthBand::kNeutral}, BandCase{50, HealthBand::kNeutral},
                      BandCase{45, HealthBand::kNeutral}, BandCase{44.99, HealthBand::kAtRisk},
                      BandCase{25, HealthBand::kAtRisk}, BandCase{24.99, HealthBand::kCritical},
                      BandCase{0, HealthBand::kCritical}));

TEST(BandTest, TenantThresholdsApply) {
  BandThresholds strict{.healthy_min = 90, .neutral_min = 80, .at_risk_min = 60};
  EXPECT_EQ(BandFor(85, strict), HealthBand::kNeutral);
  EXPECT_EQ(BandFor(50, strict), HealthBand::kCritical);
}

TEST(BandTest, OneComplaintPutsANeutralCustomerAtRisk) {
  EXPECT_EQ(Evaluate(StateOf({Make(SignalKind::kComplaint, kT0)}), kPolicy, kT0).band,
            HealthBand::kAtRisk);
}

TEST(BandTest, ACustomerWhoGoesQuietSlidesIntoAtRisk) {
  const auto state = StateOf({Make(SignalKind::kActivity, kT0)});
  EXPECT_EQ(Evaluate(state, kPolicy, kT0).band, HealthBand::kNeutral);  // 66
  EXPECT_EQ(Evaluate(state, kPolicy, kT0 + days(120)).band, HealthBand::kAtRisk);
}

// ---------------------------------------------------- trend, drivers, why

TEST(TrendTest, FivePointsEitherWayIsATrend) {
  EXPECT_EQ(TrendOf(50, 55), Trend::kImproving);
  EXPECT_EQ(TrendOf(50, 54.9), Trend::kStable);
  EXPECT_EQ(TrendOf(50, 45.1), Trend::kStable);
  EXPECT_EQ(TrendOf(50, 45), Trend::kDeclining);
}

TEST(DriversTest, TheSignalsThatMoveTheScoreMostComeFirst) {
  const Signal old_complaint = Make(SignalKind::kComplaint, kT0 - days(90));  // -12 -> -1.5
  const Signal activity = Make(SignalKind::kActivity, kT0);                   // +1
  const Signal detractor = Make(SignalKind::kNps, kT0 - days(30), 2);         // -15 -> -7.5
  const Signal purchase = Make(SignalKind::kPurchase, kT0, 50);               // +3
  std::vector<RecordedSignal> recorded;
  for (const auto& s : {old_complaint, activity, detractor, purchase}) {
    recorded.push_back({s, Impact(s, kPolicy)});
  }
  const auto drivers = TopDrivers(recorded, kPolicy.half_life, kT0, 3);
  ASSERT_EQ(drivers.size(), 3u);
  EXPECT_EQ(drivers[0].signal.event_id, detractor.event_id);
  EXPECT_NEAR(drivers[0].points, -7.5, 1e-9);
  EXPECT_EQ(drivers[0].impact, -15);
  EXPECT_EQ(drivers[1].signal.event_id, purchase.event_id);
  EXPECT_EQ(drivers[2].signal.event_id, old_complaint.event_id);
  EXPECT_NEAR(drivers[2].points, -1.5, 1e-9);
}

TEST(ChangesTest, SaysWhichTermsMovedSinceADate) {
  const auto before = StateOf({Make(SignalKind::kActivity, kT0)});
  auto after = before;
  const Signal complaint = Make(SignalKind::kComplaint, kT0 + days(30));
  AddSignal(after, complaint, Impact(complaint, kPolicy), kPolicy.half_life);
  const auto changes =
      Changes(Breakdown(before, kPolicy, kT0), Breakdown(after, kPolicy, kT0 + days(30)));
  // COMPLAINT -12, RECENCY 15 -> 0, ACTIVITY 1 -> 0.5.
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].name, "RECENCY");
  EXPECT_NEAR(changes[0].points, -15, 1e-9);
  EXPECT_EQ(changes[1].name, "COMPLAINT");
  EXPECT_NEAR(changes[1].points, -12, 1e-9);
  EXPECT_EQ(changes[2].name, "ACTIVITY");
  EXPECT_NEAR(changes[2].points, -0.5, 1e-9);
}

// ------------------------------------------------------- lifecycle effects

TEST(SignalEffectsTest, APurchaseAcquiresASegmentedCustomerOnly) {
  for (Stage stage : kAllStages) {
    for (SignalKind kind : kAllSignalKinds) {
      const bool acquire = stage == Stage::kSegmented && kind == SignalKind::kPurchase;
      EXPECT_EQ(AutomaticMove(stage, kind),
                acquire ? std::optional(Stage::kOnboarding) : std::optional<Stage>())
          << StageName(stage) << " " << SignalKindName(kind);
      EXPECT_EQ(IsReacquaintance(stage, kind), stage == Stage::kLapsed && IsEngagement(kind));
    }
  }
}

}  // namespace
}  // namespace lifecycle::domain
