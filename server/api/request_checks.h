#pragma once

// Field checks shared by every service. Each adds to a Violations list
// under the request path it is given, so one reply names every bad field.

#include <google/protobuf/struct.pb.h>

#include <string>
#include <string_view>

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
// 0 means the default; otherwise 1..kMaxPageSize.
int CheckPageSize(domain::Violations& violations, int page_size);
// Returns the attributes as compact JSON text (an object). Rejects numbers
// JSON cannot hold (NaN, infinities), too deep nesting and oversize objects.
std::string CheckAttributes(domain::Violations& violations, std::string_view field,
                            const google::protobuf::Struct& attributes);

}  // namespace lifecycle::api
