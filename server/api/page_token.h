#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lifecycle::api {

// Opaque, URL-safe page tokens for keyset pagination. A token carries the
// position (the sort key of the last row served) and a description of the
// query it belongs to, so a token replayed with other filters is refused.
std::string EncodePageToken(std::string_view query, const std::vector<std::string>& position);

// Returns the `fields` position values; INVALID_ARGUMENT on "page_token"
// when the token is malformed or was issued for a different query.
std::vector<std::string> DecodePageToken(std::string_view token, std::string_view query,
                                         std::size_t fields);

// A position value that must be a whole number >= 1, written canonically
// (no sign, spaces or trailing text): anything else is a malformed token.
std::int64_t PositivePosition(const std::string& value);

// Lists fetch page_size + 1 rows: the extra one only says that another page
// exists. Drops it and returns whether it was there.
template <class Row>
bool TrimToPage(std::vector<Row>& rows, int page_size) {
  if (static_cast<int>(rows.size()) <= page_size) return false;
  rows.resize(page_size);
  return true;
}

}  // namespace lifecycle::api
