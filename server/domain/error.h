#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <vector>

namespace lifecycle::domain {

// The outcome classes a caller can act on. The api layer maps each to one
// gRPC code; storage maps database failures onto them.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kUnavailable,
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,
  kDeadlineExceeded,
  kInternal,
};

struct FieldViolation {
  std::string field;        // request path, e.g. "customer.customer_id"
  std::string description;  // why it is wrong, for a human
  bool operator==(const FieldViolation&) const = default;
};

// An error that crosses layers. Thrown by storage and api code and caught in
// exactly one place (server/api/call.cc), which turns it into a gRPC status.
class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message);

  static Error InvalidArgument(std::vector<FieldViolation> violations);
  static Error InvalidArgument(std::string field, std::string description);
  static Error NotFound(std::string what);
  static Error AlreadyExists(std::string what);
  static Error FailedPrecondition(std::string reason, std::string message,
                                  std::map<std::string, std::string> metadata);
  static Error Aborted(std::string message);
  // ABORTED with reason VERSION_MISMATCH: `what` ("customer 'c-1'") is at
  // `actual`, not the `expected` version the caller gave.
  static Error VersionMismatch(const std::string& what, std::int64_t expected, std::int64_t actual);
  static Error Unavailable(std::string message);
  static Error Unauthenticated(std::string message);
  static Error PermissionDenied(std::string message);
  static Error ResourceExhausted(std::string message);
  static Error DeadlineExceeded(std::string message);
  static Error Internal(std::string message);

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // Machine-readable cause (google.rpc.ErrorInfo), e.g. "VERSION_MISMATCH".
  const std::string& reason() const { return reason_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  Error&& WithReason(std::string reason, std::map<std::string, std::string> metadata = {}) &&;

  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<FieldViolation> violations_;
  std::string reason_;
  std::map<std::string, std::string> metadata_;
};

// Collects every problem in a request before failing, so a caller fixes
// them all in one round trip.
class Violations {
 public:
  void Add(std::string field, std::string description);
  // Adds the field violations another check reported (e.g. a page token).
  void AddFrom(const Error& error);
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  // Throws Error::InvalidArgument if anything was added.
  void ThrowIfAny() &&;

 private:
  std::vector<FieldViolation> list_;
};

}  // namespace lifecycle::domain
