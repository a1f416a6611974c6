#include "server/domain/identifiers.h"

namespace lifecycle::domain {
namespace {

// Returns the length of the well-formed UTF-8 sequence starting at text[i]
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
// 0 when it is malformed.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 overlong lead, or F5..FF
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return length;
}

// C0 controls, DEL, and the C1 controls U+0080..U+009F (encoded C2 80..9F),
// which terminals treat as escape introducers.
bool IsControl(std::string_view text, std::size_t i, std::size_t length) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (length == 1) return lead < 0x20 || lead == 0x7F;
  return length == 2 && lead == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
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
    if (IsControl(text, i, length)) return "must not contain control characters";
    i += length;
  }
  return std::nullopt;
}

}  // namespace lifecycle::domain
