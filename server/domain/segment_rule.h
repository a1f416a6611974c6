#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/error.h"
#include "server/domain/signal_kind.h"

namespace lifecycle::domain {

// A segment rule: a condition tree over a customer's attributes and derived
// facts. The same tree is evaluated here for one customer and compiled to SQL
// (storage/segment_sql.cc) for bulk work; both follow the semantics below.
//
// Semantics (one place, both evaluators):
// - A comparison needs the field present and of the value's type; otherwise
//   it is false. That holds for `ne` and `not_in` too, so "country ne FR" does
//   not match a customer without a country; wrap `in` in `not` to include them.
// - `exists`: the field is present and not JSON null (takes no values). On
//   products_held, whose list is always there, it means "holds at least one
//   product"; stage, created_at and signal_count.* always exist.
// - `contains`: on a string field, substring; on an array field, an element
//   equal to the value.
// - `between`: lo <= field <= hi, both ends inclusive, same type.
// - Strings compare bytewise (SQL uses COLLATE "C"); numbers as doubles;
//   timestamps to the microsecond; bools only with eq/ne/in/not_in.
// - `all` of nothing is true is not allowed: groups need at least one rule.

enum class RuleOp {
  kEq = 1,
  kNe = 2,
  kLt = 3,
  kLe = 4,
  kGt = 5,
  kGe = 6,
  kIn = 7,
  kNotIn = 8,
  kContains = 9,
  kExists = 10,
  kBetween = 11,
};

inline constexpr RuleOp kAllRuleOps[] = {
    RuleOp::kEq, RuleOp::kNe,    RuleOp::kLt,       RuleOp::kLe,     RuleOp::kGt,     RuleOp::kGe,
    RuleOp::kIn, RuleOp::kNotIn, RuleOp::kContains, RuleOp::kExists, RuleOp::kBetween};

std::string_view RuleOpName(RuleOp op);  // "NOT_IN"
std::optional<RuleOp> RuleOpFromName(std::string_view name);
std::optional<RuleOp> RuleOpFromNumber(int number);

// A typed literal. The alternatives' order is ValueType's.
using RuleValue = std::variant<std::string, double, bool, Timestamp>;
enum class ValueType { kString = 0, kNumber = 1, kBool = 2, kTimestamp = 3 };
inline ValueType TypeOf(const RuleValue& value) { return static_cast<ValueType>(value.index()); }
std::string_view ValueTypeName(ValueType type);  // "string"

// `field op values`.
struct RuleCondition {
  std::string field;  // see FieldRef
  RuleOp op = RuleOp::kEq;
  std::vector<RuleValue> values;  // none for exists, two for between, 1+ for in
};

struct RuleNode {
  enum class Kind { kAll, kAny, kNot, kCondition };
  Kind kind = Kind::kCondition;
  std::vector<RuleNode> children;  // all/any: 1+; not: exactly 1
  RuleCondition condition;         // kCondition only
};

// What a rule field names. Fields are written as:
//   attributes.<key>[.<key>...]   a value in the customer's attributes JSON
//   stage, health_band            strings (stage and band names)
//   health_score                  number 0..100
//   days_since_last_purchase, days_since_last_activity   number (fractional days)
//   last_purchase_at, last_activity_at, created_at       timestamps
//   signal_count.<KIND>           number, 0 when none (KIND: PURCHASE, NPS, ...)
//   products_held                 array of product ids
enum class FactField {
  kAttribute,
  kStage,
  kHealthBand,
  kHealthScore,
  kDaysSinceLastPurchase,
  kDaysSinceLastActivity,
  kLastPurchaseAt,
  kLastActivityAt,
  kCreatedAt,
  kSignalCount,
  kProductsHeld,
};

struct FieldRef {
  FactField fact = FactField::kAttribute;
  std::vector<std::string> attribute_path;         // kAttribute: keys, outermost first
  SignalKind signal_kind = SignalKind::kPurchase;  // kSignalCount
};

// Parses a field name; on failure says why.
std::optional<FieldRef> ParseField(std::string_view field, std::string* why);

inline constexpr int kMaxRuleDepth = 8;  // levels of nodes: the root is 1, conditions count
inline constexpr std::size_t kMaxRuleNodes = 256;    // nodes in one tree
inline constexpr std::size_t kMaxRuleValues = 1000;  // values in one condition
inline constexpr std::size_t kMaxRuleStringLength = 1000;

// Adds a violation for every problem in the tree, each naming the path of the
// bad node in proto terms under `path` (e.g.
// "segment.rule.all.rules[1].condition.values[0]"): unknown field, missing op,
// wrong value count, a value type the field or op cannot take, an unknown
// stage/band name, an empty group, depth or size over the limits.
void ValidateRule(const RuleNode& rule, const std::string& path, Violations& violations);

}  // namespace lifecycle::domain
