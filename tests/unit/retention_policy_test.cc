// Retention policy validation: every kind of bad policy is refused with the
// field it names, and the defaults are valid.

#include "server/domain/retention_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tests/support/request_cases.h"

namespace lifecycle::domain {
namespace {

using validation_testing::Case;
using validation_testing::CaseName;
using validation_testing::Fields;
using validation_testing::Sorted;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Fields FieldsOf(const RetentionPolicy& policy) {
  Fields fields;
  for (const auto& violation : CheckRetentionPolicy(policy)) {
    EXPECT_FALSE(violation.description.empty()) << violation.field;
    fields.push_back(violation.field);
  }
  return Sorted(fields);
}

class PolicyCheckTest : public ::testing::TestWithParam<Case<RetentionPolicy>> {};

TEST_P(PolicyCheckTest, NamesEveryBadField) {
  RetentionPolicy policy = DefaultRetentionPolicy();
  GetParam().mutate(policy);
  EXPECT_EQ(FieldsOf(policy), Sorted(GetParam().fields));
}

using P = RetentionPolicy&;
using std::chrono::days;
using std::chrono::seconds;

INSTANTIATE_TEST_SUITE_P(
    Cases, PolicyCheckTest,
    ::testing::ValuesIn(std::vector<Case<RetentionPolicy>>{
        {"Defaults", [](P) {}, {}},
        {"WeightNaN",
         [](P p) { p.weights[KindIndex(SignalKind::kComplaint)] = kNaN; },
         {"weights.COMPLAINT"}},
        {"WeightInfinite",
         [](P p) { p.weights[KindIndex(SignalKind::kNps)] = kInf; },
         {"weights.NPS"}},
        {"WeightNegative",
         [](P p) { p.weights[KindIndex(SignalKind::kPurchase)] = -1; },
         {"weights.PURCHASE"}},
        {"WeightTooLarge",
         [](P p) { p.weights[KindIndex(SignalKind::kCustom)] = 101; },
         {"weights.CUSTOM"}},
        {"WeightZeroIsFine", [](P p) { p.weights[KindIndex(SignalKind::kCes)] = 0; }, {}},
        {"HalfLifeZero", [](P p) { p.half_life = seconds(0); }, {"half_life"}},
        {"HalfLifeNegative", [](P p) { p.half_life = seconds(-5); }, {"half_life"}},
        {"HalfLifeTooLong", [](P p) { p.half_life = days(4000); }, {"half_life"}},
        {"MultiplierBelowOne", [](P p) { p.negative_multiplier = 0.5; }, {"negative_multiplier"}},
        {"MultiplierNaN", [](P p) { p.negative_multiplier = kNaN; }, {"negative_multiplier"}},
        {"RecencyInfinite", [](P p) { p.recency_weight = kInf; }, {"recency_weight"}},
        {"MonetaryNegative", [](P p) { p.monetary_weight = -2; }, {"monetary_weight"}},
        {"BandsUnordered", [](P p) { p.bands.neutral_min = 80; }, {"healthy_min"}},
        {"BandsEqual", [](P p) { p.bands.at_risk_min = p.bands.neutral_min; }, {"neutral_min"}},
        {"BandsAboveHundred", [](P p) { p.bands.healthy_min = 101; }, {"healthy_min"}},
        {"BandsZeroFloor", [](P p) { p.bands.at_risk_min = 0; }, {"at_risk_min"}},
        {"BandsNaN", [](P p) { p.bands.healthy_min = kNaN; }, {"healthy_min"}},
        {"AtRiskNaN", [](P p) { p.bands.at_risk_min = kNaN; }, {"at_risk_min"}},
        {"LapseZero", [](P p) { p.lapse_after = seconds(0); }, {"lapse_after"}},
        {"SegmentLapseBadId",
         [](P p) {
           p.segment_lapse_after = {{"bad id", days(10)}};
         },
         {"segment_lapse_after[0].segment_id"}},
        {"SegmentLapseTwice",
         [](P p) {
           p.segment_lapse_after = {{"vip", days(10)}, {"vip", days(20)}};
         },
         {"segment_lapse_after[1].segment_id"}},
        {"SegmentLapseZero",
         [](P p) {
           p.segment_lapse_after = {{"vip", seconds(0)}};
         },
         {"segment_lapse_after[0].lapse_after"}},
        {"Several",
         [](P p) {
           p.half_life = seconds(0);
           p.negative_multiplier = kInf;
           p.bands.healthy_min = 10;
         },
         {"half_life", "healthy_min", "negative_multiplier"}},
    }),
    CaseName<RetentionPolicy>);

TEST(PolicyTest, ASegmentsOwnLapseWindowOverridesTheDefault) {
  RetentionPolicy policy = DefaultRetentionPolicy();
  policy.segment_lapse_after = {{"annual", days(400)}};
  EXPECT_EQ(policy.LapseAfter("annual"), days(400));
  EXPECT_EQ(policy.LapseAfter("monthly"), days(60));
  EXPECT_EQ(policy.LapseAfter(""), days(60));
}

}  // namespace
}  // namespace lifecycle::domain
