#include "server/domain/segment_rule.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/enum_names.h"
#include "server/domain/health_band.h"
#include "server/domain/identifiers.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {
namespace {

constexpr std::string_view kAttributesPrefix = "attributes.";
constexpr std::string_view kSignalCountPrefix = "signal_count.";
constexpr std::size_t kMaxAttributeKeyLength = 64;
constexpr std::size_t kMaxAttributeKeys = 8;

// The fields that are a fixed name (attributes and signal counts take a
// suffix and are parsed apart).
struct NamedField {
  std::string_view name;
  FactField fact;
};
constexpr NamedField kNamedFields[] = {
    {"stage", FactField::kStage},
    {"health_band", FactField::kHealthBand},
    {"health_score", FactField::kHealthScore},
    {"days_since_last_purchase", FactField::kDaysSinceLastPurchase},
    {"days_since_last_activity", FactField::kDaysSinceLastActivity},
    {"last_purchase_at", FactField::kLastPurchaseAt},
    {"last_activity_at", FactField::kLastActivityAt},
    {"created_at", FactField::kCreatedAt},
    {"products_held", FactField::kProductsHeld},
};

// What a field holds, which decides the operators and literals it takes.
enum class FieldType {
  kStageName,    // stage: a Stage name
  kBandName,     // health_band: a HealthBand name
  kNumber,       // scores, day counts, signal counts
  kTimestamp,    // *_at
  kStringArray,  // products_held
  kJson,         // attributes: whatever the JSON holds
};

FieldType TypeOfField(FactField fact) {
  switch (fact) {
    case FactField::kAttribute:
      return FieldType::kJson;
    case FactField::kStage:
      return FieldType::kStageName;
    case FactField::kHealthBand:
      return FieldType::kBandName;
    case FactField::kHealthScore:
    case FactField::kDaysSinceLastPurchase:
    case FactField::kDaysSinceLastActivity:
    case FactField::kSignalCount:
      return FieldType::kNumber;
    case FactField::kLastPurchaseAt:
    case FactField::kLastActivityAt:
    case FactField::kCreatedAt:
      return FieldType::kTimestamp;
    case FactField::kProductsHeld:
      return FieldType::kStringArray;
  }
  return FieldType::kJson;
}

bool IsOrdering(RuleOp op) {
  return op == RuleOp::kLt || op == RuleOp::kLe || op == RuleOp::kGt || op == RuleOp::kGe ||
         op == RuleOp::kBetween;
}

// Names are closed sets, so only these few ops make sense on them: ordering
// stage names alphabetically would be a trap, not a feature.
bool IsNameOp(RuleOp op) {
  return op == RuleOp::kEq || op == RuleOp::kNe || op == RuleOp::kIn || op == RuleOp::kNotIn ||
         op == RuleOp::kExists;
}

// Why `op` cannot apply to a field of `type`, or empty.
std::string OpMismatch(FieldType type, RuleOp op, std::string_view field) {
  const std::string op_name(RuleOpName(op));
  const std::string name(field);
  switch (type) {
    case FieldType::kStageName:
    case FieldType::kBandName:
      return IsNameOp(op) ? ""
                          : op_name + " does not apply to " + name +
                                ", a name; use EQ, NE, IN, NOT_IN or EXISTS";
    case FieldType::kNumber:
    case FieldType::kTimestamp:
      return op != RuleOp::kContains
                 ? ""
                 : "CONTAINS needs a string or array field; " + name + " is a " +
                       (type == FieldType::kNumber ? "number" : "timestamp");
    case FieldType::kStringArray:
      return op == RuleOp::kContains || op == RuleOp::kExists
                 ? ""
                 : op_name + " does not apply to " + name +
                       ", a list of product ids; use CONTAINS or EXISTS";
    case FieldType::kJson:
      return "";
  }
  return "";
}

std::string AllNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <typename Enum, std::size_t N, typename NameOf>
std::string AllNames(const Enum (&all)[N], NameOf name_of) {
  std::vector<std::string_view> names;
  for (Enum value : all) names.push_back(name_of(value));
  return AllNames(names);
}

std::string KnownFields() {
  std::vector<std::string_view> names = {"attributes.<key>"};
  for (const auto& named : kNamedFields) names.push_back(named.name);
  names.push_back("signal_count.<KIND>");
  return AllNames(names);
}

bool IsAttributeKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Splits "a.b.c" into keys; on failure says why. Keys are plain identifiers
// so the SQL compiler can pass them as a text[] path without quoting rules.
std::optional<std::vector<std::string>> ParseAttributePath(std::string_view path,
                                                           std::string* why) {
  std::vector<std::string> keys;
  while (true) {
    const std::size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (keys.size() == kMaxAttributeKeys) {
      *why = "an attribute path may be at most " + std::to_string(kMaxAttributeKeys) + " keys deep";
      return std::nullopt;
    }
    const bool valid = !key.empty() && key.size() <= kMaxAttributeKeyLength &&
                       std::all_of(key.begin(), key.end(), IsAttributeKeyChar);
    if (!valid) {
      *why = "attribute key " + std::to_string(keys.size() + 1) + " must be 1 to " +
             std::to_string(kMaxAttributeKeyLength) + " characters of A-Z, a-z, 0-9, _ and -";
      return std::nullopt;
    }
    keys.emplace_back(key);
    if (dot == std::string_view::npos) return keys;
    path.remove_prefix(dot + 1);
  }
}

// ------------------------------------------------------------ conditions

// Collects the violations of one condition. `path` ends in ".condition".
// Messages never echo the caller's text (only field names that parsed): it
// may not be valid UTF-8, which a google.rpc.BadRequest cannot carry.
class ConditionCheck {
 public:
  ConditionCheck(const RuleCondition& condition, std::string path, Violations& violations)
      : condition_(condition), path_(std::move(path)), violations_(violations) {}

  void Run() {
    const std::optional<FieldRef> field = CheckField();
    const std::optional<RuleOp> op = RuleOpFromNumber(static_cast<int>(condition_.op));
    if (!op) {
      violations_.Add(path_ + ".op",
                      static_cast<int>(condition_.op) == 0
                          ? "is required"
                          : "unknown operator " + std::to_string(static_cast<int>(condition_.op)));
    }
    const bool count_ok = op && CheckValueCount(*op);
    const std::optional<FieldType> type =
        field ? std::optional(TypeOfField(field->fact)) : std::nullopt;
    if (op && type) {
      if (std::string why = OpMismatch(*type, *op, condition_.field); !why.empty()) {
        violations_.Add(path_ + ".op", why);
        return;  // which values fit follows from the op; judging them would only repeat this
      }
    }
    // More values than allowed were reported once above, not value by value.
    if (condition_.values.size() > kMaxRuleValues) return;
    for (std::size_t i = 0; i < condition_.values.size(); ++i) CheckLiteral(i);
    if (!op) return;
    if (type) {
      for (std::size_t i = 0; i < condition_.values.size(); ++i) CheckValueForField(*type, i);
    }
    // A built-in field has one type, and every value was held to it above.
    // Attributes (and fields we could not parse) only constrain the values
    // among themselves.
    if (!type || *type == FieldType::kJson) {
      if (IsOrdering(*op)) {
        for (std::size_t i = 0; i < condition_.values.size(); ++i) CheckOrderable(*op, i);
      }
      if (count_ok && condition_.values.size() > 1) CheckOneType(*op);
    }
    if (count_ok && *op == RuleOp::kBetween) CheckBounds();
  }

 private:
  std::string ValuePath(std::size_t i) const {
    return path_ + ".values[" + std::to_string(i) + "]";
  }

  std::optional<FieldRef> CheckField() {
    if (condition_.field.empty()) {
      violations_.Add(path_ + ".field", "is required");
      return std::nullopt;
    }
    std::string why;
    std::optional<FieldRef> field = ParseField(condition_.field, &why);
    if (!field) violations_.Add(path_ + ".field", why);
    return field;
  }

  // Whether the number of values suits the op; reports when it does not.
  bool CheckValueCount(RuleOp op) {
    const std::size_t count = condition_.values.size();
    const std::string op_name(RuleOpName(op));
    const std::string got = " (got " + std::to_string(count) + ")";
    std::string why;
    switch (op) {
      case RuleOp::kExists:
        if (count != 0) why = "EXISTS takes no values" + got;
        break;
      case RuleOp::kBetween:
        if (count != 2) why = "BETWEEN takes exactly 2 values, the low and the high end" + got;
        break;
      case RuleOp::kIn:
      case RuleOp::kNotIn:
        if (count == 0) why = op_name + " needs at least one value";
        if (count > kMaxRuleValues) {
          why = op_name + " takes at most " + std::to_string(kMaxRuleValues) + " values" + got;
        }
        break;
      default:
        if (count != 1) why = op_name + " takes exactly one value" + got;
    }
    if (why.empty()) return true;
    violations_.Add(path_ + ".values", why);
    return false;
  }

  // What any literal must be, whatever the field and op.
  void CheckLiteral(std::size_t i) {
    const RuleValue& value = condition_.values[i];
    if (const auto* number = std::get_if<double>(&value); number && !std::isfinite(*number)) {
      violations_.Add(ValuePath(i), "must be a finite number");
    }
    if (const auto* text = std::get_if<std::string>(&value)) {
      if (auto why = CheckDisplayText(*text, kMaxRuleStringLength)) {
        violations_.Add(ValuePath(i), "a string value " + *why);
      }
    }
  }

  void CheckValueForField(FieldType type, std::size_t i) {
    const RuleValue& value = condition_.values[i];
    const ValueType value_type = TypeOf(value);
    const std::string field = condition_.field;
    const std::string got(ValueTypeName(value_type));
    const auto expect = [&](ValueType wanted, std::string_view what) {
      if (value_type == wanted) return true;
      violations_.Add(ValuePath(i), field + " is " + std::string(what) + "; compare it with a " +
                                        std::string(ValueTypeName(wanted)) + ", not a " + got);
      return false;
    };
    switch (type) {
      case FieldType::kStageName:
        if (expect(ValueType::kString, "a stage name") &&
            !StageFromName(std::get<std::string>(value))) {
          violations_.Add(ValuePath(i),
                          "unknown stage; expected one of " + AllNames(kAllStages, StageName));
        }
        return;
      case FieldType::kBandName:
        if (expect(ValueType::kString, "a health band name") &&
            !HealthBandFromName(std::get<std::string>(value))) {
          violations_.Add(ValuePath(i), "unknown health band; expected one of " +
                                            AllNames(kAllHealthBands, HealthBandName));
        }
        return;
      case FieldType::kNumber:
        expect(ValueType::kNumber, "a number");
        return;
      case FieldType::kTimestamp:
        expect(ValueType::kTimestamp, "a timestamp");
        return;
      case FieldType::kStringArray:
        expect(ValueType::kString, "a list of product ids");
        return;
      case FieldType::kJson:
        if (value_type == ValueType::kTimestamp) {
          violations_.Add(ValuePath(i),
                          "attributes are JSON, which has no timestamp type; compare with the "
                          "string or number the attribute holds");
        }
        return;
    }
  }

  void CheckOrderable(RuleOp op, std::size_t i) {
    if (TypeOf(condition_.values[i]) != ValueType::kBool) return;
    violations_.Add(ValuePath(i), std::string(RuleOpName(op)) +
                                      " cannot order booleans; use EQ, NE, IN or NOT_IN");
  }

  // IN, NOT_IN and BETWEEN compare the field with every value, and a field
  // holds one type, so mixed values would make some of them dead.
  void CheckOneType(RuleOp op) {
    const ValueType first = TypeOf(condition_.values.front());
    for (std::size_t i = 1; i < condition_.values.size(); ++i) {
      const ValueType type = TypeOf(condition_.values[i]);
      if (type == first) continue;
      violations_.Add(ValuePath(i), "the values of " + std::string(RuleOpName(op)) +
                                        " must all have one type: values[0] is a " +
                                        std::string(ValueTypeName(first)) + ", this is a " +
                                        std::string(ValueTypeName(type)));
      return;  // one report says it; the rest would repeat it
    }
  }

  void CheckBounds() {
    const RuleValue& lo = condition_.values[0];
    const RuleValue& hi = condition_.values[1];
    if (lo.index() != hi.index()) return;  // CheckOneType said so
    bool inverted = false;
    if (const auto* lo_text = std::get_if<std::string>(&lo)) {
      inverted = std::get<std::string>(hi) < *lo_text;
    } else if (const auto* lo_number = std::get_if<double>(&lo)) {
      inverted = std::get<double>(hi) < *lo_number;
    } else if (const auto* lo_time = std::get_if<Timestamp>(&lo)) {
      using std::chrono::microseconds;
      inverted = std::chrono::floor<microseconds>(std::get<Timestamp>(hi)) <
                 std::chrono::floor<microseconds>(*lo_time);
    }
    if (inverted) {
      violations_.Add(path_ + ".values",
                      "BETWEEN needs the low end first: values[1] is below values[0]");
    }
  }

  const RuleCondition& condition_;
  const std::string path_;
  Violations& violations_;
};

// ------------------------------------------------------------ the tree

std::size_t CountNodes(const RuleNode& node, std::size_t limit) {
  std::size_t count = 1;
  for (const auto& child : node.children) {
    if (count > limit) break;  // stops early, so a huge tree costs little
    count += CountNodes(child, limit - count);
  }
  return count;
}

class TreeCheck {
 public:
  explicit TreeCheck(Violations& violations) : violations_(violations) {}

  void Node(const RuleNode& node, const std::string& path, int depth) {
    if (depth > kMaxRuleDepth) {
      if (!depth_reported_) {
        violations_.Add(path, "nests too deep: a rule may be at most " +
                                  std::to_string(kMaxRuleDepth) + " levels deep");
        depth_reported_ = true;
      }
      return;  // nothing below a too-deep node is looked at
    }
    switch (node.kind) {
      case RuleNode::Kind::kAll:
      case RuleNode::Kind::kAny: {
        const std::string group = path + (node.kind == RuleNode::Kind::kAll ? ".all" : ".any");
        if (node.children.empty()) violations_.Add(group + ".rules", "needs at least one rule");
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          Node(node.children[i], group + ".rules[" + std::to_string(i) + "]", depth + 1);
        }
        return;
      }
      case RuleNode::Kind::kNot:
        if (node.children.size() != 1) {
          violations_.Add(path + ".not", "needs exactly one rule (has " +
                                             std::to_string(node.children.size()) + ")");
        }
        if (!node.children.empty()) Node(node.children.front(), path + ".not", depth + 1);
        return;
      case RuleNode::Kind::kCondition:
        if (!node.children.empty()) {
          violations_.Add(path + ".condition", "a condition has no child rules");
        }
        ConditionCheck(node.condition, path + ".condition", violations_).Run();
        return;
    }
    violations_.Add(path, "is required");  // a kind outside the enum
  }

 private:
  Violations& violations_;
  bool depth_reported_ = false;
};

}  // namespace

std::string_view RuleOpName(RuleOp op) {
  switch (op) {
    case RuleOp::kEq:
      return "EQ";
    case RuleOp::kNe:
      return "NE";
    case RuleOp::kLt:
      return "LT";
    case RuleOp::kLe:
      return "LE";
    case RuleOp::kGt:
      return "GT";
    case RuleOp::kGe:
      return "GE";
    case RuleOp::kIn:
      return "IN";
    case RuleOp::kNotIn:
      return "NOT_IN";
    case RuleOp::kContains:
      return "CONTAINS";
    case RuleOp::kExists:
      return "EXISTS";
    case RuleOp::kBetween:
      return "BETWEEN";
  }
  return "UNKNOWN";
}

std::optional<RuleOp> RuleOpFromName(std::string_view name) {
  return EnumFromName(kAllRuleOps, RuleOpName, name);
}

std::optional<RuleOp> RuleOpFromNumber(int number) { return EnumFromNumber(kAllRuleOps, number); }

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBool:
      return "bool";
    case ValueType::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

std::optional<FieldRef> ParseField(std::string_view field, std::string* why) {
  if (field.empty()) {
    *why = "is required";
    return std::nullopt;
  }
  FieldRef ref;
  if (field.starts_with(kAttributesPrefix)) {
    auto path = ParseAttributePath(field.substr(kAttributesPrefix.size()), why);
    if (!path) return std::nullopt;
    ref.fact = FactField::kAttribute;
    ref.attribute_path = std::move(*path);
    return ref;
  }
  if (field.starts_with(kSignalCountPrefix)) {
    auto kind = SignalKindFromName(field.substr(kSignalCountPrefix.size()));
    if (!kind) {
      *why = "unknown signal kind; expected signal_count.<KIND> with KIND one of " +
             AllNames(kAllSignalKinds, SignalKindName);
      return std::nullopt;
    }
    ref.fact = FactField::kSignalCount;
    ref.signal_kind = *kind;
    return ref;
  }
  for (const auto& named : kNamedFields) {
    if (named.name == field) {
      ref.fact = named.fact;
      return ref;
    }
  }
  *why = "unknown field; expected one of " + KnownFields();
  return std::nullopt;
}

void ValidateRule(const RuleNode& rule, const std::string& path, Violations& violations) {
  if (CountNodes(rule, kMaxRuleNodes) > kMaxRuleNodes) {
    violations.Add(path, "has more than " + std::to_string(kMaxRuleNodes) +
                             " nodes (conditions, groups and nots together)");
  }
  TreeCheck(violations).Node(rule, path, 1);
}

}  // namespace lifecycle::domain
