#include "server/domain/error.h"

#include <utility>

namespace lifecycle::domain {

Error::Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

Error Error::InvalidArgument(std::vector<FieldViolation> violations) {
  std::string message = "invalid request";
  if (!violations.empty()) {
    message = violations.front().field + ": " + violations.front().description;
    if (violations.size() > 1) {
      message += " (and " + std::to_string(violations.size() - 1) + " more)";
    }
  }
  Error error(ErrorCode::kInvalidArgument, std::move(message));
  error.violations_ = std::move(violations);
  return error;
}

Error Error::InvalidArgument(std::string field, std::string description) {
  return InvalidArgument({FieldViolation{std::move(field), std::move(description)}});
}

Error Error::NotFound(std::string what) {
  return Error(ErrorCode::kNotFound, std::move(what) + " not found");
}

Error Error::AlreadyExists(std::string what) {
  return Error(ErrorCode::kAlreadyExists, std::move(what) + " already exists");
}

Error Error::FailedPrecondition(std::string reason, std::string message,
                                std::map<std::string, std::string> metadata) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message))
      .WithReason(std::move(reason), std::move(metadata));
}

Error Error::Aborted(std::string message) { return Error(ErrorCode::kAborted, std::move(message)); }

Error Error::VersionMismatch(const std::string& what, std::int64_t expected, std::int64_t actual) {
  return Aborted(what + " is at version " + std::to_string(actual) + ", not " +
                 std::to_string(expected))
      .WithReason("VERSION_MISMATCH", {{"expected_version", std::to_string(expected)},
                                       {"actual_version", std::to_string(actual)}});
}
Error Error::Unavailable(std::string message) {
  return Error(ErrorCode::kUnavailable, std::move(message));
}
Error Error::Unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}
Error Error::PermissionDenied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
Error Error::ResourceExhausted(std::string message) {
  return Error(ErrorCode::kResourceExhausted, std::move(message));
}
Error Error::DeadlineExceeded(std::string message) {
  return Error(ErrorCode::kDeadlineExceeded, std::move(message));
}
Error Error::Internal(std::string message) {
  return Error(ErrorCode::kInternal, std::move(message));
}

Error&& Error::WithReason(std::string reason, std::map<std::string, std::string> metadata) && {
  reason_ = std::move(reason);
  metadata_ = std::move(metadata);
  return std::move(*this);
}

void Violations::Add(std::string field, std::string description) {
  list_.push_back({std::move(field), std::move(description)});
}

void Violations::AddFrom(const Error& error) {
  list_.insert(list_.end(), error.violations().begin(), error.violations().end());
}

void Violations::ThrowIfAny() && {
  if (!list_.empty()) throw Error::InvalidArgument(std::move(list_));
}

}  // namespace lifecycle::domain
