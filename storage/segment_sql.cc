#include "storage/segment_sql.h"

#include <charconv>
#include <cmath>
#include <variant>

#include "server/domain/error.h"
#include "storage/sql_time.h"

namespace lifecycle::storage {
namespace {

using domain::FactField;
using domain::RuleNode;
using domain::RuleOp;
using domain::RuleValue;
using domain::ValueType;

// Shortest text that reads back as the same double, as a float8 literal.
std::string NumberLiteral(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) throw domain::Error::Internal("cannot print a rule number");
  return "'" + std::string(buffer, end) + "'::float8";
}

std::string TimestampLiteral(domain::Timestamp time) {
  return "('epoch'::timestamptz + " + std::to_string(ToEpochMicros(time)) +
         " * interval '1 microsecond')";
}

std::string Literal(const RuleValue& value) {
  switch (domain::TypeOf(value)) {
    case ValueType::kString:
      return QuoteText(std::get<std::string>(value)) + " COLLATE \"C\"";
    case ValueType::kNumber:
      return NumberLiteral(std::get<double>(value));
    case ValueType::kBool:
      return std::get<bool>(value) ? "true" : "false";
    case ValueType::kTimestamp:
      return TimestampLiteral(std::get<domain::Timestamp>(value));
  }
  throw domain::Error::Internal("unknown rule value type");
}

std::string LiteralList(const std::vector<RuleValue>& values) {
  std::string list;
  for (const RuleValue& value : values) {
    if (!list.empty()) list += ", ";
    list += Literal(value);
  }
  return list;
}

// `subject <op> values` for a subject already known present and of the
// values' type. Never NULL for a non-NULL subject.
std::string Compare(const std::string& subject, RuleOp op, const std::vector<RuleValue>& values) {
  switch (op) {
    case RuleOp::kEq:
      return subject + " = " + Literal(values.at(0));
    case RuleOp::kNe:
      return subject + " <> " + Literal(values.at(0));
    case RuleOp::kLt:
      return subject + " < " + Literal(values.at(0));
    case RuleOp::kLe:
      return subject + " <= " + Literal(values.at(0));
    case RuleOp::kGt:
      return subject + " > " + Literal(values.at(0));
    case RuleOp::kGe:
      return subject + " >= " + Literal(values.at(0));
    case RuleOp::kIn:
      return subject + " IN (" + LiteralList(values) + ")";
    case RuleOp::kNotIn:
      return subject + " NOT IN (" + LiteralList(values) + ")";
    case RuleOp::kBetween:
      return subject + " BETWEEN " + Literal(values.at(0)) + " AND " + Literal(values.at(1));
    case RuleOp::kContains:
    case RuleOp::kExists:
      break;  // handled by the callers: they depend on the field's shape
  }
  throw domain::Error::Internal("operator has no plain comparison");
}

// A nullable column of a fixed SQL type: false when NULL.
std::string CompareColumn(const std::string& column, const domain::RuleCondition& condition) {
  if (condition.op == RuleOp::kExists) return "(" + column + " IS NOT NULL)";
  return "coalesce(" + Compare(column, condition.op, condition.values) + ", false)";
}

// jsonb value at the attribute path, or NULL when absent. `->` with a text
// key follows object keys only (`#>` would also index arrays by number,
// which the domain evaluator does not).
std::string AttributeAt(const std::vector<std::string>& path) {
  std::string sql = "(f.attributes";
  for (const std::string& key : path) sql += " -> " + QuoteText(key);
  return sql + ")";
}

// Compares a JSON attribute: only a JSON value of the literal's type can
// match, and the cast runs only after its type is checked (CASE orders
// evaluation; AND does not).
std::string CompareAttribute(const std::vector<std::string>& path,
                             const domain::RuleCondition& condition) {
  const std::string json = AttributeAt(path);
  if (condition.op == RuleOp::kExists) {
    return "coalesce(jsonb_typeof(" + json + ") <> 'null', false)";
  }
  const RuleValue& first = condition.values.at(0);
  if (condition.op == RuleOp::kContains) {
    const std::string element_matches =
        domain::TypeOf(first) == ValueType::kString
            ? "jsonb_typeof(e) = 'string' AND (e #>> '{}') = " + Literal(first)
        : domain::TypeOf(first) == ValueType::kNumber
            ? "jsonb_typeof(e) = 'number' AND e::float8 = " + Literal(first)
            : "jsonb_typeof(e) = 'boolean' AND e::boolean = " + Literal(first);
    std::string sql = "CASE jsonb_typeof(" + json + ") WHEN 'array' THEN EXISTS (SELECT 1 FROM " +
                      "jsonb_array_elements(" + json + ") e WHERE " + element_matches + ")";
    if (domain::TypeOf(first) == ValueType::kString) {
      sql += " WHEN 'string' THEN strpos(" + json + " #>> '{}', " +
             QuoteText(std::get<std::string>(first)) + ") > 0";
    }
    return sql + " ELSE false END";
  }
  switch (domain::TypeOf(first)) {
    case ValueType::kString:
      return "CASE WHEN jsonb_typeof(" + json + ") = 'string' THEN " +
             Compare("((" + json + " #>> '{}') COLLATE \"C\")", condition.op, condition.values) +
             " ELSE false END";
    case ValueType::kNumber:
      return "CASE WHEN jsonb_typeof(" + json + ") = 'number' THEN " +
             Compare("(" + json + ")::float8", condition.op, condition.values) + " ELSE false END";
    case ValueType::kBool:
      return "CASE WHEN jsonb_typeof(" + json + ") = 'boolean' THEN " +
             Compare("(" + json + ")::boolean", condition.op, condition.values) + " ELSE false END";
    case ValueType::kTimestamp:
      break;  // rejected by validation: attributes are JSON
  }
  throw domain::Error::Internal("attributes cannot hold timestamps");
}

// Fractional days from `at` to now, computed as the domain does:
// double(microseconds) / 86400e6.
std::string DaysSince(const std::string& column, domain::Timestamp now) {
  return "((" + std::to_string(ToEpochMicros(now)) + " - (extract(epoch FROM " + column +
         ") * 1000000)::bigint)::float8 / 86400000000.0)";
}

std::string CompileCondition(const domain::RuleCondition& condition, domain::Timestamp now) {
  std::string why;
  const std::optional<domain::FieldRef> field = domain::ParseField(condition.field, &why);
  if (!field) throw domain::Error::Internal("stored rule has a bad field: " + why);
  switch (field->fact) {
    case FactField::kAttribute:
      return CompareAttribute(field->attribute_path, condition);
    case FactField::kStage:
      return CompareColumn("(f.stage COLLATE \"C\")", condition);
    case FactField::kHealthBand:
      return CompareColumn("(f.health_band COLLATE \"C\")", condition);
    case FactField::kHealthScore:
      return CompareColumn("f.health_score", condition);
    case FactField::kDaysSinceLastPurchase:
      return CompareColumn(DaysSince("f.last_purchase_at", now), condition);
    case FactField::kDaysSinceLastActivity:
      return CompareColumn(DaysSince("f.last_activity_at", now), condition);
    case FactField::kLastPurchaseAt:
      return CompareColumn("f.last_purchase_at", condition);
    case FactField::kLastActivityAt:
      return CompareColumn("f.last_activity_at", condition);
    case FactField::kCreatedAt:
      return CompareColumn("f.created_at", condition);
    case FactField::kSignalCount:
      return CompareColumn("coalesce((f.signal_counts ->> " +
                               QuoteText(std::string(SignalKindName(field->signal_kind))) +
                               ")::float8, 0)",
                           condition);
    case FactField::kProductsHeld:
      if (condition.op == RuleOp::kExists) return "(cardinality(f.products_held) > 0)";
      return "coalesce(" + Literal(condition.values.at(0)) + " = ANY(f.products_held), false)";
  }
  throw domain::Error::Internal("unknown rule field");
}

std::string Join(const std::vector<RuleNode>& children, const char* separator,
                 domain::Timestamp now) {
  std::string sql = "(";
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i > 0) sql += separator;
    sql += CompileRule(children[i], now);
  }
  return sql + ")";
}

}  // namespace

std::string QuoteText(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\0') throw domain::Error::Internal("NUL in a SQL literal");
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

std::string CompileRule(const RuleNode& rule, domain::Timestamp now) {
  switch (rule.kind) {
    case RuleNode::Kind::kAll:
      return Join(rule.children, " AND ", now);
    case RuleNode::Kind::kAny:
      return Join(rule.children, " OR ", now);
    case RuleNode::Kind::kNot:
      return "(NOT " + CompileRule(rule.children.at(0), now) + ")";
    case RuleNode::Kind::kCondition:
      return CompileCondition(rule.condition, now);
  }
  throw domain::Error::Internal("unknown rule node");
}

std::string CompileAssignment(std::span<const domain::SegmentRuleRef> ordered,
                              domain::Timestamp now) {
  std::string sql = "CASE";
  std::string fallback = "''";
  for (const domain::SegmentRuleRef& segment : ordered) {
    if (segment.is_default) {
      // The first default, as domain::AssignSegment takes it.
      if (fallback == "''") fallback = QuoteText(segment.segment_id);
    } else if (segment.rule) {
      sql += " WHEN " + CompileRule(*segment.rule, now) + " THEN " + QuoteText(segment.segment_id);
    }
  }
  return sql + " ELSE " + fallback + " END";
}

}  // namespace lifecycle::storage
