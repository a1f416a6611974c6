#include "server/domain/identifiers.h"

namespace lifecycle::domain {
namespace {

// Returns the length of the UTF-8 sequence starting at text[i], or 0 when
// it is malformed.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                                          : (lead >> 3) == 0x1E  ? 4
                                                                                 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
  }
  return length;
}

}  // namespace

std::optional<std::string> CheckId(std::string_view id) {
  if (id.empty()) return "must not be empty";
  if (id.size() > kMaxIdLength) {
    return "must be at most " + std::to_string(kMaxIdLength) + " characters";
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') {
      return "may contain only printable ASCII characters without spaces";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckDisplayText(std::string_view text, std::size_t max_length) {
  if (text.empty()) return "must not be empty";
  if (text.size() > max_length) {
    return "must be at most " + std::to_string(max_length) + " bytes";
  }
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return "must be valid UTF-8";
    if (length == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7F)) {
      return "must not contain control characters";
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace lifecycle::domain
