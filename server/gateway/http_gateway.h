#pragma once

#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/gateway/connect_handler.h"
#include "server/gateway/cors_policy.h"
#include "server/gateway/in_process_caller.h"
#include "server/gateway/method_table.h"

namespace lifecycle::gateway {

struct HttpGatewayOptions {
  std::string listen;                     // host:port; port 0 picks one
  std::vector<std::string> cors_origins;  // cross-origin callers allowed; "*" for any
  std::size_t max_body_bytes = 1 << 20;
  int threads = 16;  // concurrent HTTP requests, open event streams included
};

// The browser-facing listener: Connect calls (POST /<Service>/<Method>)
// forwarded to the gRPC server in-process, CORS preflights, and the support
// console at /. Start() binds and serves on a thread of its own.
class HttpGateway {
 public:
  // `channel`: the gRPC server's in-process channel. `services`: the names
  // the server registered (RegisteredServices).
  HttpGateway(HttpGatewayOptions options, std::shared_ptr<grpc::Channel> channel,
              const std::vector<std::string>& services);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // Binds; returns the port actually bound. Throws when it cannot.
  int Start();
  // Stops accepting and waits for requests in progress.
  void Stop();

 private:
  void Route();
  httplib::Server::HandlerResponse BeforeRouting(const httplib::Request& request,
                                                 httplib::Response& response) const;
  void ServeConsole(const httplib::Request& request, httplib::Response& response) const;
  void DescribeError(const httplib::Request& request, httplib::Response& response) const;

  const HttpGatewayOptions options_;
  MethodTable methods_;
  InProcessCaller caller_;
  ConnectHandler connect_;
  CorsPolicy cors_;
  httplib::Server http_;
  std::thread thread_;
};

}  // namespace lifecycle::gateway
