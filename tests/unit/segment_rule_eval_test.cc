// Segment rule evaluation: every op on every kind of value, against two
// customers side by side. The "full" one has every fact; the "bare" one is
// new and has almost none, so each row also says what a missing fact does.

#include "server/domain/segment_rule_eval.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/domain/customer_facts.h"
#include "server/domain/segment_rule.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle::domain {
namespace {

using namespace rule_builders;
using namespace std::string_literals;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::nanoseconds;
using Op = RuleOp;

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
const Timestamp kNow = AtMicros(1'700'000'000'000'000);  // 2023-11-14T22:13:20Z

Timestamp DaysAgo(double days) {
  return kNow - microseconds(static_cast<std::int64_t>(days * kMicrosPerDay));
}

CustomerFacts FullCustomer() {
  CustomerFacts facts;
  facts.customer_id = "full";
  facts.attributes = nlohmann::json::parse(R"({
    "country": "FR",
    "plan": "gold",
    "email": "ana@example.com",
    "city": "Z\u00fcrich",
    "empty_text": "",
    "spend": 120.5,
    "visits": 3,
    "negative": -2,
    "huge": 18446744073709551615,
    "vip": true,
    "trial": false,
    "tags": ["beta", "eu", 3, true, null, {"a": 1}],
    "empty_list": [],
    "address": {"geo": {"country": "FR", "zip": 75001}},
    "nothing": null,
    "profile": {}
  })");
  facts.stage = Stage::kRetained;
  facts.segment_id = "seg-gold";
  facts.created_at = DaysAgo(400);
  facts.health_score = 72.5;
  facts.health_band = HealthBand::kHealthy;
  facts.last_purchase_at = DaysAgo(10.5);
  facts.last_activity_at = kNow - hours(1);
  facts.signal_counts = {{SignalKind::kPurchase, 3}, {SignalKind::kComplaint, 1}};
  facts.products_held = {"p-basic", "p-addon"};
  return facts;
}

CustomerFacts BareCustomer() {
  CustomerFacts facts;
  facts.customer_id = "bare";
  facts.stage = Stage::kNew;
  facts.created_at = DaysAgo(1);
  return facts;
}

struct EvalCase {
  std::string name;
  RuleNode rule;
  bool full;  // matches FullCustomer()
  bool bare;  // matches BareCustomer()
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.name; }

std::vector<EvalCase> Cases() {
  const Timestamp purchase = DaysAgo(10.5);
  const Timestamp activity = kNow - hours(1);
  return {
      // ------------------------------------------------ attribute strings
      {"StrEq", Cond("attributes.country", Op::kEq, {"FR"s}), true, false},
      {"StrEqOther", Cond("attributes.country", Op::kEq, {"DE"s}), false, false},
      {"StrEqIsCaseSensitive", Cond("attributes.country", Op::kEq, {"fr"s}), false, false},
      {"StrNe", Cond("attributes.country", Op::kNe, {"DE"s}), true, false},
      {"StrNeSame", Cond("attributes.country", Op::kNe, {"FR"s}), false, false},
      {"StrLt", Cond("attributes.country", Op::kLt, {"GB"s}), true, false},
      {"StrLtSame", Cond("attributes.country", Op::kLt, {"FR"s}), false, false},
      {"StrLeSame", Cond("attributes.country", Op::kLe, {"FR"s}), true, false},
      {"StrLeBelow", Cond("attributes.country", Op::kLe, {"FQ"s}), false, false},
      {"StrGt", Cond("attributes.country", Op::kGt, {"FA"s}), true, false},
      {"StrGtSame", Cond("attributes.country", Op::kGt, {"FR"s}), false, false},
      {"StrGeSame", Cond("attributes.country", Op::kGe, {"FR"s}), true, false},
      {"StrGeAbove", Cond("attributes.country", Op::kGe, {"FS"s}), false, false},
      // Bytewise: lower case sorts after upper case, UTF-8 after ASCII.
      {"StrBytewiseCase", Cond("attributes.plan", Op::kGt, {"Gold"s}), true, false},
      {"StrBytewiseUtf8", Cond("attributes.city", Op::kGt, {"Zz"s}), true, false},
      {"StrIn", Cond("attributes.country", Op::kIn, {"DE"s, "FR"s}), true, false},
      {"StrInNone", Cond("attributes.country", Op::kIn, {"DE"s, "ES"s}), false, false},
      {"StrNotIn", Cond("attributes.country", Op::kNotIn, {"DE"s, "ES"s}), true, false},
      {"StrNotInAmong", Cond("attributes.country", Op::kNotIn, {"DE"s, "FR"s}), false, false},
      {"StrContains", Cond("attributes.email", Op::kContains, {"@example."s}), true, false},
      {"StrContainsWhole", Cond("attributes.email", Op::kContains, {"ana@example.com"s}), true,
       false},
      {"StrContainsNot", Cond("attributes.email", Op::kContains, {"@other"s}), false, false},
      {"StrContainsIsCaseSensitive", Cond("attributes.email", Op::kContains, {"EXAMPLE"s}), false,
       false},
      {"StrContainsInEmpty", Cond("attributes.empty_text", Op::kContains, {"a"s}), false, false},
      {"StrExists", Cond("attributes.country", Op::kExists), true, false},
      {"StrEmptyExists", Cond("attributes.empty_text", Op::kExists), true, false},
      {"StrBetween", Cond("attributes.country", Op::kBetween, {"FA"s, "FZ"s}), true, false},
      {"StrBetweenBothEnds", Cond("attributes.country", Op::kBetween, {"FR"s, "FR"s}), true, false},
      {"StrBetweenBelow", Cond("attributes.country", Op::kBetween, {"A"s, "FQ"s}), false, false},
      {"StrBetweenAbove", Cond("attributes.country", Op::kBetween, {"FS"s, "Z"s}), false, false},
      // A string never equals, differs from or orders against a number.
      {"StrVsNumberEq", Cond("attributes.country", Op::kEq, {1.0}), false, false},
      {"StrVsNumberNe", Cond("attributes.country", Op::kNe, {1.0}), false, false},
      {"StrVsNumberNotIn", Cond("attributes.country", Op::kNotIn, {1.0}), false, false},
      {"StrVsNumberGt", Cond("attributes.country", Op::kGt, {1.0}), false, false},
      {"StrVsNumberContains", Cond("attributes.country", Op::kContains, {1.0}), false, false},
      {"StrVsBoolEq", Cond("attributes.country", Op::kEq, {true}), false, false},

      // ------------------------------------------------ attribute numbers
      {"NumEq", Cond("attributes.spend", Op::kEq, {120.5}), true, false},
      {"NumEqOther", Cond("attributes.spend", Op::kEq, {120.0}), false, false},
      {"NumIntegerEqDouble", Cond("attributes.visits", Op::kEq, {3.0}), true, false},
      {"NumNe", Cond("attributes.visits", Op::kNe, {4.0}), true, false},
      {"NumNeSame", Cond("attributes.visits", Op::kNe, {3.0}), false, false},
      {"NumLt", Cond("attributes.spend", Op::kLt, {121.0}), true, false},
      {"NumLtSame", Cond("attributes.spend", Op::kLt, {120.5}), false, false},
      {"NumLeSame", Cond("attributes.spend", Op::kLe, {120.5}), true, false},
      {"NumLeBelow", Cond("attributes.spend", Op::kLe, {120.4}), false, false},
      {"NumGt", Cond("attributes.spend", Op::kGt, {120.0}), true, false},
      {"NumGtSame", Cond("attributes.spend", Op::kGt, {120.5}), false, false},
      {"NumGeSame", Cond("attributes.spend", Op::kGe, {120.5}), true, false},
      {"NumGeAbove", Cond("attributes.spend", Op::kGe, {120.6}), false, false},
      {"NumNegative", Cond("attributes.negative", Op::kLt, {0.0}), true, false},
      {"NumUnsignedAsDouble", Cond("attributes.huge", Op::kGt, {1e19}), true, false},
      {"NumIn", Cond("attributes.visits", Op::kIn, {1.0, 3.0}), true, false},
      {"NumInNone", Cond("attributes.visits", Op::kIn, {1.0, 2.0}), false, false},
      {"NumNotIn", Cond("attributes.visits", Op::kNotIn, {1.0, 2.0}), true, false},
      {"NumNotInAmong", Cond("attributes.visits", Op::kNotIn, {3.0}), false, false},
      {"NumBetweenHighEnd", Cond("attributes.spend", Op::kBetween, {100.0, 120.5}), true, false},
      {"NumBetweenLowEnd", Cond("attributes.spend", Op::kBetween, {120.5, 200.0}), true, false},
      {"NumBetweenAbove", Cond("attributes.spend", Op::kBetween, {121.0, 200.0}), false, false},
      {"NumExists", Cond("attributes.spend", Op::kExists), true, false},
      {"NumVsStringEq", Cond("attributes.visits", Op::kEq, {"3"s}), false, false},
      {"NumVsStringNe", Cond("attributes.visits", Op::kNe, {"3"s}), false, false},
      {"NumContains", Cond("attributes.spend", Op::kContains, {120.5}), false, false},

      // ------------------------------------------------ attribute bools
      {"BoolEqTrue", Cond("attributes.vip", Op::kEq, {true}), true, false},
      {"BoolEqFalse", Cond("attributes.vip", Op::kEq, {false}), false, false},
      {"BoolFalseEqFalse", Cond("attributes.trial", Op::kEq, {false}), true, false},
      {"BoolNe", Cond("attributes.vip", Op::kNe, {false}), true, false},
      {"BoolNeSame", Cond("attributes.vip", Op::kNe, {true}), false, false},
      {"BoolIn", Cond("attributes.vip", Op::kIn, {true}), true, false},
      {"BoolNotIn", Cond("attributes.vip", Op::kNotIn, {false}), true, false},
      {"BoolNotInAmong", Cond("attributes.vip", Op::kNotIn, {false, true}), false, false},
      {"BoolIsNotANumber", Cond("attributes.vip", Op::kEq, {1.0}), false, false},
      {"BoolIsNotAString", Cond("attributes.vip", Op::kEq, {"true"s}), false, false},
      {"BoolNeverOrders", Cond("attributes.trial", Op::kLt, {true}), false, false},
      {"BoolNeverBetween", Cond("attributes.vip", Op::kBetween, {false, true}), false, false},
      {"BoolFalseExists", Cond("attributes.trial", Op::kExists), true, false},

      // ------------------------------------------------ null and objects
      {"NullDoesNotExist", Cond("attributes.nothing", Op::kExists), false, false},
      {"NullNotEq", Cond("attributes.nothing", Op::kEq, {"x"s}), false, false},
      {"NullNotNe", Cond("attributes.nothing", Op::kNe, {"x"s}), false, false},
      {"NullNotNotIn", Cond("attributes.nothing", Op::kNotIn, {"x"s}), false, false},
      {"NotExistsOfNull", Not(Cond("attributes.nothing", Op::kExists)), true, true},
      {"ObjectExists", Cond("attributes.profile", Op::kExists), true, false},
      {"ObjectNotEq", Cond("attributes.profile", Op::kEq, {"x"s}), false, false},
      {"ObjectNotNe", Cond("attributes.profile", Op::kNe, {"x"s}), false, false},
      {"ObjectNotContains", Cond("attributes.profile", Op::kContains, {"a"s}), false, false},

      // ------------------------------------------------ attribute arrays
      {"ArrayContainsString", Cond("attributes.tags", Op::kContains, {"eu"s}), true, false},
      {"ArrayContainsIsNotSubstring", Cond("attributes.tags", Op::kContains, {"e"s}), false, false},
      {"ArrayContainsNumber", Cond("attributes.tags", Op::kContains, {3.0}), true, false},
      {"ArrayContainsKeepsTypes", Cond("attributes.tags", Op::kContains, {"3"s}), false, false},
      {"ArrayContainsBool", Cond("attributes.tags", Op::kContains, {true}), true, false},
      {"ArrayContainsOtherBool", Cond("attributes.tags", Op::kContains, {false}), false, false},
      {"ArrayEmptyContains", Cond("attributes.empty_list", Op::kContains, {"x"s}), false, false},
      {"ArrayExists", Cond("attributes.tags", Op::kExists), true, false},
      {"ArrayEmptyExists", Cond("attributes.empty_list", Op::kExists), true, false},
      {"ArrayIsNotAScalarEq", Cond("attributes.tags", Op::kEq, {"beta"s}), false, false},
      {"ArrayIsNotAScalarNe", Cond("attributes.tags", Op::kNe, {"x"s}), false, false},
      {"ArrayIsNotAScalarIn", Cond("attributes.tags", Op::kIn, {"beta"s}), false, false},

      // ------------------------------------------------ nested paths
      {"NestedEq", Cond("attributes.address.geo.country", Op::kEq, {"FR"s}), true, false},
      {"NestedNumber", Cond("attributes.address.geo.zip", Op::kEq, {75001.0}), true, false},
      {"NestedObjectExists", Cond("attributes.address.geo", Op::kExists), true, false},
      {"NestedObjectIsNotAString", Cond("attributes.address.geo", Op::kEq, {"FR"s}), false, false},
      {"NestedMissingKey", Cond("attributes.address.geo.city", Op::kExists), false, false},
      {"NestedThroughAString", Cond("attributes.country.code", Op::kExists), false, false},
      {"NestedThroughAnArray", Cond("attributes.tags.0", Op::kExists), false, false},
      {"NestedThroughNull", Cond("attributes.nothing.x", Op::kExists), false, false},
      {"TopLevelKeyIsNotNested", Cond("attributes.geo", Op::kExists), false, false},

      // ------------------------------------------------ stage
      {"StageEq", Cond("stage", Op::kEq, {"RETAINED"s}), true, false},
      {"StageEqNew", Cond("stage", Op::kEq, {"NEW"s}), false, true},
      {"StageNe", Cond("stage", Op::kNe, {"NEW"s}), true, false},
      {"StageIn", Cond("stage", Op::kIn, {"RETAINED"s, "EXTENDED"s}), true, false},
      {"StageNotIn", Cond("stage", Op::kNotIn, {"RETAINED"s, "LAPSED"s}), false, true},
      {"StageNotInNew", Cond("stage", Op::kNotIn, {"NEW"s}), true, false},
      {"StageExists", Cond("stage", Op::kExists), true, true},
      {"StageIsNotANumber", Cond("stage", Op::kEq, {4.0}), false, false},

      // ------------------------------------------------ health band
      {"BandEq", Cond("health_band", Op::kEq, {"HEALTHY"s}), true, false},
      {"BandNe", Cond("health_band", Op::kNe, {"AT_RISK"s}), true, false},
      {"BandNeSame", Cond("health_band", Op::kNe, {"HEALTHY"s}), false, false},
      {"BandIn", Cond("health_band", Op::kIn, {"HEALTHY"s, "NEUTRAL"s}), true, false},
      {"BandNotIn", Cond("health_band", Op::kNotIn, {"CRITICAL"s}), true, false},
      {"BandExists", Cond("health_band", Op::kExists), true, false},
      {"BandMissing", Not(Cond("health_band", Op::kExists)), false, true},

      // ------------------------------------------------ health score
      {"ScoreEq", Cond("health_score", Op::kEq, {72.5}), true, false},
      {"ScoreNe", Cond("health_score", Op::kNe, {50.0}), true, false},
      {"ScoreLt", Cond("health_score", Op::kLt, {80.0}), true, false},
      {"ScoreLeSame", Cond("health_score", Op::kLe, {72.5}), true, false},
      {"ScoreGtSame", Cond("health_score", Op::kGt, {72.5}), false, false},
      {"ScoreGeSame", Cond("health_score", Op::kGe, {72.5}), true, false},
      {"ScoreIn", Cond("health_score", Op::kIn, {10.0, 72.5}), true, false},
      {"ScoreNotIn", Cond("health_score", Op::kNotIn, {0.0}), true, false},
      {"ScoreBetween", Cond("health_score", Op::kBetween, {70.0, 75.0}), true, false},
      {"ScoreExists", Cond("health_score", Op::kExists), true, false},
      {"ScoreIsNotAString", Cond("health_score", Op::kEq, {"72.5"s}), false, false},

      // ------------------------------------------------ days since (at kNow)
      {"DaysSincePurchaseEq", Cond("days_since_last_purchase", Op::kEq, {10.5}), true, false},
      {"DaysSincePurchaseNe", Cond("days_since_last_purchase", Op::kNe, {10.0}), true, false},
      {"DaysSincePurchaseGt", Cond("days_since_last_purchase", Op::kGt, {10.0}), true, false},
      {"DaysSincePurchaseLtSame", Cond("days_since_last_purchase", Op::kLt, {10.5}), false, false},
      {"DaysSincePurchaseLe", Cond("days_since_last_purchase", Op::kLe, {10.5}), true, false},
      {"DaysSincePurchaseGe", Cond("days_since_last_purchase", Op::kGe, {11.0}), false, false},
      {"DaysSincePurchaseIn", Cond("days_since_last_purchase", Op::kIn, {10.5}), true, false},
      {"DaysSincePurchaseNotIn", Cond("days_since_last_purchase", Op::kNotIn, {1.0}), true, false},
      {"DaysSincePurchaseBetween", Cond("days_since_last_purchase", Op::kBetween, {10.0, 11.0}),
       true, false},
      {"DaysSincePurchaseExists", Cond("days_since_last_purchase", Op::kExists), true, false},
      {"DaysSinceActivityHour", Cond("days_since_last_activity", Op::kEq, {1.0 / 24}), true, false},
      {"DaysSinceActivityLt", Cond("days_since_last_activity", Op::kLt, {0.05}), true, false},
      {"DaysSinceActivityGe", Cond("days_since_last_activity", Op::kGe, {0.05}), false, false},

      // ------------------------------------------------ timestamps
      {"PurchaseAtEq", Cond("last_purchase_at", Op::kEq, {purchase}), true, false},
      {"PurchaseAtEqNextMicro", Cond("last_purchase_at", Op::kEq, {purchase + microseconds(1)}),
       false, false},
      {"PurchaseAtNe", Cond("last_purchase_at", Op::kNe, {kNow}), true, false},
      {"PurchaseAtLt", Cond("last_purchase_at", Op::kLt, {kNow}), true, false},
      {"PurchaseAtLeSame", Cond("last_purchase_at", Op::kLe, {purchase}), true, false},
      {"PurchaseAtGt", Cond("last_purchase_at", Op::kGt, {kNow}), false, false},
      {"PurchaseAtGeSame", Cond("last_purchase_at", Op::kGe, {purchase}), true, false},
      {"PurchaseAtIn", Cond("last_purchase_at", Op::kIn, {kNow, purchase}), true, false},
      {"PurchaseAtNotIn", Cond("last_purchase_at", Op::kNotIn, {kNow}), true, false},
      {"PurchaseAtBetween", Cond("last_purchase_at", Op::kBetween, {DaysAgo(11), DaysAgo(10)}),
       true, false},
      {"PurchaseAtExists", Cond("last_purchase_at", Op::kExists), true, false},
      {"ActivityAtEq", Cond("last_activity_at", Op::kEq, {activity}), true, false},
      {"ActivityAtExists", Cond("last_activity_at", Op::kExists), true, false},
      {"CreatedAtLt", Cond("created_at", Op::kLt, {DaysAgo(30)}), true, false},
      {"CreatedAtGe", Cond("created_at", Op::kGe, {DaysAgo(30)}), false, true},
      {"CreatedAtExists", Cond("created_at", Op::kExists), true, true},
      {"TimestampIsNotANumber", Cond("created_at", Op::kLt, {1e30}), false, false},

      // ------------------------------------------------ signal counts
      {"SignalEq", Cond("signal_count.PURCHASE", Op::kEq, {3.0}), true, false},
      {"SignalEqZero", Cond("signal_count.PURCHASE", Op::kEq, {0.0}), false, true},
      {"SignalNeZero", Cond("signal_count.PURCHASE", Op::kNe, {0.0}), true, false},
      {"SignalGt", Cond("signal_count.PURCHASE", Op::kGt, {0.0}), true, false},
      {"SignalLe", Cond("signal_count.PURCHASE", Op::kLe, {2.0}), false, true},
      {"SignalBetween", Cond("signal_count.PURCHASE", Op::kBetween, {1.0, 5.0}), true, false},
      {"SignalInZero", Cond("signal_count.PURCHASE", Op::kIn, {0.0}), false, true},
      {"SignalNotInZero", Cond("signal_count.PURCHASE", Op::kNotIn, {0.0}), true, false},
      {"SignalAlwaysExists", Cond("signal_count.PURCHASE", Op::kExists), true, true},
      {"SignalAbsentCountsZero", Cond("signal_count.NPS", Op::kEq, {0.0}), true, true},
      {"SignalOtherKind", Cond("signal_count.COMPLAINT", Op::kGe, {1.0}), true, false},

      // ------------------------------------------------ products held
      {"ProductsContains", Cond("products_held", Op::kContains, {"p-addon"s}), true, false},
      {"ProductsContainsIsNotSubstring", Cond("products_held", Op::kContains, {"p-add"s}), false,
       false},
      {"ProductsContainsIsCaseSensitive", Cond("products_held", Op::kContains, {"P-ADDON"s}), false,
       false},
      {"ProductsContainsNumber", Cond("products_held", Op::kContains, {1.0}), false, false},
      {"ProductsExistMeansHoldsOne", Cond("products_held", Op::kExists), true, false},
      {"ProductsNoneHeld", Not(Cond("products_held", Op::kExists)), false, true},
      {"ProductsAreNotAScalar", Cond("products_held", Op::kEq, {"p-basic"s}), false, false},

      // ------------------------------------------------ composition
      {"AllTrue",
       All({Cond("stage", Op::kEq, {"RETAINED"s}), Cond("attributes.country", Op::kEq, {"FR"s})}),
       true, false},
      {"AllOneFalse",
       All({Cond("stage", Op::kEq, {"RETAINED"s}), Cond("attributes.country", Op::kEq, {"DE"s})}),
       false, false},
      {"AllOfOne", All({Cond("stage", Op::kEq, {"NEW"s})}), false, true},
      {"AnyOneTrue",
       Any({Cond("attributes.country", Op::kEq, {"DE"s}), Cond("stage", Op::kEq, {"NEW"s})}), false,
       true},
      {"AnyNoneTrue",
       Any({Cond("attributes.country", Op::kEq, {"DE"s}),
            Cond("attributes.country", Op::kEq, {"ES"s})}),
       false, false},
      {"NotOfMissingIsTrue", Not(Cond("attributes.country", Op::kEq, {"FR"s})), false, true},
      {"NotNot", Not(Not(Cond("attributes.country", Op::kEq, {"FR"s}))), true, false},
      // The documented way to include customers without the field.
      {"NotInExcludesMissing", Cond("attributes.country", Op::kNotIn, {"DE"s}), true, false},
      {"NotOfInIncludesMissing", Not(Cond("attributes.country", Op::kIn, {"DE"s})), true, true},
      {"Nested",
       All({Any({Cond("attributes.country", Op::kIn, {"FR"s, "DE"s}),
                 Not(Cond("attributes.country", Op::kExists))}),
            Not(Cond("stage", Op::kEq, {"LAPSED"s})),
            Any({Cond("signal_count.PURCHASE", Op::kGe, {1.0}),
                 Cond("days_since_last_activity", Op::kLt, {1.0})})}),
       true, false},

      // ------------------------------------------------ malformed trees match nobody
      {"MalformedAllEmpty", All({}), false, false},
      {"MalformedAnyEmpty", Any({}), false, false},
      {"MalformedNotEmpty", NotOf({}), false, false},
      {"MalformedNotOfTwo",
       NotOf({Cond("stage", Op::kEq, {"NEW"s}), Cond("stage", Op::kEq, {"NEW"s})}), false, false},
      {"MalformedUnknownField", Cond("country", Op::kExists), false, false},
      {"MalformedEqWithoutValue", Cond("stage", Op::kEq, {}), false, false},
      {"MalformedNotInWithoutValues", Cond("stage", Op::kNotIn, {}), false, false},
      {"MalformedInWithoutValues", Cond("stage", Op::kIn, {}), false, false},
      {"MalformedBetweenOneValue", Cond("health_score", Op::kBetween, {1.0}), false, false},
  };
}

class SegmentRuleEvalTest : public testing::TestWithParam<EvalCase> {};

TEST_P(SegmentRuleEvalTest, MatchesAsTheSemanticsSay) {
  const EvalCase& c = GetParam();
  EXPECT_EQ(Matches(c.rule, FullCustomer(), kNow), c.full) << "full customer";
  EXPECT_EQ(Matches(c.rule, BareCustomer(), kNow), c.bare) << "bare customer";
}

INSTANTIATE_TEST_SUITE_P(Segment, SegmentRuleEvalTest, testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

// ------------------------------------------------------------ time

TEST(SegmentRuleEvalTimeTest, DaysSinceCountsFromNow) {
  CustomerFacts facts = BareCustomer();
  facts.last_purchase_at = kNow - hours(36);
  const RuleNode rule = Cond("days_since_last_purchase", Op::kEq, {1.5});
  EXPECT_TRUE(Matches(rule, facts, kNow));
  EXPECT_FALSE(Matches(rule, facts, kNow + hours(12)));
  EXPECT_TRUE(Matches(Cond("days_since_last_purchase", Op::kEq, {2.0}), facts, kNow + hours(12)));
}

TEST(SegmentRuleEvalTimeTest, DaysSinceIsToTheMicrosecond) {
  struct Case {
    std::string name;
    nanoseconds before_now;  // how long before kNow the activity was
    double days;
  };
  const std::vector<Case> cases = {
      {"OneMicro", microseconds(1), 1.0 / kMicrosPerDay},
      {"SameMicroAsNow", nanoseconds(0), 0.0},
      // Activity is floored to its microsecond, like PostgreSQL stores it.
      {"PartOfAMicro", nanoseconds(1500), 2.0 / kMicrosPerDay},
      {"InTheFuture", -hours(24), -1.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CustomerFacts facts = BareCustomer();
    facts.last_activity_at = kNow - c.before_now;
    EXPECT_TRUE(Matches(Cond("days_since_last_activity", Op::kEq, {c.days}), facts, kNow));
  }
}

TEST(SegmentRuleEvalTimeTest, TimestampsCompareToTheMicrosecond) {
  CustomerFacts facts = BareCustomer();
  facts.last_purchase_at = kNow + nanoseconds(999);
  EXPECT_TRUE(Matches(Cond("last_purchase_at", Op::kEq, {kNow}), facts, kNow));
  EXPECT_FALSE(Matches(Cond("last_purchase_at", Op::kGt, {kNow}), facts, kNow));
  EXPECT_TRUE(Matches(Cond("last_purchase_at", Op::kLt, {kNow + microseconds(1)}), facts, kNow));
}

TEST(SegmentRuleEvalAttributesTest, MayBeAnyJsonValue) {
  // Attributes that are not an object have no keys, so nothing in them exists.
  for (const char* text : {"null", "[]", "\"x\"", "3"}) {
    SCOPED_TRACE(text);
    CustomerFacts facts = BareCustomer();
    facts.attributes = nlohmann::json::parse(text);
    EXPECT_FALSE(Matches(Cond("attributes.x", Op::kExists), facts, kNow));
    EXPECT_TRUE(Matches(Not(Cond("attributes.x", Op::kEq, {"x"s})), facts, kNow));
  }
}

}  // namespace
}  // namespace lifecycle::domain
