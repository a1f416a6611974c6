#include "server/api/status_mapping.h"

#include <iterator>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace lifecycle::api {

grpc::StatusCode ToGrpcCode(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case ErrorCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorCode::kAborted:
      return grpc::StatusCode::ABORTED;
    case ErrorCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case ErrorCode::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case ErrorCode::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case ErrorCode::kResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case ErrorCode::kDeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case ErrorCode::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

std::string_view StatusCodeName(grpc::StatusCode code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "UNKNOWN";
}

grpc::Status ToGrpcStatus(const domain::Error& error) {
  const grpc::StatusCode code = ToGrpcCode(error.code());
  const std::string message =
      error.code() == domain::ErrorCode::kInternal ? "internal error" : error.message();

  google::rpc::Status details;
  details.set_code(code);
  details.set_message(message);
  if (!error.violations().empty()) {
    google::rpc::BadRequest bad_request;
    for (const auto& violation : error.violations()) {
      auto* field = bad_request.add_field_violations();
      field->set_field(violation.field);
      field->set_description(violation.description);
    }
    details.add_details()->PackFrom(bad_request);
  }
  // INTERNAL says nothing beyond its code: its reason and facts are ours.
  if (!error.reason().empty() && error.code() != domain::ErrorCode::kInternal) {
    google::rpc::ErrorInfo info;
    info.set_reason(error.reason());
    info.set_domain("lifecycled");
    for (const auto& [key, value] : error.metadata()) (*info.mutable_metadata())[key] = value;
    details.add_details()->PackFrom(info);
  }
  if (details.details_size() == 0) return grpc::Status(code, message);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace lifecycle::api
