#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lifecycle::domain {

inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxDisplayNameLength = 200;

// Each returns why the value is unacceptable, or nothing when it is fine.
// Ids are caller-chosen keys: 1..128 bytes of printable ASCII without spaces,
// so they are safe in logs, URLs and page tokens.
std::optional<std::string> CheckId(std::string_view id);
// Free text for people: 1..max bytes of valid UTF-8 without control characters.
std::optional<std::string> CheckDisplayText(std::string_view text, std::size_t max_length);

}  // namespace lifecycle::domain
