#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

#include "server/domain/error.h"

namespace lifecycle::api {

// The one mapping from domain errors to gRPC statuses. Field violations go
// out as google.rpc.BadRequest, reasons as google.rpc.ErrorInfo (domain
// "lifecycled"), both in the standard grpc-status-details-bin trailer.
// INTERNAL never carries the underlying message (it may hold SQL).
grpc::Status ToGrpcStatus(const domain::Error& error);

grpc::StatusCode ToGrpcCode(domain::ErrorCode code);

// "NOT_FOUND" for grpc::StatusCode::NOT_FOUND (logs and reports).
std::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace lifecycle::api
