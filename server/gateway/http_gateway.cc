#include "server/gateway/http_gateway.h"

#include <chrono>
#include <stdexcept>

#include "server/api/structured_log.h"
#include "server/gateway/console_assets.h"

namespace lifecycle::gateway {
namespace {

constexpr int kNotFound = 404;
constexpr int kPayloadTooLarge = 413;
constexpr int kInternalError = 500;

struct HostPort {
  std::string host;
  int port;
};

HostPort SplitListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("--http-listen must be host:port, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  // [::1]:8080 -> ::1
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    return {host, std::stoi(listen.substr(colon + 1))};
  } catch (const std::exception&) {
    throw std::runtime_error("--http-listen must be host:port, got '" + listen + "'");
  }
}

}  // namespace

HttpGateway::HttpGateway(HttpGatewayOptions options, std::shared_ptr<grpc::Channel> channel,
                         const std::vector<std::string>& services)
    : options_(std::move(options)),
      methods_(services),
      caller_(std::move(channel)),
      connect_(methods_, caller_),
      cors_(options_.cors_origins) {
  Route();
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Route() {
  const int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_.set_payload_max_length(options_.max_body_bytes);
  http_.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        return BeforeRouting(request, response);
      });
  http_.Post(R"(/[^/]+/[^/]+)",
             [this](const httplib::Request& request, httplib::Response& response) {
               connect_.Handle(request, response);
             });
  http_.Get(R"(/[^/]*)", [this](const httplib::Request& request, httplib::Response& response) {
    ServeConsole(request, response);
  });
  http_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        DescribeError(request, response);
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        api::LogEvent(spdlog::level::err, "http_gateway_error", {{"error", what}});
        ReplyError(response, kInternalError,
                   {grpc::StatusCode::INTERNAL, "the gateway failed; see the server log"});
      });
}

// CORS first: a preflight is answered here, and a request from an origin not
// on the list is refused before its body is read.
httplib::Server::HandlerResponse HttpGateway::BeforeRouting(const httplib::Request& request,
                                                            httplib::Response& response) const {
  if (request.method == "OPTIONS") {
    cors_.AnswerPreflight(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }
  switch (cors_.Check(request)) {
    case CorsPolicy::Verdict::kRefused:
      CorsPolicy::Refuse(request, response);
      response.set_header("Connection", "close");  // its body was not read
      return httplib::Server::HandlerResponse::Handled;
    case CorsPolicy::Verdict::kAllowed:
      CorsPolicy::AllowOrigin(request, response);
      break;
    case CorsPolicy::Verdict::kNoOrigin:
    case CorsPolicy::Verdict::kSameOrigin:
      break;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void HttpGateway::ServeConsole(const httplib::Request& request, httplib::Response& response) const {
  const std::string name = request.path == "/" ? "index.html" : request.path.substr(1);
  const ConsoleAsset* asset = FindConsoleAsset(name);
  if (asset == nullptr) {
    response.status = kNotFound;
    response.set_content("not found\n", "text/plain");
    return;
  }
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  // The page holds an API key: run only our own scripts, talk only to us.
  response.set_header("Content-Security-Policy",
                      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.set_content(std::string(asset->body), std::string(asset->content_type));
}

// Errors httplib produces itself (oversized body, no route) get a Connect
// error body too; responses that already have one are left alone.
void HttpGateway::DescribeError(const httplib::Request& request,
                                httplib::Response& response) const {
  if (!response.body.empty()) return;
  const int status = response.status;
  if (status == kPayloadTooLarge) {
    ReplyError(response, kPayloadTooLarge,
               {grpc::StatusCode::RESOURCE_EXHAUSTED, "request body is larger than " +
                                                          std::to_string(options_.max_body_bytes) +
                                                          " bytes (--http-max-body-bytes)"});
    response.set_header("Connection", "close");
  } else if (status == kNotFound) {
    ReplyError(response, kNotFound,
               {grpc::StatusCode::UNIMPLEMENTED,
                "no route for " + request.method + " " + request.path +
                    " (Connect calls are POST /<package.Service>/<Method>)"});
  } else {
    ReplyError(response, status, {grpc::StatusCode::UNKNOWN, "HTTP " + std::to_string(status)});
  }
}

int HttpGateway::Start() {
  const HostPort where = SplitListen(options_.listen);
  const int port = where.port == 0
                       ? http_.bind_to_any_port(where.host.c_str())
                       : (http_.bind_to_port(where.host.c_str(), where.port) ? where.port : -1);
  if (port <= 0) throw std::runtime_error("cannot listen for HTTP on " + options_.listen);
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  // stop() only works once the accept loop runs.
  while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  api::LogEvent(spdlog::level::info, "http_listening",
                {{"address", options_.listen},
                 {"port", std::to_string(port)},
                 {"methods", std::to_string(methods_.size())}});
  return port;
}

void HttpGateway::Stop() {
  if (!thread_.joinable()) return;
  http_.stop();
  thread_.join();
}

}  // namespace lifecycle::gateway
