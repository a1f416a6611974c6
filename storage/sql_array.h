#pragma once

#include <string>
#include <vector>

namespace lifecycle::storage {

// A PostgreSQL array literal ('{"a","b"}') for a text[] parameter, every
// element quoted and escaped, so any string round-trips.
std::string ToSqlTextArray(const std::vector<std::string>& values);

}  // namespace lifecycle::storage
