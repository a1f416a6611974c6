#include "server/api/page_token.h"

#include <array>
#include <charconv>

#include "server/domain/error.h"

namespace lifecycle::api {
namespace {

// Unit separator: cannot occur in ids (printable ASCII) or query texts.
constexpr char kSeparator = '\x1f';
constexpr std::string_view kVersion = "p1";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648 base64url without padding: safe in URLs and JSON as is.
std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

// Accepts only the canonical encoding, so one position has one token.
bool Base64UrlDecode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 == 1) return false;
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *bytes += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return (buffer & ((1u << bits) - 1)) == 0;  // leftover bits must be zero
}

[[noreturn]] void Malformed() {
  throw domain::Error::InvalidArgument("page_token",
                                       "is malformed; pass next_page_token back unchanged");
}

}  // namespace

std::string EncodePageToken(std::string_view query, const std::vector<std::string>& position) {
  std::string plain(kVersion);
  plain += kSeparator;
  plain += query;
  for (const auto& value : position) {
    plain += kSeparator;
    plain += value;
  }
  return Base64UrlEncode(plain);
}

std::int64_t PositivePosition(const std::string& value) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < 1 ||
      value.front() == '0') {
    Malformed();
  }
  return number;
}

std::vector<std::string> DecodePageToken(std::string_view token, std::string_view query,
                                         std::size_t fields) {
  std::string plain;
  if (!Base64UrlDecode(token, &plain)) Malformed();
  std::vector<std::string> parts(1);
  for (char c : plain) {
    if (c == kSeparator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  if (parts.size() != fields + 2 || parts[0] != kVersion) Malformed();
  if (parts[1] != query) {
    throw domain::Error::InvalidArgument(
        "page_token", "was issued for different filters; keep the filters of the first page");
  }
  return {parts.begin() + 2, parts.end()};
}

}  // namespace lifecycle::api
