#include "server/gateway/cors_policy.h"

#include <algorithm>

#include "server/gateway/connect_handler.h"

namespace lifecycle::gateway {
namespace {

// What Connect clients send, plus the API key and a request id.
constexpr const char* kAllowedHeaders =
    "Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, Authorization, X-Request-Id, "
    "X-User-Agent";
constexpr const char* kAllowedMethods = "POST, GET";
constexpr const char* kPreflightMaxAgeSeconds = "7200";
constexpr int kNoContent = 204;
constexpr int kForbidden = 403;

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : allowed_origins_(std::move(allowed_origins)),
      any_origin_(std::find(allowed_origins_.begin(), allowed_origins_.end(), "*") !=
                  allowed_origins_.end()) {}

CorsPolicy::Verdict CorsPolicy::Check(const httplib::Request& request) const {
  if (!request.has_header("Origin")) return Verdict::kNoOrigin;
  const std::string origin = request.get_header_value("Origin");
  if (origin == "http://" + request.get_header_value("Host")) return Verdict::kSameOrigin;
  if (any_origin_ || std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) !=
                         allowed_origins_.end()) {
    return Verdict::kAllowed;
  }
  return Verdict::kRefused;
}

void CorsPolicy::AnswerPreflight(const httplib::Request& request,
                                 httplib::Response& response) const {
  switch (Check(request)) {
    case Verdict::kRefused:
      Refuse(request, response);
      return;
    case Verdict::kAllowed:
      AllowOrigin(request, response);
      break;
    case Verdict::kNoOrigin:
    case Verdict::kSameOrigin:
      break;
  }
  response.status = kNoContent;
  response.set_header("Access-Control-Allow-Methods", kAllowedMethods);
  response.set_header("Access-Control-Allow-Headers", kAllowedHeaders);
  response.set_header("Access-Control-Max-Age", kPreflightMaxAgeSeconds);
}

void CorsPolicy::AllowOrigin(const httplib::Request& request, httplib::Response& response) {
  response.set_header("Access-Control-Allow-Origin", request.get_header_value("Origin"));
  response.set_header("Vary", "Origin");
}

void CorsPolicy::Refuse(const httplib::Request& request, httplib::Response& response) {
  ReplyError(response, kForbidden,
             {grpc::StatusCode::PERMISSION_DENIED,
              "origin " + request.get_header_value("Origin") +
                  " may not call this API (allowed origins: --http-cors-origins)"});
  response.set_header("Vary", "Origin");
}

}  // namespace lifecycle::gateway
