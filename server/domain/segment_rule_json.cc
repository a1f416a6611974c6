#include "server/domain/segment_rule_json.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace lifecycle::domain {
namespace {

using nlohmann::json;
using std::chrono::microseconds;

// Reading is recursive, so it stops at a depth no valid rule reaches. It is
// far above kMaxRuleDepth on purpose: lowering that limit must not make
// rules stored under the old one unreadable.
constexpr int kMaxStoredDepth = 64;
static_assert(kMaxRuleDepth * 4 <= kMaxStoredDepth);

// Timestamp counts nanoseconds in an int64 (libstdc++), which spans fewer
// years than int64 microseconds do.
constexpr std::int64_t kMaxMicros =
    std::chrono::duration_cast<microseconds>(Timestamp::duration::max()).count();
constexpr std::int64_t kMinMicros =
    std::chrono::duration_cast<microseconds>(Timestamp::duration::min()).count();

// ---------------------------------------------------------------- writing

json ValueToJson(const RuleValue& value) {
  switch (TypeOf(value)) {
    case ValueType::kString:
      return {{"string", std::get<std::string>(value)}};
    case ValueType::kNumber:
      // nlohmann writes the shortest text that reads back as the same double.
      return {{"number", std::get<double>(value)}};
    case ValueType::kBool:
      return {{"bool", std::get<bool>(value)}};
    case ValueType::kTimestamp: {
      // PostgreSQL keeps microseconds; floor, not truncation, so times before
      // 1970 round the same way as times after.
      const auto micros =
          std::chrono::floor<microseconds>(std::get<Timestamp>(value).time_since_epoch());
      return {{"timestamp_micros", static_cast<std::int64_t>(micros.count())}};
    }
  }
  throw Error::Internal("segment rule value of unknown type");
}

json NodeToJson(const RuleNode& node) {
  switch (node.kind) {
    case RuleNode::Kind::kAll:
    case RuleNode::Kind::kAny: {
      json rules = json::array();
      for (const auto& child : node.children) rules.push_back(NodeToJson(child));
      return {{node.kind == RuleNode::Kind::kAll ? "all" : "any", std::move(rules)}};
    }
    case RuleNode::Kind::kNot:
      if (node.children.size() != 1) {
        throw Error::Internal("segment rule: a not node needs exactly one child");
      }
      return {{"not", NodeToJson(node.children.front())}};
    case RuleNode::Kind::kCondition: {
      json values = json::array();
      for (const auto& value : node.condition.values) values.push_back(ValueToJson(value));
      return {{"field", node.condition.field},
              {"op", RuleOpName(node.condition.op)},
              {"values", std::move(values)}};
    }
  }
  throw Error::Internal("segment rule node of unknown kind");
}

// ---------------------------------------------------------------- reading

[[noreturn]] void Malformed(const std::string& why) {
  throw Error::Internal("stored segment rule is malformed: " + why);
}

// The single member of a one-member object.
const json& Only(const json& object, const char* key, const char* what) {
  if (!object.is_object() || object.size() != 1 || !object.contains(key)) {
    Malformed(std::string(what) + " must be an object with only \"" + key + "\"");
  }
  return object.at(key);
}

RuleValue ValueFromJson(const json& value) {
  if (!value.is_object() || value.size() != 1) Malformed("a value must be a one-member object");
  const std::string& type = value.begin().key();
  const json& literal = value.begin().value();
  if (type == "string" && literal.is_string()) return literal.get<std::string>();
  // Any JSON number: JSONB may rewrite 1e+300 as its 301 integer digits.
  if (type == "number" && literal.is_number()) return literal.get<double>();
  if (type == "bool" && literal.is_boolean()) return literal.get<bool>();
  if (type == "timestamp_micros" && literal.is_number_integer()) {
    // Unsigned values above int64 are out of range as well.
    const bool in_range =
        literal.is_number_unsigned()
            ? literal.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxMicros)
            : literal.get<std::int64_t>() >= kMinMicros &&
                  literal.get<std::int64_t>() <= kMaxMicros;
    if (!in_range) Malformed("timestamp_micros out of range");
    return Timestamp(microseconds(literal.get<std::int64_t>()));
  }
  Malformed(
      "a value must be {\"string\": s}, {\"number\": n}, {\"bool\": b} or "
      "{\"timestamp_micros\": integer}");
}

RuleNode NodeFromJson(const json& node, int depth) {
  if (depth > kMaxStoredDepth) Malformed("nests deeper than " + std::to_string(kMaxStoredDepth));
  if (!node.is_object()) Malformed("a node must be an object");
  RuleNode out;
  if (node.contains("all") || node.contains("any")) {
    const bool all = node.contains("all");
    out.kind = all ? RuleNode::Kind::kAll : RuleNode::Kind::kAny;
    const json& rules = Only(node, all ? "all" : "any", "a group");
    if (!rules.is_array()) Malformed("a group must hold an array of nodes");
    for (const auto& child : rules) out.children.push_back(NodeFromJson(child, depth + 1));
    return out;
  }
  if (node.contains("not")) {
    out.kind = RuleNode::Kind::kNot;
    out.children.push_back(NodeFromJson(Only(node, "not", "a not node"), depth + 1));
    return out;
  }
  if (node.size() != 3 || !node.contains("field") || !node.contains("op") ||
      !node.contains("values")) {
    Malformed("a node must be all, any, not, or a condition of field, op and values");
  }
  const json& field = node.at("field");
  const json& op = node.at("op");
  const json& values = node.at("values");
  if (!field.is_string()) Malformed("field must be a string");
  if (!op.is_string()) Malformed("op must be a string");
  const auto rule_op = RuleOpFromName(op.get_ref<const std::string&>());
  if (!rule_op) Malformed("unknown op");
  if (!values.is_array()) Malformed("values must be an array");
  out.kind = RuleNode::Kind::kCondition;
  out.condition.field = field.get<std::string>();
  out.condition.op = *rule_op;
  for (const auto& value : values) out.condition.values.push_back(ValueFromJson(value));
  return out;
}

}  // namespace

std::string RuleToJson(const RuleNode& rule) {
  try {
    return NodeToJson(rule).dump();
  } catch (const json::exception& e) {
    // dump() refuses strings that are not UTF-8, which validation rejects.
    throw Error::Internal(std::string("segment rule cannot be written as JSON: ") + e.what());
  }
}

RuleNode RuleFromJson(std::string_view text) {
  try {
    return NodeFromJson(json::parse(text), 1);
  } catch (const json::exception& e) {
    Malformed(e.what());
  }
}

}  // namespace lifecycle::domain
