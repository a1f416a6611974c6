#include "server/domain/segment_rule_eval.h"

#include <algorithm>
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lifecycle::domain {
namespace {

using std::chrono::microseconds;

// A fact or a literal as comparisons see it. The alternatives are
// RuleValue's, in its order, so a literal converts index for index; strings
// are views into the facts or the rule.
using Scalar = std::variant<std::string_view, double, bool, Timestamp>;

// What a field holds for one customer.
struct Fact {
  bool present = false;                                // what EXISTS asks
  std::optional<Scalar> scalar;                        // what EQ .. BETWEEN compare with
  const nlohmann::json* array = nullptr;               // an attribute array, for CONTAINS
  const std::vector<std::string>* products = nullptr;  // products_held, for CONTAINS
};

Fact Present(Scalar scalar) { return Fact{.present = true, .scalar = std::move(scalar)}; }

// PostgreSQL keeps timestamps to the microsecond, so both evaluators do.
microseconds Micros(Timestamp time) {
  return std::chrono::floor<microseconds>(time.time_since_epoch());
}

Fact Days(Timestamp now, const std::optional<Timestamp>& at) {
  if (!at) return Fact{};
  return Present(static_cast<double>((Micros(now) - Micros(*at)).count()) / 86'400'000'000.0);
}

// A JSON scalar as a Scalar; nothing for null, objects and arrays, which no
// literal equals.
std::optional<Scalar> FromJson(const nlohmann::json& value) {
  if (value.is_string()) return Scalar(std::string_view(value.get_ref<const std::string&>()));
  if (value.is_number()) return Scalar(value.get<double>());
  if (value.is_boolean()) return Scalar(value.get<bool>());
  return std::nullopt;
}

Fact AttributeFact(const nlohmann::json& attributes, const std::vector<std::string>& path) {
  const nlohmann::json* value = &attributes;
  for (const auto& key : path) {
    if (!value->is_object()) return Fact{};
    const auto found = value->find(key);
    if (found == value->end()) return Fact{};
    value = &*found;
  }
  if (value->is_null()) return Fact{};
  Fact fact{.present = true, .scalar = FromJson(*value)};
  if (value->is_array()) fact.array = value;
  return fact;
}

Fact FactFor(const FieldRef& field, const CustomerFacts& facts, Timestamp now) {
  switch (field.fact) {
    case FactField::kAttribute:
      return AttributeFact(facts.attributes, field.attribute_path);
    case FactField::kStage:
      return Present(StageName(facts.stage));
    case FactField::kHealthBand:
      return facts.health_band ? Present(HealthBandName(*facts.health_band)) : Fact{};
    case FactField::kHealthScore:
      return facts.health_score ? Present(*facts.health_score) : Fact{};
    case FactField::kDaysSinceLastPurchase:
      return Days(now, facts.last_purchase_at);
    case FactField::kDaysSinceLastActivity:
      return Days(now, facts.last_activity_at);
    case FactField::kLastPurchaseAt:
      return facts.last_purchase_at ? Present(*facts.last_purchase_at) : Fact{};
    case FactField::kLastActivityAt:
      return facts.last_activity_at ? Present(*facts.last_activity_at) : Fact{};
    case FactField::kCreatedAt:
      return Present(facts.created_at);
    case FactField::kSignalCount: {
      const auto found = facts.signal_counts.find(field.signal_kind);
      return Present(static_cast<double>(found == facts.signal_counts.end() ? 0 : found->second));
    }
    case FactField::kProductsHeld: {
      // The list itself is always there; "exists" means holding something.
      Fact held;
      held.present = !facts.products_held.empty();
      held.products = &facts.products_held;
      return held;
    }
  }
  return Fact{};
}

Scalar FromLiteral(const RuleValue& value) {
  return std::visit([](const auto& v) { return Scalar(v); }, value);
}

// How `a` orders against `b`; nothing when their types differ, since a
// comparison across types is false whatever the op.
std::optional<std::partial_ordering> Compare(const Scalar& a, const Scalar& b) {
  if (a.index() != b.index()) return std::nullopt;
  if (const auto* text = std::get_if<std::string_view>(&a)) {
    // char_traits<char> compares as unsigned char: bytewise, like COLLATE "C".
    return *text <=> std::get<std::string_view>(b);
  }
  if (const auto* number = std::get_if<double>(&a)) return *number <=> std::get<double>(b);
  if (const auto* flag = std::get_if<bool>(&a)) return *flag <=> std::get<bool>(b);
  return Micros(std::get<Timestamp>(a)) <=> Micros(std::get<Timestamp>(b));
}

bool Equal(const Scalar& a, const Scalar& b) {
  const auto order = Compare(a, b);
  return order && *order == 0;
}

// Different, and of the same type. Unordered numbers (NaN) are neither.
bool Unequal(const Scalar& a, const Scalar& b) {
  const auto order = Compare(a, b);
  return order && (*order < 0 || *order > 0);
}

bool Contains(const Fact& fact, const Scalar& needle) {
  if (fact.array) {
    return std::any_of(fact.array->begin(), fact.array->end(), [&](const nlohmann::json& element) {
      const auto value = FromJson(element);
      return value && Equal(*value, needle);
    });
  }
  if (fact.products) {
    const auto* id = std::get_if<std::string_view>(&needle);
    return id &&
           std::find(fact.products->begin(), fact.products->end(), *id) != fact.products->end();
  }
  if (!fact.scalar) return false;
  const auto* text = std::get_if<std::string_view>(&*fact.scalar);
  const auto* part = std::get_if<std::string_view>(&needle);
  return text && part && text->find(*part) != std::string_view::npos;
}

bool Holds(const RuleCondition& condition, const Fact& fact) {
  std::vector<Scalar> values;
  values.reserve(condition.values.size());
  for (const auto& value : condition.values) values.push_back(FromLiteral(value));

  if (condition.op == RuleOp::kExists) return fact.present;
  if (condition.op == RuleOp::kContains) return values.size() == 1 && Contains(fact, values[0]);
  if (!fact.scalar) return false;
  const Scalar& field = *fact.scalar;
  const bool is_bool = std::holds_alternative<bool>(field);
  // Orders one value against the field: the op's verdict, false across types.
  const auto ordered = [&](auto accept) {
    if (values.size() != 1 || is_bool) return false;
    const auto order = Compare(field, values[0]);
    return order && accept(*order);
  };
  switch (condition.op) {
    case RuleOp::kEq:
      return values.size() == 1 && Equal(field, values[0]);
    case RuleOp::kNe:
      return values.size() == 1 && Unequal(field, values[0]);
    case RuleOp::kLt:
      return ordered([](std::partial_ordering o) { return o < 0; });
    case RuleOp::kLe:
      return ordered([](std::partial_ordering o) { return o <= 0; });
    case RuleOp::kGt:
      return ordered([](std::partial_ordering o) { return o > 0; });
    case RuleOp::kGe:
      return ordered([](std::partial_ordering o) { return o >= 0; });
    case RuleOp::kIn:
      return std::any_of(values.begin(), values.end(),
                         [&](const Scalar& value) { return Equal(field, value); });
    case RuleOp::kNotIn:
      return !values.empty() && std::all_of(values.begin(), values.end(), [&](const Scalar& value) {
        return Unequal(field, value);
      });
    case RuleOp::kBetween: {
      if (values.size() != 2 || is_bool) return false;
      const auto above_lo = Compare(field, values[0]);
      const auto below_hi = Compare(field, values[1]);
      return above_lo && below_hi && *above_lo >= 0 && *below_hi <= 0;
    }
    case RuleOp::kContains:
    case RuleOp::kExists:
      break;  // answered above
  }
  return false;
}

bool ConditionMatches(const RuleCondition& condition, const CustomerFacts& facts, Timestamp now) {
  std::string why;
  const auto field = ParseField(condition.field, &why);
  return field && Holds(condition, FactFor(*field, facts, now));
}

}  // namespace

// Rules are validated before use. Should a malformed node reach here anyway
// (an empty group, a `not` without exactly one child, an unknown field), it
// is false rather than true, so it cannot sweep everyone into a segment.
bool Matches(const RuleNode& rule, const CustomerFacts& facts, Timestamp now) {
  const auto matches = [&](const RuleNode& child) { return Matches(child, facts, now); };
  switch (rule.kind) {
    case RuleNode::Kind::kAll:
      return !rule.children.empty() &&
             std::all_of(rule.children.begin(), rule.children.end(), matches);
    case RuleNode::Kind::kAny:
      return std::any_of(rule.children.begin(), rule.children.end(), matches);
    case RuleNode::Kind::kNot:
      return rule.children.size() == 1 && !matches(rule.children.front());
    case RuleNode::Kind::kCondition:
      return ConditionMatches(rule.condition, facts, now);
  }
  return false;
}

}  // namespace lifecycle::domain
