#include "storage/sql_array.h"

#include <cstdio>
#include <cstdlib>

namespace lifecycle::storage {
namespace {

template <class T, class Format>
std::string Join(const std::vector<T>& values, Format format) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    format(literal, values[i]);
  }
  literal += '}';
  return literal;
}

}  // namespace

std::string ToSqlTextArray(const std::vector<std::string>& values) {
  return Join(values, [](std::string& out, const std::string& value) {
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  });
}

std::string ToSqlFloatArray(const std::vector<double>& values) {
  return Join(values, [](std::string& out, double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    out += text;
  });
}

std::string ToSqlBigintArray(const std::vector<std::int64_t>& values) {
  return Join(values, [](std::string& out, std::int64_t value) { out += std::to_string(value); });
}

std::string ToSqlBigintArray(const std::vector<std::optional<std::int64_t>>& values) {
  return Join(values, [](std::string& out, const std::optional<std::int64_t>& value) {
    out += value ? std::to_string(*value) : "NULL";
  });
}

std::vector<double> ParseSqlNumberArray(std::string_view literal) {
  std::vector<double> values;
  const std::string text(literal.substr(literal.empty() ? 0 : 1));  // skip '{'
  const char* cursor = text.c_str();
  while (*cursor != '\0' && *cursor != '}') {
    char* end = nullptr;
    const double value = std::strtod(cursor, &end);
    if (end == cursor) break;  // not a number: stop rather than loop
    values.push_back(value);
    cursor = *end == ',' ? end + 1 : end;
  }
  return values;
}

std::vector<std::string> FromSqlTextArray(const pqxx::field& field) {
  std::vector<std::string> values;
  auto parser = field.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, value) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) values.push_back(value);
  }
  return values;
}

}  // namespace lifecycle::storage
