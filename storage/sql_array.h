#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace lifecycle::storage {

// A PostgreSQL array literal ('{"a","b"}') for a text[] parameter, every
// element quoted and escaped, so any string round-trips.
std::string ToSqlTextArray(const std::vector<std::string>& values);

// Literals for float8[] and bigint[] parameters. Doubles are written with 17
// significant digits, so they round-trip exactly; nullopt is NULL.
std::string ToSqlFloatArray(const std::vector<double>& values);
std::string ToSqlBigintArray(const std::vector<std::int64_t>& values);
std::string ToSqlBigintArray(const std::vector<std::optional<std::int64_t>>& values);

// The elements of a one-dimensional numeric array as PostgreSQL prints it
// ("{1,2.5,-3e-05}"). PostgreSQL prints float8 with the shortest text that
// reads back exactly, so this loses nothing.
std::vector<double> ParseSqlNumberArray(std::string_view literal);

// A text parameter: the value, or NULL when unset.
inline const char* NullableText(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

// The non-NULL elements of a one-dimensional text[] column.
std::vector<std::string> FromSqlTextArray(const pqxx::field& field);

}  // namespace lifecycle::storage
