#pragma once

#include <httplib.h>

#include <string>
#include <vector>

namespace lifecycle::gateway {

// Which web origins may call the API from a browser (--http-cors-origins).
// The console, served by the gateway itself, is same-origin and always
// allowed; "*" allows every origin.
class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  enum class Verdict { kNoOrigin, kSameOrigin, kAllowed, kRefused };
  Verdict Check(const httplib::Request& request) const;

  // Answers an OPTIONS preflight: 204 with the allowed methods and headers,
  // or 403 with a Connect error naming the refused origin.
  void AnswerPreflight(const httplib::Request& request, httplib::Response& response) const;
  // Lets the browser show an allowed cross-origin caller the response.
  static void AllowOrigin(const httplib::Request& request, httplib::Response& response);
  // The Connect error for a request from an origin not on the list.
  static void Refuse(const httplib::Request& request, httplib::Response& response);

 private:
  std::vector<std::string> allowed_origins_;
  bool any_origin_ = false;
};

}  // namespace lifecycle::gateway
