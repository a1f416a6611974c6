#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace lifecycle::domain {

// Reverse lookups for the domain's closed enums (stages, signal kinds, health
// bands, ...): each enum lists its values once (kAll...) and names them once
// (...Name); these search that list instead of repeating it in a switch.
template <typename Enum, std::size_t N, typename NameOf>
std::optional<Enum> EnumFromName(const Enum (&all)[N], NameOf name_of, std::string_view name) {
  for (Enum value : all) {
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

// Enum values equal their proto numbers, so the api layer converts with this
// range check instead of a switch.
template <typename Enum, std::size_t N>
std::optional<Enum> EnumFromNumber(const Enum (&all)[N], int number) {
  for (Enum value : all) {
    if (static_cast<int>(value) == number) return value;
  }
  return std::nullopt;
}

// Enums named by one table of {value, name} pairs, in proto order: the
// table is the list of values and their names at once, so a new value is
// one line. NamedValue is the name or "UNKNOWN".
template <typename Enum>
using EnumName = std::pair<Enum, std::string_view>;

template <typename Enum, std::size_t N>
std::string_view NamedValue(const EnumName<Enum> (&table)[N], Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "UNKNOWN";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueNamed(const EnumName<Enum> (&table)[N], std::string_view name) {
  for (const auto& [entry, entry_name] : table) {
    if (entry_name == name) return entry;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueNumbered(const EnumName<Enum> (&table)[N], int number) {
  for (const auto& [entry, name] : table) {
    if (static_cast<int>(entry) == number) return entry;
  }
  return std::nullopt;
}

}  // namespace lifecycle::domain
