#include "server/api/request_checks.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>

#include "server/api/converters.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
namespace {

using google::protobuf::Value;

// Why a value cannot be stored as JSON, or empty.
std::string CheckJsonValue(const Value& value, int depth) {
  if (depth > kMaxAttributesDepth) {
    return "nests deeper than " + std::to_string(kMaxAttributesDepth) + " levels";
  }
  switch (value.kind_case()) {
    case Value::kNumberValue:
      return std::isfinite(value.number_value()) ? "" : "holds a number JSON cannot represent";
    case Value::kStructValue:
      for (const auto& [key, child] : value.struct_value().fields()) {
        if (auto why = CheckJsonValue(child, depth + 1); !why.empty()) return why;
      }
      return "";
    case Value::kListValue:
      for (const auto& child : value.list_value().values()) {
        if (auto why = CheckJsonValue(child, depth + 1); !why.empty()) return why;
      }
      return "";
    case Value::KIND_NOT_SET:
      return "holds a value with no kind set";
    default:
      return "";
  }
}

}  // namespace

void CheckId(domain::Violations& violations, std::string_view field, std::string_view value) {
  if (auto why = domain::CheckId(value)) violations.Add(std::string(field), *why);
}

void CheckRequestId(domain::Violations& violations, std::string_view value) {
  CheckId(violations, "request_id", value);
}

void CheckOptionalText(domain::Violations& violations, std::string_view field,
                       const std::string& text, std::size_t max_length) {
  if (!text.empty()) CheckRequiredText(violations, field, text, max_length);
}

void CheckRequiredText(domain::Violations& violations, std::string_view field,
                       const std::string& text, std::size_t max_length) {
  if (auto why = domain::CheckDisplayText(text, max_length)) {
    violations.Add(std::string(field), *why);
  }
}

void CheckExpectedVersion(domain::Violations& violations, bool has, std::int64_t value,
                          std::optional<std::int64_t>& out) {
  if (!has) return;
  if (value < 1) violations.Add("expected_version", "must be at least 1");
  out = value;
}

std::optional<domain::Timestamp> CheckRequiredTime(domain::Violations& violations,
                                                   std::string_view field, bool has,
                                                   const google::protobuf::Timestamp& time) {
  if (!has) {
    violations.Add(std::string(field), "is required");
  } else if (!IsValidTimestamp(time)) {
    violations.Add(std::string(field), "is not a valid timestamp");
  } else {
    return FromProto(time);
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> CheckDuration(domain::Violations& violations,
                                                  std::string_view field,
                                                  const google::protobuf::Duration& duration,
                                                  std::chrono::seconds min,
                                                  std::chrono::seconds max) {
  const std::chrono::seconds seconds(duration.seconds());
  if (duration.nanos() != 0) {
    violations.Add(std::string(field), "must be whole seconds");
  } else if (seconds < min || seconds > max) {
    violations.Add(std::string(field), "must be " + std::to_string(min.count()) + " to " +
                                           std::to_string(max.count()) + " seconds");
  } else {
    return seconds;
  }
  return std::nullopt;
}

std::optional<std::int64_t> CheckVersion(domain::Violations& violations, std::int64_t version) {
  if (version < 0) violations.Add("version", "must be 0 (current) or a version >= 1");
  if (version > 0) return version;
  return std::nullopt;
}

std::set<std::string> CheckUpdateMask(domain::Violations& violations,
                                      const google::protobuf::FieldMask& mask,
                                      const std::vector<std::string>& updatable) {
  std::set<std::string> paths;
  if (mask.paths().empty()) violations.Add("update_mask", "is required: name the fields to change");
  for (const auto& path : mask.paths()) {
    if (std::find(updatable.begin(), updatable.end(), path) != updatable.end()) {
      paths.insert(path);
      continue;
    }
    std::string names;
    for (const auto& name : updatable) names += (names.empty() ? "" : ", ") + name;
    violations.Add("update_mask.paths", "'" + path + "' cannot be updated; updatable: " + names);
  }
  return paths;
}

int CheckPageSize(domain::Violations& violations, int page_size) {
  if (page_size == 0) return kDefaultPageSize;
  if (page_size < 0 || page_size > kMaxPageSize) {
    violations.Add("page_size", "must be between 1 and " + std::to_string(kMaxPageSize) +
                                    " (0 means " + std::to_string(kDefaultPageSize) + ")");
    return kDefaultPageSize;
  }
  return page_size;
}

std::string CheckAttributes(domain::Violations& violations, std::string_view field,
                            const google::protobuf::Struct& attributes) {
  bool valid = true;
  for (const auto& [key, value] : attributes.fields()) {
    if (auto why = CheckJsonValue(value, 1); !why.empty()) {
      violations.Add(std::string(field) + "." + key, why);
      valid = false;
    }
  }
  if (!valid) return "{}";
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(attributes, &json).ok()) {
    violations.Add(std::string(field), "cannot be represented as JSON");
    return "{}";
  }
  if (json.size() > kMaxAttributesBytes) {
    violations.Add(
        std::string(field),
        "must be at most " + std::to_string(kMaxAttributesBytes / 1024) + " KiB as JSON");
  }
  return json;
}

}  // namespace lifecycle::api
