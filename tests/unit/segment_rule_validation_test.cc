// Segment rule validation: one case per kind of bad rule, each naming the
// exact proto path it must be reported at and words that say why; valid
// rules (including every limit reached but not passed) report nothing.

#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lifecycle/v1/segment.pb.h"
#include "server/domain/error.h"
#include "server/domain/segment_rule.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle::domain {
namespace {

using namespace rule_builders;
using namespace std::string_literals;
using Op = RuleOp;

constexpr char kRoot[] = "segment.rule";

std::vector<FieldViolation> Validate(const RuleNode& rule) {
  Violations violations;
  ValidateRule(rule, kRoot, violations);
  try {
    std::move(violations).ThrowIfAny();
  } catch (const Error& error) {
    return error.violations();
  }
  return {};
}

std::string Repeat(std::string_view part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

std::vector<RuleValue> Strings(int count) {
  std::vector<RuleValue> values;
  for (int i = 0; i < count; ++i) values.emplace_back("v" + std::to_string(i));
  return values;
}

std::vector<RuleNode> Conditions(int count) {
  std::vector<RuleNode> nodes;
  for (int i = 0; i < count; ++i) nodes.push_back(Cond("health_score", Op::kGe, {1.0 * i}));
  return nodes;
}

// ------------------------------------------------------------ bad rules

struct Expected {
  std::string path;  // under "segment.rule"
  std::string why;   // words the description must contain
};

struct BadRuleCase {
  std::string name;
  RuleNode rule;
  std::vector<Expected> expected;  // in the order they are reported
};

void PrintTo(const BadRuleCase& c, std::ostream* os) { *os << c.name; }

const Timestamp kJan = AtMicros(1'704'067'200'000'000);  // 2024-01-01
const Timestamp kFeb = AtMicros(1'706'745'600'000'000);  // 2024-02-01

std::vector<BadRuleCase> BadRules() {
  const std::string cond = ".condition";
  const std::string stages = "NEW, SEGMENTED, ONBOARDING, RETAINED, EXTENDED, LAPSED";
  return {
      // ---- the field
      {"FieldMissing", Cond("", Op::kEq, {"x"s}), {{cond + ".field", "is required"}}},
      {"FieldUnknown",
       Cond("plan", Op::kEq, {"x"s}),
       {{cond + ".field", "unknown field; expected one of attributes.<key>, stage, health_band"}}},
      {"FieldUnknownPrefix",
       Cond("attribute.plan", Op::kEq, {"x"s}),
       {{cond + ".field", "unknown field"}}},
      {"FieldSignalCountWithoutKind",
       Cond("signal_count", Op::kEq, {1.0}),
       {{cond + ".field", "unknown field"}}},
      {"FieldAttributesWithoutKey",
       Cond("attributes.", Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 1 must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -"}}},
      {"FieldAttributesBare", Cond("attributes", Op::kEq, {"x"s}), {{cond + ".field", "unknown"}}},
      {"FieldAttributeKeyEmptyInside",
       Cond("attributes.a..b", Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 2 must be 1 to 64"}}},
      {"FieldAttributeKeyTrailingDot",
       Cond("attributes.a.", Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 2"}}},
      {"FieldAttributeKeyWithSpace",
       Cond("attributes.home country", Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 1"}}},
      {"FieldAttributeKeyNotAscii",
       Cond("attributes.pa\xC3\xADs", Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 1"}}},
      {"FieldAttributeKeyTooLong",
       Cond("attributes.a." + std::string(65, 'k'), Op::kEq, {"x"s}),
       {{cond + ".field", "attribute key 2 must be 1 to 64"}}},
      {"FieldAttributePathTooDeep",
       Cond("attributes" + Repeat(".k", 9), Op::kEq, {"x"s}),
       {{cond + ".field", "an attribute path may be at most 8 keys deep"}}},
      {"FieldSignalKindUnknown",
       Cond("signal_count.HUG", Op::kGt, {1.0}),
       {{cond + ".field",
         "unknown signal kind; expected signal_count.<KIND> with KIND one of "
         "PURCHASE, ACTIVITY"}}},
      {"FieldSignalKindLowerCase",
       Cond("signal_count.purchase", Op::kGt, {1.0}),
       {{cond + ".field", "unknown signal kind"}}},
      {"FieldBuiltInWithSuffix",
       Cond("stage.name", Op::kEq, {"NEW"s}),
       {{cond + ".field", "unknown field"}}},

      // ---- the op
      {"OpMissing", Cond("stage", RuleOp{0}, {"NEW"s}), {{cond + ".op", "is required"}}},
      {"OpUnknown", Cond("stage", RuleOp{99}, {"NEW"s}), {{cond + ".op", "unknown operator 99"}}},

      // ---- how many values
      {"ExistsWithValues",
       Cond("attributes.plan", Op::kExists, {"gold"s}),
       {{cond + ".values", "EXISTS takes no values (got 1)"}}},
      {"BetweenWithOneValue",
       Cond("health_score", Op::kBetween, {1.0}),
       {{cond + ".values", "BETWEEN takes exactly 2 values, the low and the high end (got 1)"}}},
      {"BetweenWithThreeValues",
       Cond("health_score", Op::kBetween, {1.0, 2.0, 3.0}),
       {{cond + ".values", "BETWEEN takes exactly 2 values"}}},
      {"InWithoutValues",
       Cond("attributes.plan", Op::kIn, {}),
       {{cond + ".values", "IN needs at least one value"}}},
      {"NotInWithoutValues",
       Cond("stage", Op::kNotIn, {}),
       {{cond + ".values", "NOT_IN needs at least one value"}}},
      {"ProductsInWithTooManyValues",
       Cond("products_held", Op::kIn, Strings(kMaxRuleValues + 1)),
       {{cond + ".values", "IN takes at most 1000 values"},
        {cond + ".op", "IN does not apply to products_held"}}},
      {"StageOrderedWithBadValue",
       Cond("stage", Op::kGt, {""s}),
       {{cond + ".op", "GT does not apply to stage"}}},
      {"InWithTooManyValues",
       Cond("attributes.plan", Op::kIn, Strings(kMaxRuleValues + 1)),
       {{cond + ".values", "IN takes at most 1000 values (got 1001)"}}},
      {"EqWithoutValue",
       Cond("attributes.plan", Op::kEq, {}),
       {{cond + ".values", "EQ takes exactly one value (got 0)"}}},
      {"GeWithTwoValues",
       Cond("health_score", Op::kGe, {1.0, 2.0}),
       {{cond + ".values", "GE takes exactly one value (got 2)"}}},
      {"ContainsWithTwoValues",
       Cond("products_held", Op::kContains, {"a"s, "b"s}),
       {{cond + ".values", "CONTAINS takes exactly one value (got 2)"}}},

      // ---- literals, whatever the field
      {"NumberNaN",
       Cond("health_score", Op::kGt, {std::nan("")}),
       {{cond + ".values[0]", "must be a finite number"}}},
      {"NumberInfinite",
       Cond("attributes.spend", Op::kIn, {1.0, -std::numeric_limits<double>::infinity()}),
       {{cond + ".values[1]", "must be a finite number"}}},
      {"StringEmpty",
       Cond("attributes.plan", Op::kEq, {""s}),
       {{cond + ".values[0]", "a string value must not be empty"}}},
      {"StringNotUtf8",
       Cond("attributes.plan", Op::kEq, {"gold\xFF"s}),
       {{cond + ".values[0]", "a string value must be valid UTF-8"}}},
      {"StringTooLong",
       Cond("attributes.plan", Op::kEq, {std::string(kMaxRuleStringLength + 1, 'a')}),
       {{cond + ".values[0]", "a string value must be at most 1000 bytes"}}},
      {"StringControlCharacter",
       Cond("attributes.plan", Op::kEq, {"a\nb"s}),
       {{cond + ".values[0]", "must not contain control characters"}}},

      // ---- stage and health_band: names, with name ops only
      {"StageOrdered",
       Cond("stage", Op::kLt, {"RETAINED"s}),
       {{cond + ".op", "LT does not apply to stage, a name; use EQ, NE, IN, NOT_IN or EXISTS"}}},
      {"StageContains",
       Cond("stage", Op::kContains, {"NEW"s}),
       {{cond + ".op", "CONTAINS does not apply to stage"}}},
      {"StageBetween",
       Cond("stage", Op::kBetween, {"NEW"s, "LAPSED"s}),
       {{cond + ".op", "BETWEEN does not apply to stage"}}},
      {"StageWithNumber",
       Cond("stage", Op::kEq, {2.0}),
       {{cond + ".values[0]", "stage is a stage name; compare it with a string, not a number"}}},
      {"StageUnknownName",
       Cond("stage", Op::kIn, {"NEW"s, "CHURNED"s}),
       {{cond + ".values[1]", "unknown stage; expected one of " + stages}}},
      {"StageNameIsCaseSensitive",
       Cond("stage", Op::kEq, {"new"s}),
       {{cond + ".values[0]", "unknown stage"}}},
      {"HealthBandOrdered",
       Cond("health_band", Op::kGe, {"NEUTRAL"s}),
       {{cond + ".op", "GE does not apply to health_band, a name"}}},
      {"HealthBandUnknownName",
       Cond("health_band", Op::kNe, {"GOOD"s}),
       {{cond + ".values[0]",
         "unknown health band; expected one of HEALTHY, NEUTRAL, AT_RISK, CRITICAL"}}},
      {"HealthBandWithBool",
       Cond("health_band", Op::kEq, {true}),
       {{cond + ".values[0]",
         "health_band is a health band name; compare it with a string, "
         "not a bool"}}},

      // ---- numbers
      {"HealthScoreWithString",
       Cond("health_score", Op::kEq, {"50"s}),
       {{cond + ".values[0]", "health_score is a number; compare it with a number, not a string"}}},
      {"HealthScoreContains",
       Cond("health_score", Op::kContains, {5.0}),
       {{cond + ".op", "CONTAINS needs a string or array field; health_score is a number"}}},
      {"DaysSinceWithTimestamp",
       Cond("days_since_last_activity", Op::kLt, {kJan}),
       {{cond + ".values[0]",
         "days_since_last_activity is a number; compare it with a number, "
         "not a timestamp"}}},
      {"SignalCountWithBool",
       Cond("signal_count.NPS", Op::kGt, {true}),
       {{cond + ".values[0]",
         "signal_count.NPS is a number; compare it with a number, not a "
         "bool"}}},
      {"NumberInWithOneString",
       Cond("days_since_last_purchase", Op::kIn, {1.0, "2"s}),
       {{cond + ".values[1]", "days_since_last_purchase is a number"}}},

      // ---- timestamps
      {"TimestampWithNumber",
       Cond("last_purchase_at", Op::kEq, {1.0}),
       {{cond + ".values[0]",
         "last_purchase_at is a timestamp; compare it with a timestamp, not a number"}}},
      {"TimestampContains",
       Cond("created_at", Op::kContains, {kJan}),
       {{cond + ".op", "CONTAINS needs a string or array field; created_at is a timestamp"}}},

      // ---- products_held: contains and exists only, with product ids
      {"ProductsEq",
       Cond("products_held", Op::kEq, {"p1"s}),
       {{cond + ".op",
         "EQ does not apply to products_held, a list of product ids; use CONTAINS or EXISTS"}}},
      {"ProductsIn",
       Cond("products_held", Op::kIn, {"p1"s}),
       {{cond + ".op", "IN does not apply to products_held"}}},
      {"ProductsContainsNumber",
       Cond("products_held", Op::kContains, {1.0}),
       {{cond + ".values[0]",
         "products_held is a list of product ids; compare it with a string, "
         "not a number"}}},

      // ---- attributes: JSON values only, bools unordered, one type per list
      {"AttributeWithTimestamp",
       Cond("attributes.signup", Op::kGt, {kJan}),
       {{cond + ".values[0]", "attributes are JSON, which has no timestamp type"}}},
      {"AttributeBoolOrdered",
       Cond("attributes.vip", Op::kLt, {true}),
       {{cond + ".values[0]", "LT cannot order booleans; use EQ, NE, IN or NOT_IN"}}},
      {"AttributeBoolBetween",
       Cond("attributes.vip", Op::kBetween, {false, true}),
       {{cond + ".values[0]", "BETWEEN cannot order booleans"},
        {cond + ".values[1]", "BETWEEN cannot order booleans"}}},
      {"AttributeInMixedTypes",
       Cond("attributes.plan", Op::kIn, {"gold"s, 1.0, true}),
       {{cond + ".values[1]",
         "the values of IN must all have one type: values[0] is a string, "
         "this is a number"}}},
      {"AttributeNotInMixedTypes",
       Cond("attributes.plan", Op::kNotIn, {true, false, "x"s}),
       {{cond + ".values[2]", "the values of NOT_IN must all have one type: values[0] is a bool"}}},
      {"AttributeBetweenMixedTypes",
       Cond("attributes.size", Op::kBetween, {"s"s, 9.0}),
       {{cond + ".values[1]", "the values of BETWEEN must all have one type"}}},

      // ---- between: low end first
      {"BetweenNumbersInverted",
       Cond("attributes.spend", Op::kBetween, {5.0, 1.0}),
       {{cond + ".values", "BETWEEN needs the low end first: values[1] is below values[0]"}}},
      {"BetweenStringsInverted",
       Cond("attributes.plan", Op::kBetween, {"b"s, "a"s}),
       {{cond + ".values", "BETWEEN needs the low end first"}}},
      {"BetweenStringsInvertedBytewise",
       Cond("attributes.plan", Op::kBetween, {"a"s, "Z"s}),
       {{cond + ".values", "BETWEEN needs the low end first"}}},
      {"BetweenTimestampsInverted",
       Cond("last_activity_at", Op::kBetween, {kFeb, kJan}),
       {{cond + ".values", "BETWEEN needs the low end first"}}},
      {"BetweenBuiltInNumbersInverted",
       Cond("health_score", Op::kBetween, {80.0, 20.0}),
       {{cond + ".values", "BETWEEN needs the low end first"}}},

      // ---- tree shape
      {"AllEmpty", All({}), {{".all.rules", "needs at least one rule"}}},
      {"AnyEmpty", Any({}), {{".any.rules", "needs at least one rule"}}},
      {"NestedGroupEmpty",
       All({Cond("stage", Op::kEq, {"NEW"s}), Any({})}),
       {{".all.rules[1].any.rules", "needs at least one rule"}}},
      {"NotWithoutChild", NotOf({}), {{".not", "needs exactly one rule (has 0)"}}},
      {"NotWithTwoChildren",
       NotOf({Cond("stage", Op::kEq, {"NEW"s}), Cond("stage", Op::kEq, {"LAPSED"s})}),
       {{".not", "needs exactly one rule (has 2)"}}},
      {"ConditionWithChildren",
       [] {
         RuleNode node = Cond("stage", Op::kEq, {"NEW"s});
         node.children.push_back(Cond("stage", Op::kEq, {"LAPSED"s}));
         return node;
       }(),
       {{cond, "a condition has no child rules"}}},

      // ---- paths of nested problems
      {"PathThroughAllAndNot",
       All({Cond("stage", Op::kEq, {"NEW"s}), Not(Cond("stage", Op::kEq, {"GONE"s}))}),
       {{".all.rules[1].not.condition.values[0]", "unknown stage"}}},
      {"PathThroughAnyAndAll",
       Any({Cond("stage", Op::kEq, {"NEW"s}), Cond("stage", Op::kEq, {"LAPSED"s}),
            All({Cond("health_score", Op::kGt, {50.0}), Cond("score", Op::kGt, {1.0})})}),
       {{".any.rules[2].all.rules[1].condition.field", "unknown field"}}},
      {"PathOfOp",
       Not(Any({Cond("products_held", Op::kGt, {"p"s})})),
       {{".not.any.rules[0].condition.op", "GT does not apply to products_held"}}},
      {"EveryProblemReported",
       All({Cond("", Op::kEq, {}), Cond("stage", Op::kLt, {"NEW"s}),
            Cond("health_score", Op::kEq, {"high"s})}),
       {{".all.rules[0].condition.field", "is required"},
        {".all.rules[0].condition.values", "EQ takes exactly one value (got 0)"},
        {".all.rules[1].condition.op", "LT does not apply to stage"},
        {".all.rules[2].condition.values[0]", "health_score is a number"}}},
      {"UnknownFieldStillChecksTheValues",
       Cond("bogus", Op::kLt, {true}),
       {{cond + ".field", "unknown field"}, {cond + ".values[0]", "LT cannot order booleans"}}},

      // ---- limits
      {"TooDeepByOneLevel",
       NotChain(kMaxRuleDepth, Cond("stage", Op::kEq, {"NEW"s})),
       {{Repeat(".not", kMaxRuleDepth), "nests too deep: a rule may be at most 8 levels deep"}}},
      {"TooDeepReportedOnceAtTheFirstNode",
       All({NotChain(kMaxRuleDepth - 1, Cond("stage", Op::kEq, {"NEW"s})),
            NotChain(kMaxRuleDepth - 1, Cond("stage", Op::kEq, {"NEW"s}))}),
       {{".all.rules[0]" + Repeat(".not", kMaxRuleDepth - 1), "nests too deep"}}},
      {"NothingBelowATooDeepNodeIsExamined",
       NotChain(kMaxRuleDepth + 3, Cond("", Op::kEq, {})),
       {{Repeat(".not", kMaxRuleDepth), "nests too deep"}}},
      {"TooManyNodes",
       Any(Conditions(kMaxRuleNodes)),
       {{"", "has more than 256 nodes (conditions, groups and nots together)"}}},
      {"TooManyNodesAndAProblemInside",
       [] {
         auto conditions = Conditions(kMaxRuleNodes);
         conditions.back() = Cond("health_score", Op::kGe, {"x"s});
         return Any(std::move(conditions));
       }(),
       {{"", "has more than 256 nodes"},
        {".any.rules[255].condition.values[0]", "health_score is a number"}}},
  };
}

class BadRuleTest : public testing::TestWithParam<BadRuleCase> {};

TEST_P(BadRuleTest, ReportsEachProblemAtItsPathAndSaysWhy) {
  const BadRuleCase& c = GetParam();
  const auto violations = Validate(c.rule);
  ASSERT_EQ(violations.size(), c.expected.size()) << [&] {
    std::string all;
    for (const auto& v : violations) all += "\n  " + v.field + ": " + v.description;
    return all;
  }();
  for (std::size_t i = 0; i < violations.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(violations[i].field, kRoot + c.expected[i].path);
    EXPECT_NE(violations[i].description.find(c.expected[i].why), std::string::npos)
        << "description: " << violations[i].description
        << "\nexpected words: " << c.expected[i].why;
  }
}

INSTANTIATE_TEST_SUITE_P(SegmentRuleValidation, BadRuleTest, testing::ValuesIn(BadRules()),
                         [](const auto& info) { return info.param.name; });

TEST(SegmentRuleValidationTest, MessagesNeverEchoTheCallersText) {
  // A BadRequest carries UTF-8 only, and the caller's text may not be.
  const auto violations =
      Validate(All({Cond("attributes.\xFF", Op::kEq, {"x"s}), Cond("\xFE", Op::kEq, {"x"s}),
                    Cond("signal_count.\xFD", Op::kEq, {1.0}), Cond("stage", Op::kEq, {"\xFC"s}),
                    Cond("health_band", Op::kEq, {"NOPE\xFB"s})}));
  // The last two strings are each both not UTF-8 and not a name.
  ASSERT_EQ(violations.size(), 7u);
  for (const auto& violation : violations) {
    SCOPED_TRACE(violation.field);
    for (char c : violation.description) EXPECT_GT(static_cast<unsigned char>(c), 0x1F);
    for (char c : violation.description) EXPECT_LT(static_cast<unsigned char>(c), 0x7F);
  }
}

// ------------------------------------------------------------ valid rules

struct ValidRuleCase {
  std::string name;
  RuleNode rule;
};

void PrintTo(const ValidRuleCase& c, std::ostream* os) { *os << c.name; }

std::vector<ValidRuleCase> ValidRules() {
  std::vector<ValidRuleCase> cases = {
      {"StageNames",
       Cond("stage", Op::kIn,
            {"NEW"s, "SEGMENTED"s, "ONBOARDING"s, "RETAINED"s, "EXTENDED"s, "LAPSED"s})},
      {"StageNe", Cond("stage", Op::kNe, {"LAPSED"s})},
      {"StageNotIn", Cond("stage", Op::kNotIn, {"NEW"s})},
      {"StageExists", Cond("stage", Op::kExists)},
      {"HealthBandNames",
       Cond("health_band", Op::kIn, {"HEALTHY"s, "NEUTRAL"s, "AT_RISK"s, "CRITICAL"s})},
      {"HealthBandEq", Cond("health_band", Op::kEq, {"AT_RISK"s})},
      {"HealthBandExists", Cond("health_band", Op::kExists)},
      {"HealthScoreLt", Cond("health_score", Op::kLt, {40.0})},
      {"HealthScoreBetweenOnePoint", Cond("health_score", Op::kBetween, {50.0, 50.0})},
      {"HealthScoreNotIn", Cond("health_score", Op::kNotIn, {0.0, 100.0})},
      {"DaysSincePurchaseGe", Cond("days_since_last_purchase", Op::kGe, {30.0})},
      {"DaysSinceActivityLe", Cond("days_since_last_activity", Op::kLe, {0.5})},
      {"DaysSinceNegative", Cond("days_since_last_activity", Op::kGt, {-1.0})},
      {"SignalCountEq", Cond("signal_count.PAYMENT_FAILED", Op::kEq, {0.0})},
      {"SignalCountBetween", Cond("signal_count.SUPPORT_TICKET", Op::kBetween, {1.0, 3.0})},
      {"LastPurchaseBetween", Cond("last_purchase_at", Op::kBetween, {kJan, kFeb})},
      {"LastActivityExists", Cond("last_activity_at", Op::kExists)},
      {"CreatedAtLt", Cond("created_at", Op::kLt, {kJan})},
      {"CreatedAtIn", Cond("created_at", Op::kIn, {kJan, kFeb})},
      {"ProductsContains", Cond("products_held", Op::kContains, {"p-1"s})},
      {"ProductsExists", Cond("products_held", Op::kExists)},
      {"AttributeEqString", Cond("attributes.country", Op::kEq, {"FR"s})},
      {"AttributeEqNumber", Cond("attributes.spend", Op::kEq, {120.5})},
      {"AttributeEqBool", Cond("attributes.vip", Op::kEq, {true})},
      {"AttributeNeBool", Cond("attributes.vip", Op::kNe, {false})},
      {"AttributeInBools", Cond("attributes.vip", Op::kIn, {true, false})},
      {"AttributeNotInNumbers", Cond("attributes.seats", Op::kNotIn, {1.0, 2.0})},
      {"AttributeLtString", Cond("attributes.plan", Op::kLt, {"m"s})},
      {"AttributeGeNumber", Cond("attributes.spend", Op::kGe, {-0.0})},
      {"AttributeBetweenStrings", Cond("attributes.plan", Op::kBetween, {"a"s, "b"s})},
      {"AttributeBetweenEqualEnds", Cond("attributes.plan", Op::kBetween, {"a"s, "a"s})},
      {"AttributeContainsString", Cond("attributes.email", Op::kContains, {"@example."s})},
      {"AttributeContainsNumber", Cond("attributes.tags", Op::kContains, {3.0})},
      {"AttributeContainsBool", Cond("attributes.flags", Op::kContains, {true})},
      {"AttributeExists", Cond("attributes.plan", Op::kExists)},
      {"AttributeKeysOfEveryAllowedCharacter", Cond("attributes.Az09_-.x", Op::kExists)},
      {"AttributePathAtTheKeyLimit", Cond("attributes" + Repeat(".k", 8), Op::kExists)},
      {"AttributeKeyAtTheLengthLimit", Cond("attributes." + std::string(64, 'k'), Op::kExists)},
      {"AttributeFieldNamedLikeABuiltIn", Cond("attributes.stage", Op::kLt, {"z"s})},
      {"StringAtTheLengthLimit",
       Cond("attributes.note", Op::kEq, {std::string(kMaxRuleStringLength, 'a')})},
      {"StringUtf8", Cond("attributes.city", Op::kEq, {"M\xC3\xBCnchen \xE6\x9D\xB1"s})},
      {"InAtTheValueLimit", Cond("attributes.code", Op::kIn, Strings(kMaxRuleValues))},
      {"DeepestAllowed", NotChain(kMaxRuleDepth - 1, Cond("stage", Op::kEq, {"NEW"s}))},
      {"LargestAllowed", Any(Conditions(kMaxRuleNodes - 1))},
      {"Composed", All({Any({Cond("attributes.country", Op::kIn, {"FR"s, "DE"s}),
                             Not(Cond("attributes.country", Op::kExists))}),
                        Not(Cond("stage", Op::kEq, {"LAPSED"s})),
                        Cond("signal_count.PURCHASE", Op::kGe, {1.0})})},
  };
  for (SignalKind kind : kAllSignalKinds) {
    cases.push_back({"SignalCount_" + std::string(SignalKindName(kind)),
                     Cond("signal_count." + std::string(SignalKindName(kind)), Op::kGt, {0.0})});
  }
  return cases;
}

class ValidRuleTest : public testing::TestWithParam<ValidRuleCase> {};

TEST_P(ValidRuleTest, ReportsNothing) {
  for (const auto& violation : Validate(GetParam().rule)) {
    ADD_FAILURE() << violation.field << ": " << violation.description;
  }
}

INSTANTIATE_TEST_SUITE_P(SegmentRuleValidation, ValidRuleTest, testing::ValuesIn(ValidRules()),
                         [](const auto& info) { return info.param.name; });

TEST(SegmentRuleValidationTest, ReportsUnderTheGivenPath) {
  Violations violations;
  ValidateRule(Cond("", Op::kExists), "request.segment.rule", violations);
  try {
    std::move(violations).ThrowIfAny();
    FAIL() << "expected a violation";
  } catch (const Error& error) {
    ASSERT_EQ(error.violations().size(), 1u);
    EXPECT_EQ(error.violations()[0].field, "request.segment.rule.condition.field");
  }
}

// ------------------------------------------------------------ fields

struct FieldCase {
  std::string field;
  FactField fact;
  std::vector<std::string> attribute_path;
  SignalKind signal_kind = SignalKind::kPurchase;
};

TEST(SegmentRuleFieldTest, ParsesEveryKindOfField) {
  const std::vector<FieldCase> cases = {
      {"attributes.plan", FactField::kAttribute, {"plan"}},
      {"attributes.address.geo.country-code",
       FactField::kAttribute,
       {"address", "geo", "country-code"}},
      {"attributes.stage", FactField::kAttribute, {"stage"}},
      {"stage", FactField::kStage, {}},
      {"health_band", FactField::kHealthBand, {}},
      {"health_score", FactField::kHealthScore, {}},
      {"days_since_last_purchase", FactField::kDaysSinceLastPurchase, {}},
      {"days_since_last_activity", FactField::kDaysSinceLastActivity, {}},
      {"last_purchase_at", FactField::kLastPurchaseAt, {}},
      {"last_activity_at", FactField::kLastActivityAt, {}},
      {"created_at", FactField::kCreatedAt, {}},
      {"products_held", FactField::kProductsHeld, {}},
      {"signal_count.PURCHASE", FactField::kSignalCount, {}, SignalKind::kPurchase},
      {"signal_count.SUPPORT_TICKET", FactField::kSignalCount, {}, SignalKind::kSupportTicket},
      {"signal_count.CUSTOM", FactField::kSignalCount, {}, SignalKind::kCustom},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    std::string why;
    const auto ref = ParseField(c.field, &why);
    ASSERT_TRUE(ref.has_value()) << why;
    EXPECT_EQ(ref->fact, c.fact);
    EXPECT_EQ(ref->attribute_path, c.attribute_path);
    if (c.fact == FactField::kSignalCount) {
      EXPECT_EQ(ref->signal_kind, c.signal_kind);
    }
  }
}

TEST(SegmentRuleFieldTest, RejectsWithAReason) {
  for (std::string field : {""s, "Stage"s, "stage "s, " stage"s, "attributes"s, "attributes."s,
                            ".attributes.x"s, "attributes.x y"s, "signal_count."s,
                            "signal_count.PURCHASE.x"s, "products_held.x"s, "segment_id"s}) {
    SCOPED_TRACE(field);
    std::string why;
    EXPECT_FALSE(ParseField(field, &why).has_value());
    EXPECT_FALSE(why.empty());
  }
}

// ------------------------------------------------------------ names

struct OpCase {
  RuleOp op;
  std::string name;
  int number;
};

TEST(SegmentRuleOpTest, NamesNumbersAndLookups) {
  const std::vector<OpCase> cases = {
      {Op::kEq, "EQ", 1},
      {Op::kNe, "NE", 2},
      {Op::kLt, "LT", 3},
      {Op::kLe, "LE", 4},
      {Op::kGt, "GT", 5},
      {Op::kGe, "GE", 6},
      {Op::kIn, "IN", 7},
      {Op::kNotIn, "NOT_IN", 8},
      {Op::kContains, "CONTAINS", 9},
      {Op::kExists, "EXISTS", 10},
      {Op::kBetween, "BETWEEN", 11},
  };
  ASSERT_EQ(std::size(kAllRuleOps), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(kAllRuleOps[i], c.op);
    EXPECT_EQ(RuleOpName(c.op), c.name);
    EXPECT_EQ(static_cast<int>(c.op), c.number);
    EXPECT_EQ(RuleOpFromName(c.name), c.op);
    EXPECT_EQ(RuleOpFromNumber(c.number), c.op);
  }
  for (int number : {0, 12, -1, 100}) EXPECT_EQ(RuleOpFromNumber(number), std::nullopt) << number;
  for (std::string name : {"", "eq", "NOTIN", "NOT IN", "UNKNOWN", "EQ "}) {
    EXPECT_EQ(RuleOpFromName(name), std::nullopt) << name;
  }
}

TEST(SegmentRuleOpTest, NumbersAndNamesMatchTheProtoEnum) {
  // The api layer converts with RuleOpFromNumber.
  for (RuleOp op : kAllRuleOps) {
    SCOPED_TRACE(RuleOpName(op));
    const int number = static_cast<int>(op);
    ASSERT_TRUE(v1::RuleOperator_IsValid(number));
    EXPECT_EQ(v1::RuleOperator_Name(static_cast<v1::RuleOperator>(number)),
              "RULE_OPERATOR_" + std::string(RuleOpName(op)));
  }
  EXPECT_EQ(v1::RuleOperator_MAX, static_cast<int>(RuleOp::kBetween))
      << "the proto has an operator the domain does not know";
}

TEST(SegmentRuleValueTest, TypeNamesFollowTheVariantOrder) {
  const std::vector<std::pair<RuleValue, std::string>> cases = {
      {"x"s, "string"}, {1.5, "number"}, {false, "bool"}, {kJan, "timestamp"}};
  for (const auto& [value, name] : cases) {
    EXPECT_EQ(ValueTypeName(TypeOf(value)), name);
  }
}

}  // namespace
}  // namespace lifecycle::domain
