#pragma once

#include <string>
#include <string_view>

#include "server/domain/segment_rule.h"

namespace lifecycle::domain {

// How a rule is stored (JSONB in segment_versions.rule). Mirrors the proto:
//   {"all": [node...]} | {"any": [node...]} | {"not": node}
//   {"field": "attributes.country", "op": "IN",
//    "values": [{"string": "FR"}, {"number": 3.5}, {"bool": true},
//               {"timestamp_micros": 1700000000000000}]}
// A condition always has "values" (empty for EXISTS). Numbers read back as
// the same double; timestamps keep whole microseconds (floored). JSONB turns
// -0.0 into 0, which compares equal.
// Throws Error::Internal for a tree no validated rule has (a `not` without
// exactly one child, a string that is not UTF-8).
std::string RuleToJson(const RuleNode& rule);
// Throws Error::Internal on text that RuleToJson could not have written
// (stored rules are validated before they are written).
RuleNode RuleFromJson(std::string_view json);

}  // namespace lifecycle::domain
