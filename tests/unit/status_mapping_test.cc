#include "server/api/status_mapping.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/domain/error.h"

namespace lifecycle::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldViolation;
using domain::Violations;

using Strings = std::vector<std::string>;
using Metadata = std::map<std::string, std::string>;

// "field: description" lines: readable when a comparison fails.
Strings Describe(const std::vector<FieldViolation>& violations) {
  Strings out;
  for (const auto& v : violations) out.push_back(v.field + ": " + v.description);
  return out;
}

Metadata ToMap(const google::protobuf::Map<std::string, std::string>& map) {
  return Metadata(map.begin(), map.end());
}

// ------------------------------------------------------ domain::Violations

TEST(ViolationsTest, EmptyDoesNotThrow) {
  Violations violations;
  EXPECT_TRUE(violations.empty());
  EXPECT_NO_THROW(std::move(violations).ThrowIfAny());
}

TEST(ViolationsTest, ThrowsInvalidArgumentWithEveryViolationInOrder) {
  Violations violations;
  violations.Add("request_id", "must not be empty");
  violations.Add("customer.customer_id", "must be at most 128 characters");
  violations.Add("page_size", "must be between 1 and 1000");
  EXPECT_FALSE(violations.empty());
  try {
    std::move(violations).ThrowIfAny();
    FAIL() << "ThrowIfAny did not throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(Describe(error.violations()),
              (Strings{"request_id: must not be empty",
                       "customer.customer_id: must be at most 128 characters",
                       "page_size: must be between 1 and 1000"}));
    EXPECT_EQ(error.message(), "request_id: must not be empty (and 2 more)");
    EXPECT_STREQ(error.what(), error.message().c_str());
  }
}

TEST(ViolationsTest, SingleViolationMessageHasNoCount) {
  Violations violations;
  violations.Add("customer_id", "must not be empty");
  try {
    std::move(violations).ThrowIfAny();
    FAIL() << "ThrowIfAny did not throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.message(), "customer_id: must not be empty");
    EXPECT_EQ(Describe(error.violations()), Strings{"customer_id: must not be empty"});
  }
}

TEST(ErrorTest, InvalidArgumentWithoutViolationsHasGenericMessage) {
  const Error error = Error::InvalidArgument(std::vector<FieldViolation>{});
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.message(), "invalid request");
  EXPECT_TRUE(error.violations().empty());
}

TEST(ErrorTest, InvalidArgumentForOneField) {
  const Error error = Error::InvalidArgument("page_token", "is malformed");
  EXPECT_EQ(error.message(), "page_token: is malformed");
  EXPECT_EQ(Describe(error.violations()), Strings{"page_token: is malformed"});
  EXPECT_TRUE(error.reason().empty());
}

TEST(ErrorTest, FailedPreconditionCarriesReasonAndMetadata) {
  const Error error = Error::FailedPrecondition("TRANSITION_NOT_ALLOWED", "cannot move",
                                                {{"from", "NEW"}, {"to", "RETAINED"}});
  EXPECT_EQ(error.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error.message(), "cannot move");
  EXPECT_EQ(error.reason(), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(error.metadata(), (Metadata{{"from", "NEW"}, {"to", "RETAINED"}}));
}

TEST(ErrorTest, WithReasonKeepsCodeAndMessage) {
  const Error error =
      Error::Aborted("version changed").WithReason("VERSION_MISMATCH", {{"current_version", "7"}});
  EXPECT_EQ(error.code(), ErrorCode::kAborted);
  EXPECT_EQ(error.message(), "version changed");
  EXPECT_EQ(error.reason(), "VERSION_MISMATCH");
  EXPECT_EQ(error.metadata(), (Metadata{{"current_version", "7"}}));
}

// ------------------------------------------------------------- ToGrpcCode

struct CodeCase {
  std::string name;
  Error error;
  grpc::StatusCode code;
  std::string message;  // what the caller sees
};

void PrintTo(const CodeCase& c, std::ostream* os) { *os << c.name; }

class ToGrpcStatusCodeTest : public testing::TestWithParam<CodeCase> {};

TEST_P(ToGrpcStatusCodeTest, MapsCodeAndMessage) {
  const CodeCase& c = GetParam();
  EXPECT_EQ(ToGrpcCode(c.error.code()), c.code);
  const grpc::Status status = ToGrpcStatus(c.error);
  EXPECT_EQ(status.error_code(), c.code);
  EXPECT_EQ(status.error_message(), c.message);
  // No violations and no reason: nothing to put in the details trailer.
  EXPECT_EQ(status.error_details(), "");
}

INSTANTIATE_TEST_SUITE_P(
    EveryErrorCode, ToGrpcStatusCodeTest,
    testing::ValuesIn(std::vector<CodeCase>{
        {"InvalidArgument", Error::InvalidArgument(std::vector<FieldViolation>{}),
         grpc::StatusCode::INVALID_ARGUMENT, "invalid request"},
        {"NotFound", Error::NotFound("customer 'c1'"), grpc::StatusCode::NOT_FOUND,
         "customer 'c1' not found"},
        {"AlreadyExists", Error::AlreadyExists("customer 'c1'"), grpc::StatusCode::ALREADY_EXISTS,
         "customer 'c1' already exists"},
        {"FailedPrecondition", Error(ErrorCode::kFailedPrecondition, "not ready"),
         grpc::StatusCode::FAILED_PRECONDITION, "not ready"},
        {"Aborted", Error::Aborted("version changed"), grpc::StatusCode::ABORTED,
         "version changed"},
        {"Unavailable", Error::Unavailable("database is down"), grpc::StatusCode::UNAVAILABLE,
         "database is down"},
        {"Unauthenticated", Error::Unauthenticated("missing key"),
         grpc::StatusCode::UNAUTHENTICATED, "missing key"},
        {"PermissionDenied", Error::PermissionDenied("readonly key"),
         grpc::StatusCode::PERMISSION_DENIED, "readonly key"},
        {"ResourceExhausted", Error::ResourceExhausted("queue full"),
         grpc::StatusCode::RESOURCE_EXHAUSTED, "queue full"},
        {"DeadlineExceeded", Error::DeadlineExceeded("too slow"),
         grpc::StatusCode::DEADLINE_EXCEEDED, "too slow"},
        {"Internal", Error::Internal("ERROR: relation \"customers\" does not exist"),
         grpc::StatusCode::INTERNAL, "internal error"},
    }),
    [](const testing::TestParamInfo<CodeCase>& info) { return info.param.name; });

TEST(ToGrpcCodeTest, UnknownCodeIsInternal) {
  EXPECT_EQ(ToGrpcCode(static_cast<ErrorCode>(1000)), grpc::StatusCode::INTERNAL);
}

// ------------------------------------------------------------ details

google::rpc::Status DecodeDetails(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_FALSE(status.error_details().empty()) << "no grpc-status-details-bin";
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  // The trailer must agree with the status it travels with.
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(details.message(), status.error_message());
  return details;
}

TEST(ToGrpcStatusTest, BadRequestListsEveryFieldViolation) {
  const std::vector<FieldViolation> violations = {
      {"request_id", "must not be empty"},
      {"customer.customer_id", "may contain only printable ASCII characters without spaces"},
      {"customer.attributes.score", "holds a number JSON cannot represent"},
  };
  const grpc::Status status = ToGrpcStatus(Error::InvalidArgument(violations));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "request_id: must not be empty (and 2 more)");

  const google::rpc::Status details = DecodeDetails(status);
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).Is<google::rpc::BadRequest>());
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  std::vector<FieldViolation> got;
  for (const auto& v : bad_request.field_violations()) got.push_back({v.field(), v.description()});
  EXPECT_EQ(Describe(got), Describe(violations));
}

TEST(ToGrpcStatusTest, ErrorInfoCarriesReasonDomainAndMetadata) {
  const grpc::Status status = ToGrpcStatus(Error::FailedPrecondition(
      "TRANSITION_NOT_ALLOWED", "ONBOARDING -> RETAINED needs the checklist",
      {{"missing_steps", "kyc,welcome_call"}, {"from", "ONBOARDING"}}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "ONBOARDING -> RETAINED needs the checklist");

  const google::rpc::Status details = DecodeDetails(status);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(info.domain(), "lifecycled");
  EXPECT_EQ(ToMap(info.metadata()),
            (Metadata{{"missing_steps", "kyc,welcome_call"}, {"from", "ONBOARDING"}}));
}

TEST(ToGrpcStatusTest, ReasonOnAnotherCodeAlsoGetsErrorInfo) {
  const grpc::Status status =
      ToGrpcStatus(Error::Aborted("stale").WithReason("VERSION_MISMATCH", {}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  const google::rpc::Status details = DecodeDetails(status);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "VERSION_MISMATCH");
  EXPECT_EQ(info.domain(), "lifecycled");
  EXPECT_TRUE(info.metadata().empty());
}

TEST(ToGrpcStatusTest, ViolationsAndReasonBothTravel) {
  const grpc::Status status =
      ToGrpcStatus(Error::InvalidArgument("request_id", "was used with a different request")
                       .WithReason("REQUEST_ID_REUSED", {{"request_id", "r1"}}));
  const google::rpc::Status details = DecodeDetails(status);
  ASSERT_EQ(details.details_size(), 2);
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_TRUE(details.details(1).UnpackTo(&info));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "request_id");
  EXPECT_EQ(info.reason(), "REQUEST_ID_REUSED");
  EXPECT_EQ(ToMap(info.metadata()), (Metadata{{"request_id", "r1"}}));
}

TEST(ToGrpcStatusTest, InternalNeverLeaksItsMessage) {
  const std::string secret = "ERROR: duplicate key value violates \"api_keys_pkey\" DETAIL: x";
  const grpc::Status plain = ToGrpcStatus(Error::Internal(secret));
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(plain.error_message(), "internal error");
  EXPECT_EQ(plain.error_details().find("duplicate key"), std::string::npos);

  // A reason and its facts are ours too: INTERNAL sends no details at all.
  const grpc::Status with_reason = ToGrpcStatus(
      Error::Internal(secret).WithReason("STORAGE_FAILURE", {{"constraint", "api_keys_pkey"}}));
  EXPECT_EQ(with_reason.error_message(), "internal error");
  EXPECT_TRUE(with_reason.error_details().empty());
}

}  // namespace
}  // namespace lifecycle::api
