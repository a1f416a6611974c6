#include "server/api/segment_proto.h"

#include <cmath>
#include <variant>

#include "server/api/converters.h"

namespace lifecycle::api {
namespace {

std::optional<domain::RuleValue> ValueFromProto(const v1::RuleValue& value, const std::string& path,
                                                domain::Violations& violations) {
  switch (value.kind_case()) {
    case v1::RuleValue::kStringValue:
      return value.string_value();
    case v1::RuleValue::kNumberValue:
      return value.number_value();
    case v1::RuleValue::kBoolValue:
      return value.bool_value();
    case v1::RuleValue::kTimestampValue:
      if (!IsValidTimestamp(value.timestamp_value())) {
        violations.Add(path + ".timestamp_value", "is not a valid time");
        return std::nullopt;
      }
      return FromProto(value.timestamp_value());
    case v1::RuleValue::KIND_NOT_SET:
      break;
  }
  violations.Add(path, "is empty: set string_value, number_value, bool_value or timestamp_value");
  return std::nullopt;
}

domain::RuleCondition ConditionFromProto(const v1::RuleCondition& condition,
                                         const std::string& path, domain::Violations& violations) {
  domain::RuleCondition out{.field = condition.field()};
  if (condition.op() == v1::RULE_OPERATOR_UNSPECIFIED) {
    violations.Add(path + ".op", "is required");
  } else if (auto op = domain::RuleOpFromNumber(condition.op())) {
    out.op = *op;
  } else {
    violations.Add(path + ".op", "is not a known operator");
  }
  for (int i = 0; i < condition.values_size(); ++i) {
    if (auto value = ValueFromProto(condition.values(i),
                                    path + ".values[" + std::to_string(i) + "]", violations)) {
      out.values.push_back(std::move(*value));
    }
  }
  return out;
}

v1::RuleValue ValueToProto(const domain::RuleValue& value) {
  v1::RuleValue out;
  switch (domain::TypeOf(value)) {
    case domain::ValueType::kString:
      out.set_string_value(std::get<std::string>(value));
      break;
    case domain::ValueType::kNumber:
      out.set_number_value(std::get<double>(value));
      break;
    case domain::ValueType::kBool:
      out.set_bool_value(std::get<bool>(value));
      break;
    case domain::ValueType::kTimestamp:
      *out.mutable_timestamp_value() = ToProto(std::get<domain::Timestamp>(value));
      break;
  }
  return out;
}

}  // namespace

domain::RuleNode RuleFromProto(const v1::Rule& rule, const std::string& path,
                               domain::Violations& violations) {
  using Kind = domain::RuleNode::Kind;
  domain::RuleNode node;
  // Protobuf already caps nesting at 100 levels; the domain's own, lower
  // limit is checked by ValidateRule.
  const auto group = [&](const v1::RuleGroup& rules, const std::string& group_path) {
    for (int i = 0; i < rules.rules_size(); ++i) {
      node.children.push_back(RuleFromProto(
          rules.rules(i), group_path + ".rules[" + std::to_string(i) + "]", violations));
    }
  };
  switch (rule.node_case()) {
    case v1::Rule::kAll:
      node.kind = Kind::kAll;
      group(rule.all(), path + ".all");
      break;
    case v1::Rule::kAny:
      node.kind = Kind::kAny;
      group(rule.any(), path + ".any");
      break;
    case v1::Rule::kNot:
      node.kind = Kind::kNot;
      node.children.push_back(RuleFromProto(rule.not_(), path + ".not", violations));
      break;
    case v1::Rule::kCondition:
      node.kind = Kind::kCondition;
      node.condition = ConditionFromProto(rule.condition(), path + ".condition", violations);
      break;
    case v1::Rule::NODE_NOT_SET:
      violations.Add(path, "is empty: set all, any, not or condition");
      break;
  }
  return node;
}

v1::Rule ToProto(const domain::RuleNode& rule) {
  using Kind = domain::RuleNode::Kind;
  v1::Rule out;
  switch (rule.kind) {
    case Kind::kAll:
      for (const auto& child : rule.children) *out.mutable_all()->add_rules() = ToProto(child);
      break;
    case Kind::kAny:
      for (const auto& child : rule.children) *out.mutable_any()->add_rules() = ToProto(child);
      break;
    case Kind::kNot:
      *out.mutable_not_() = ToProto(rule.children.at(0));
      break;
    case Kind::kCondition: {
      auto* condition = out.mutable_condition();
      condition->set_field(rule.condition.field);
      condition->set_op(static_cast<v1::RuleOperator>(rule.condition.op));
      for (const auto& value : rule.condition.values)
        *condition->add_values() = ValueToProto(value);
      break;
    }
  }
  return out;
}

v1::Segment ToProto(const domain::Segment& segment, std::int64_t member_count) {
  v1::Segment out;
  out.set_segment_id(segment.segment_id);
  out.set_version(segment.version);
  out.set_display_name(segment.display_name);
  out.set_description(segment.description);
  out.set_basis(static_cast<v1::SegmentBasis>(segment.basis));
  out.set_story(segment.story);
  out.set_goal(segment.goal);
  out.set_priority(segment.priority);
  out.set_is_default(segment.is_default);
  if (segment.rule) *out.mutable_rule() = ToProto(*segment.rule);
  out.set_state(static_cast<v1::SegmentState>(segment.state));
  *out.mutable_create_time() = ToProto(segment.create_time);
  *out.mutable_update_time() = ToProto(segment.update_time);
  if (segment.retire_time) *out.mutable_retire_time() = ToProto(*segment.retire_time);
  out.set_member_count(member_count);
  return out;
}

v1::SegmentationSettings ToProto(const storage::SegmentSettings& settings) {
  v1::SegmentationSettings out;
  out.set_strategy(static_cast<v1::SegmentationStrategy>(settings.strategy));
  if (settings.update_time) *out.mutable_update_time() = ToProto(*settings.update_time);
  return out;
}

v1::ResegmentJob ToProto(const domain::ResegmentJob& job) {
  v1::ResegmentJob out;
  out.set_job_id(job.job_id);
  out.set_state(static_cast<v1::ResegmentJob::State>(job.state));
  out.set_total_customers(job.total);
  out.set_processed_customers(job.processed);
  out.set_changed_customers(job.changed);
  for (const auto& move : job.moves) {
    auto* cell = out.add_moves();
    cell->set_from_segment_id(move.from_segment_id);
    cell->set_to_segment_id(move.to_segment_id);
    cell->set_customers(move.customers);
  }
  for (const auto& [segment_id, version] : job.segment_versions) {
    auto* ref = out.add_segment_versions();
    ref->set_segment_id(segment_id);
    ref->set_version(version);
  }
  *out.mutable_create_time() = ToProto(job.create_time);
  if (job.finish_time) *out.mutable_finish_time() = ToProto(*job.finish_time);
  out.set_error(job.error);
  return out;
}

v1::PreviewSegmentResponse ToProto(const storage::SegmentPreview& preview) {
  v1::PreviewSegmentResponse out;
  out.set_total_customers(preview.total_customers);
  out.set_matching_count(preview.matching);
  out.set_member_count(preview.members);
  out.set_entering_count(preview.entering);
  out.set_leaving_count(preview.leaving);
  for (const auto& id : preview.entering_sample) out.add_entering_sample(id);
  for (const auto& id : preview.leaving_sample) out.add_leaving_sample(id);
  return out;
}

}  // namespace lifecycle::api
