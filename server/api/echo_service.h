#pragma once

#include "lifecycle/bench/v1/echo.grpc.pb.h"

namespace lifecycle::api {

// The benchmark's gRPC ceiling (lifecycle.bench.v1.EchoService). It answers
// inline on the gRPC thread: no authentication, no pool, no database, no
// per-call log line, so its throughput is what this binary's gRPC stack can
// do with the same flags. Registered only with --bench-echo.
class EchoService final : public bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override;
};

}  // namespace lifecycle::api
