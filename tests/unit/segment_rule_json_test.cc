// The stored form of segment rules: the exact text (it lives in JSONB and
// must stay readable), round trips of every node and value kind including
// doubles that need all 17 digits, and rejection of anything else.

#include "server/domain/segment_rule_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "server/domain/error.h"
#include "server/domain/segment_rule.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle::domain {
namespace {

using namespace rule_builders;
using namespace std::string_literals;
using Op = RuleOp;

// Structural equality that tells -0.0 from 0.0 and compares timestamps to
// the nanosecond, so a lossy round trip cannot pass.
void ExpectSameValue(const RuleValue& a, const RuleValue& b) {
  ASSERT_EQ(a.index(), b.index());
  if (const auto* number = std::get_if<double>(&a)) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*number),
              std::bit_cast<std::uint64_t>(std::get<double>(b)))
        << *number << " became " << std::get<double>(b);
  } else {
    EXPECT_TRUE(a == b);
  }
}

void ExpectSameTree(const RuleNode& a, const RuleNode& b, const std::string& path = "rule") {
  SCOPED_TRACE(path);
  ASSERT_EQ(a.kind, b.kind);
  ASSERT_EQ(a.children.size(), b.children.size());
  for (std::size_t i = 0; i < a.children.size(); ++i) {
    ExpectSameTree(a.children[i], b.children[i], path + "/" + std::to_string(i));
  }
  if (a.kind != RuleNode::Kind::kCondition) return;
  EXPECT_EQ(a.condition.field, b.condition.field);
  EXPECT_EQ(a.condition.op, b.condition.op);
  ASSERT_EQ(a.condition.values.size(), b.condition.values.size());
  for (std::size_t i = 0; i < a.condition.values.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameValue(a.condition.values[i], b.condition.values[i]);
  }
}

// ------------------------------------------------------------ exact text

struct TextCase {
  std::string name;
  RuleNode rule;
  std::string json;
};

TEST(SegmentRuleJsonTest, WritesTheDocumentedFormat) {
  const std::vector<TextCase> cases = {
      {"Condition",
       Cond("attributes.country", Op::kIn, {"FR"s, 3.5, true, AtMicros(1'700'000'000'000'000)}),
       R"({"field":"attributes.country","op":"IN","values":[{"string":"FR"},{"number":3.5},)"
       R"({"bool":true},{"timestamp_micros":1700000000000000}]})"},
      {"Exists", Cond("stage", Op::kExists), R"({"field":"stage","op":"EXISTS","values":[]})"},
      {"All", All({Cond("stage", Op::kEq, {"NEW"s})}),
       R"({"all":[{"field":"stage","op":"EQ","values":[{"string":"NEW"}]}]})"},
      {"Any", Any({Cond("stage", Op::kNotIn, {"NEW"s})}),
       R"({"any":[{"field":"stage","op":"NOT_IN","values":[{"string":"NEW"}]}]})"},
      {"Not", Not(Cond("health_score", Op::kGe, {50.0})),
       R"({"not":{"field":"health_score","op":"GE","values":[{"number":50.0}]}})"},
      {"Unicode", Cond("attributes.city", Op::kEq, {"M\xC3\xBCnchen \"x\""s}),
       "{\"field\":\"attributes.city\",\"op\":\"EQ\",\"values\":[{\"string\":\"M\xC3\xBCnchen "
       "\\\"x\\\"\"}]}"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(RuleToJson(c.rule), c.json);
    ExpectSameTree(RuleFromJson(c.json), c.rule);
  }
}

TEST(SegmentRuleJsonTest, EveryOpIsWrittenByName) {
  for (RuleOp op : kAllRuleOps) {
    SCOPED_TRACE(RuleOpName(op));
    const RuleNode rule = Cond("attributes.x", op, {"v"s});
    EXPECT_NE(RuleToJson(rule).find("\"op\":\"" + std::string(RuleOpName(op)) + "\""),
              std::string::npos);
    ExpectSameTree(RuleFromJson(RuleToJson(rule)), rule);
  }
}

// ------------------------------------------------------------ round trips

struct RoundTripCase {
  std::string name;
  RuleValue value;
};

std::vector<RoundTripCase> Values() {
  using limits = std::numeric_limits<double>;
  using std::chrono::nanoseconds;
  return {
      {"Zero", 0.0},
      {"NegativeZero", -0.0},
      {"PointOne", 0.1},
      {"OneThird", 1.0 / 3},
      {"Huge", 1e300},
      {"Tiny", 1e-300},
      {"ManyDigits", 123456789.123456789},
      {"Integral", 42.0},
      {"BeyondExactIntegers", 9007199254740993.0},
      {"Max", limits::max()},
      {"Lowest", limits::lowest()},
      {"SmallestNormal", limits::min()},
      {"SmallestSubnormal", limits::denorm_min()},
      {"Negative", -273.15},
      {"String", "gold"s},
      {"StringWithEscapes", "a\"b\\c/d"s},
      {"StringUtf8", "\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"s},
      {"True", true},
      {"False", false},
      {"Epoch", AtMicros(0)},
      {"Recent", AtMicros(1'700'000'000'123'456)},
      {"BeforeEpoch", AtMicros(-1)},
      {"FarPast", AtMicros(-9'000'000'000'000'000)},
      {"FarFuture", AtMicros(9'000'000'000'000'000)},
  };
}

TEST(SegmentRuleJsonTest, EveryValueRoundTripsExactly) {
  for (const auto& c : Values()) {
    SCOPED_TRACE(c.name);
    const RuleNode rule = Cond("attributes.x", Op::kEq, {c.value});
    const std::string json = RuleToJson(rule);
    ExpectSameTree(RuleFromJson(json), rule);
    EXPECT_EQ(RuleToJson(RuleFromJson(json)), json) << "the text is stable";
  }
}

TEST(SegmentRuleJsonTest, TimestampsKeepWholeMicrosecondsFloored) {
  using std::chrono::nanoseconds;
  struct Case {
    std::string name;
    Timestamp written;
    std::int64_t micros;
  };
  const std::vector<Case> cases = {
      {"PartAfter", Timestamp(nanoseconds(1'999)), 1},
      {"PartBefore", Timestamp(nanoseconds(-1)), -1},
      {"PartBeforeWhole", Timestamp(nanoseconds(-1'000)), -1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const RuleNode back = RuleFromJson(RuleToJson(Cond("created_at", Op::kLt, {c.written})));
    ExpectSameValue(back.condition.values.at(0), AtMicros(c.micros));
  }
}

TEST(SegmentRuleJsonTest, ReadsNumbersAsJsonbRewritesThem) {
  // JSONB keeps numbers as numeric and prints them back its own way.
  struct Case {
    std::string text;
    double number;
  };
  const std::vector<Case> cases = {
      {"1" + std::string(300, '0'), 1e300},
      {"0." + std::string(299, '0') + "1", 1e-300},
      {"3", 3.0},
      {"-2", -2.0},
      {"3.50", 3.5},
      {"18446744073709551615", 18446744073709551615.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const RuleNode rule =
        RuleFromJson(R"({"field":"health_score","op":"EQ","values":[{"number":)" + c.text + "}]}");
    ExpectSameValue(rule.condition.values.at(0), c.number);
  }
}

TEST(SegmentRuleJsonTest, DeepAndWideTreesRoundTrip) {
  // Every node kind at every level, down to the deepest valid rule.
  RuleNode deep = Cond("signal_count.NPS", Op::kBetween, {1.0, 9.0});
  for (int level = kMaxRuleDepth - 1; level >= 1; --level) {
    switch (level % 3) {
      case 0:
        deep = Not(std::move(deep));
        break;
      case 1:
        deep = All({Cond("stage", Op::kNe, {"LAPSED"s}), std::move(deep)});
        break;
      default:
        deep = Any({std::move(deep), Cond("products_held", Op::kExists)});
    }
  }
  ExpectSameTree(RuleFromJson(RuleToJson(deep)), deep);

  std::vector<RuleNode> many;
  for (int i = 0; i < static_cast<int>(kMaxRuleNodes) - 1; ++i) {
    many.push_back(Cond("attributes.k" + std::to_string(i), Op::kGe, {i * 0.1}));
  }
  const RuleNode wide = Any(std::move(many));
  ExpectSameTree(RuleFromJson(RuleToJson(wide)), wide);
}

TEST(SegmentRuleJsonTest, ReadsRulesNestedFarBeyondTheCurrentLimit) {
  // A lowered kMaxRuleDepth must not make rules stored under the old one
  // unreadable.
  const RuleNode deep = NotChain(4 * kMaxRuleDepth, Cond("stage", Op::kExists));
  ExpectSameTree(RuleFromJson(RuleToJson(deep)), deep);
}

// ------------------------------------------------------------ rejection

struct MalformedCase {
  std::string name;
  std::string json;
};

std::vector<MalformedCase> Malformed() {
  const std::string ok_values = R"("values":[{"string":"x"}])";
  const auto value = [](const std::string& v) {
    return R"({"field":"attributes.x","op":"EQ","values":[)" + v + "]}";
  };
  return {
      {"Empty", ""},
      {"NotJson", "{all:[]}"},
      {"Truncated", R"({"all":[{"field":"stage")"},
      {"TrailingText", R"({"field":"stage","op":"EXISTS","values":[]} x)"},
      {"Null", "null"},
      {"Array", "[]"},
      {"String", R"("stage")"},
      {"EmptyObject", "{}"},
      {"UnknownNodeKey", R"({"none":[]})"},
      {"GroupNotArray", R"({"all":{"field":"stage","op":"EXISTS","values":[]}})"},
      {"GroupWithExtraKey", R"({"all":[],"any":[]})"},
      {"GroupAndCondition", R"({"any":[],"field":"stage","op":"EXISTS","values":[]})"},
      {"GroupChildNotObject", R"({"all":[1]})"},
      {"NotArray", R"({"not":[{"field":"stage","op":"EXISTS","values":[]}]})"},
      {"NotNull", R"({"not":null})"},
      {"NotWithExtraKey", R"({"not":{"field":"stage","op":"EXISTS","values":[]},"x":1})"},
      {"ConditionWithoutValues", R"({"field":"stage","op":"EXISTS"})"},
      {"ConditionWithoutOp", R"({"field":"stage",)" + ok_values + "}"},
      {"ConditionWithoutField", R"({"op":"EQ",)" + ok_values + "}"},
      {"ConditionWithExtraKey", R"({"field":"stage","op":"EQ","x":1,)" + ok_values + "}"},
      {"FieldNotString", R"({"field":1,"op":"EQ",)" + ok_values + "}"},
      {"OpNotString", R"({"field":"stage","op":1,)" + ok_values + "}"},
      {"OpUnknown", R"({"field":"stage","op":"LIKE",)" + ok_values + "}"},
      {"OpLowerCase", R"({"field":"stage","op":"eq",)" + ok_values + "}"},
      {"ValuesNotArray", R"({"field":"stage","op":"EQ","values":{"string":"x"}})"},
      {"ValueNotObject", value(R"("x")")},
      {"ValueEmptyObject", value("{}")},
      {"ValueTwoKeys", value(R"({"string":"x","number":1})")},
      {"ValueUnknownType", value(R"({"date":"2024-01-01"})")},
      {"StringNotString", value(R"({"string":1})")},
      {"NumberNotNumber", value(R"({"number":"1"})")},
      {"NumberNull", value(R"({"number":null})")},
      {"BoolNotBool", value(R"({"bool":"true"})")},
      {"TimestampFractional", value(R"({"timestamp_micros":1.5})")},
      {"TimestampString", value(R"({"timestamp_micros":"1700000000000000"})")},
      {"TimestampAfterYear2262", value(R"({"timestamp_micros":9300000000000000})")},
      {"TimestampBeforeYear1677", value(R"({"timestamp_micros":-9300000000000000})")},
      {"TimestampAboveInt64", value(R"({"timestamp_micros":18446744073709551615})")},
      {"NestedTooDeep",
       [] {
         std::string text;
         for (int i = 0; i < 65; ++i) text += R"({"not":)";
         text += R"({"field":"stage","op":"EXISTS","values":[]})";
         for (int i = 0; i < 65; ++i) text += "}";
         return text;
       }()},
      {"NestedAbsurdlyDeep",
       [] {
         std::string text;
         for (int i = 0; i < 100'000; ++i) text += R"({"not":)";
         text += R"({"field":"stage","op":"EXISTS","values":[]})";
         for (int i = 0; i < 100'000; ++i) text += "}";
         return text;
       }()},
  };
}

TEST(SegmentRuleJsonTest, RejectsWhatRuleToJsonCannotHaveWritten) {
  for (const auto& c : Malformed()) {
    SCOPED_TRACE(c.name);
    try {
      RuleFromJson(c.json);
      ADD_FAILURE() << "accepted " << c.json.substr(0, 200);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInternal);
      EXPECT_NE(error.message().find("segment rule"), std::string::npos) << error.message();
    }
  }
}

TEST(SegmentRuleJsonTest, RefusesToWriteWhatNoValidRuleHolds) {
  const std::vector<std::pair<std::string, RuleNode>> cases = {
      {"NotWithoutChild", NotOf({})},
      {"NotWithTwoChildren", NotOf({Cond("stage", Op::kExists), Cond("stage", Op::kExists)})},
      {"StringNotUtf8", Cond("attributes.x", Op::kEq, {"\xFF"s})},
      {"NestedStringNotUtf8",
       All({Cond("attributes.x", Op::kEq, {"ok"s}), Cond("attributes.\xC0", Op::kExists)})},
  };
  for (const auto& [name, rule] : cases) {
    SCOPED_TRACE(name);
    try {
      RuleToJson(rule);
      ADD_FAILURE() << "wrote it";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInternal);
    }
  }
}

}  // namespace
}  // namespace lifecycle::domain
