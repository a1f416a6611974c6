#include "server/gateway/http_metadata.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace lifecycle::gateway {
namespace {

// Headers about the HTTP exchange itself, not the call.
constexpr std::array<std::string_view, 18> kHttpOnly = {"host",
                                                        "content-type",
                                                        "content-length",
                                                        "content-encoding",
                                                        "connection",
                                                        "keep-alive",
                                                        "accept",
                                                        "accept-encoding",
                                                        "accept-language",
                                                        "origin",
                                                        "referer",
                                                        "user-agent",
                                                        "te",
                                                        "transfer-encoding",
                                                        "upgrade",
                                                        "cookie",
                                                        "expect",
                                                        "priority"};

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsForwardedName(const std::string& name) {
  if (name.empty() || name.ends_with("-bin")) return false;
  for (const std::string_view prefix : {"connect-", "grpc-", "sec-", "access-control-", "proxy-"}) {
    if (name.starts_with(prefix)) return false;
  }
  if (std::find(kHttpOnly.begin(), kHttpOnly.end(), name) != kHttpOnly.end()) return false;
  // httplib adds REMOTE_ADDR and friends to the request headers.
  if (name.find('_') != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool IsPrintableAscii(const std::string& value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

}  // namespace

Metadata MetadataFromHeaders(const httplib::Headers& headers) {
  Metadata metadata;
  for (const auto& [name, value] : headers) {
    std::string key = Lowercase(name);
    if (IsForwardedName(key) && IsPrintableAscii(value)) metadata.emplace(std::move(key), value);
  }
  return metadata;
}

std::optional<std::chrono::milliseconds> ParseTimeout(const httplib::Request& request,
                                                      grpc::Status* error) {
  if (!request.has_header("Connect-Timeout-Ms")) return std::nullopt;
  const std::string text = request.get_header_value("Connect-Timeout-Ms");
  const bool digits =
      !text.empty() && text.size() <= 10 &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits) {
    *error = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "Connect-Timeout-Ms must be a positive integer of at most 10 digits");
    return std::nullopt;
  }
  return std::chrono::milliseconds{std::stoll(text)};
}

void AddResponseMetadata(const CallOutcome& outcome, httplib::Response& response) {
  for (const auto& [key, value] : outcome.headers) {
    if (!key.ends_with("-bin")) response.set_header(key, value);
  }
  for (const auto& [key, value] : outcome.trailers) {
    if (!key.ends_with("-bin")) response.set_header("trailer-" + key, value);
  }
}

}  // namespace lifecycle::gateway
