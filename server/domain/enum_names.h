#pragma once

#include <optional>
#include <span>
#include <string_view>

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

}  // namespace lifecycle::domain
