#pragma once

// Field checks shared by every service. Each adds to a Violations list
// under the request path it is given, so one reply names every bad field.

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/api/page_token.h"
#include "server/domain/customer.h"
#include "server/domain/error.h"

namespace lifecycle::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
inline constexpr std::size_t kMaxAttributesBytes = 64 * 1024;
inline constexpr int kMaxAttributesDepth = 16;

void CheckId(domain::Violations& violations, std::string_view field, std::string_view value);
void CheckRequestId(domain::Violations& violations, std::string_view value);
// Free text for people (domain::CheckDisplayText). Optional text may be
// empty; required text may not.
void CheckOptionalText(domain::Violations& violations, std::string_view field,
                       const std::string& text, std::size_t max_length);
void CheckRequiredText(domain::Violations& violations, std::string_view field,
                       const std::string& text, std::size_t max_length);
// An optional expected_version (`has`: the field is set) must be >= 1;
// copied to `out` when set.
void CheckExpectedVersion(domain::Violations& violations, bool has, std::int64_t value,
                          std::optional<std::int64_t>& out);
// A `version` field of a Get: 0 means the current one (nothing), else >= 1.
std::optional<std::int64_t> CheckVersion(domain::Violations& violations, std::int64_t version);
// The paths of an update_mask, each one of `updatable` (listed in the
// message for any other); an empty mask is refused too.
std::set<std::string> CheckUpdateMask(domain::Violations& violations,
                                      const google::protobuf::FieldMask& mask,
                                      const std::vector<std::string>& updatable);
// A required timestamp (`has`: the field is set) that is valid.
std::optional<domain::Timestamp> CheckRequiredTime(domain::Violations& violations,
                                                   std::string_view field, bool has,
                                                   const google::protobuf::Timestamp& time);
// A duration of whole seconds within [min, max].
std::optional<std::chrono::seconds> CheckDuration(domain::Violations& violations,
                                                  std::string_view field,
                                                  const google::protobuf::Duration& duration,
                                                  std::chrono::seconds min,
                                                  std::chrono::seconds max);
// 0 means the default; otherwise 1..kMaxPageSize.
int CheckPageSize(domain::Violations& violations, int page_size);
// Returns the attributes as compact JSON text (an object). Rejects numbers
// JSON cannot hold (NaN, infinities), too deep nesting and oversize objects.
std::string CheckAttributes(domain::Violations& violations, std::string_view field,
                            const google::protobuf::Struct& attributes);

// A required enum field: set (not 0), and a value this server knows.
template <class Enum>
std::optional<Enum> CheckEnum(domain::Violations& violations, const std::string& field, int number,
                              std::optional<Enum> (*from_number)(int)) {
  if (number == 0) {
    violations.Add(field, "is required");
    return std::nullopt;
  }
  auto value = from_number(number);
  if (!value) violations.Add(field, "unknown value " + std::to_string(number));
  return value;
}

// Decodes a non-empty page token of `fields` values and hands them to
// `parse`; a malformed or foreign token (or one `parse` rejects by throwing)
// becomes a violation on page_token.
template <class Parse>
void CheckPageToken(domain::Violations& violations, const std::string& token,
                    const std::string& digest, std::size_t fields, Parse&& parse) {
  if (token.empty()) return;
  try {
    parse(DecodePageToken(token, digest, fields));
  } catch (const domain::Error& error) {
    violations.AddFrom(error);
  }
}

}  // namespace lifecycle::api
