#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace lifecycle::storage {

// A PostgreSQL array literal ('{"a","b"}') for a text[] parameter, every
// element quoted and escaped, so any string round-trips.
std::string ToSqlTextArray(const std::vector<std::string>& values);

// The non-NULL elements of a one-dimensional text[] column.
std::vector<std::string> FromSqlTextArray(const pqxx::field& field);

}  // namespace lifecycle::storage
