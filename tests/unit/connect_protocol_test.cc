// The Connect protocol pieces of the gateway that need no server: the code
// table, envelopes, content types, JSON <-> binary, and which headers
// become gRPC metadata.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "lifecycle/v1/customer.pb.h"
#include "server/gateway/connect_code.h"
#include "server/gateway/connect_envelope.h"
#include "server/gateway/connect_error.h"
#include "server/gateway/http_metadata.h"
#include "server/gateway/message_codec.h"

namespace lifecycle::gateway {
namespace {

using grpc::StatusCode;
using nlohmann::json;

struct CodeCase {
  StatusCode code;
  std::string name;
  int http_status;
};

TEST(ConnectCodeTest, EveryGrpcCodeHasItsConnectNameAndHttpStatus) {
  const std::vector<CodeCase> cases = {
      {StatusCode::CANCELLED, "canceled", 499},
      {StatusCode::UNKNOWN, "unknown", 500},
      {StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
      {StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {StatusCode::NOT_FOUND, "not_found", 404},
      {StatusCode::ALREADY_EXISTS, "already_exists", 409},
      {StatusCode::PERMISSION_DENIED, "permission_denied", 403},
      {StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
      {StatusCode::ABORTED, "aborted", 409},
      {StatusCode::OUT_OF_RANGE, "out_of_range", 400},
      {StatusCode::UNIMPLEMENTED, "unimplemented", 501},
      {StatusCode::INTERNAL, "internal", 500},
      {StatusCode::UNAVAILABLE, "unavailable", 503},
      {StatusCode::DATA_LOSS, "data_loss", 500},
      {StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ConnectCode mapped = ToConnectCode(c.code);
    EXPECT_EQ(mapped.name, c.name);
    EXPECT_EQ(mapped.http_status, c.http_status);
    // The JSON error carries the same name.
    EXPECT_EQ(json::parse(ConnectErrorJson(c.code, "why"))["code"], c.name);
  }
}

TEST(ConnectErrorTest, DetailsCarryTypeBinaryValueAndReadableDebug) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("customer.customer_id");
  violation->set_description("must not be empty");
  google::rpc::Status status_proto;
  status_proto.set_code(3);
  status_proto.add_details()->PackFrom(bad_request);
  const grpc::Status status(StatusCode::INVALID_ARGUMENT, "customer.customer_id: must not be empty",
                            status_proto.SerializeAsString());

  const json error = json::parse(ConnectErrorJson(status));
  EXPECT_EQ(error["code"], "invalid_argument");
  EXPECT_EQ(error["message"], "customer.customer_id: must not be empty");
  ASSERT_EQ(error["details"].size(), 1u);
  EXPECT_EQ(error["details"][0]["type"], "google.rpc.BadRequest");
  EXPECT_EQ(error["details"][0]["debug"]["fieldViolations"][0]["field"], "customer.customer_id");
  EXPECT_FALSE(error["details"][0]["value"].get<std::string>().empty());
}

TEST(ConnectErrorTest, EndStreamHasErrorOnlyWhenTheCallFailed) {
  EXPECT_EQ(json::parse(EndStreamJson(grpc::Status::OK, {})), json::object());
  const json failed =
      json::parse(EndStreamJson(grpc::Status(StatusCode::UNAVAILABLE, "down"), {{"k", "v"}}));
  EXPECT_EQ(failed["error"]["code"], "unavailable");
  EXPECT_EQ(failed["metadata"]["k"], json::array({"v"}));
}

TEST(ConnectEnvelopeTest, RoundTripsOneMessage) {
  const std::string frame = Envelope(0, "{\"a\":1}");
  ASSERT_EQ(frame.size(), 5u + 7u);
  EXPECT_EQ(frame[4], 7);
  std::string payload;
  ASSERT_TRUE(ReadSingleEnvelope(frame, &payload).ok());
  EXPECT_EQ(payload, "{\"a\":1}");
}

TEST(ConnectEnvelopeTest, RefusesMalformedFrames) {
  std::string payload;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"too short", std::string("\0\0\0", 3)},
      {"length mismatch", Envelope(0, "abc").substr(0, 7)},
      {"trailing bytes", Envelope(0, "abc") + "x"},
      {"compressed", Envelope(0x01, "abc")},
  };
  for (const auto& [name, body] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(ReadSingleEnvelope(body, &payload).error_code(), StatusCode::INVALID_ARGUMENT);
  }
}

TEST(MessageCodecTest, ContentTypes) {
  struct Case {
    std::string header;
    std::optional<Codec> codec;
    bool streaming;
  };
  const std::vector<Case> cases = {
      {"application/json", Codec::kJson, false},
      {"Application/JSON; charset=utf-8", Codec::kJson, false},
      {"application/proto", Codec::kProto, false},
      {"application/connect+json", Codec::kJson, true},
      {"application/connect+proto", Codec::kProto, true},
      {"text/plain", std::nullopt, false},
      {"", std::nullopt, false},
      {"application/grpc", std::nullopt, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    const auto parsed = ParseContentType(c.header);
    ASSERT_EQ(parsed.has_value(), c.codec.has_value());
    if (!parsed) continue;
    EXPECT_EQ(parsed->codec, *c.codec);
    EXPECT_EQ(parsed->streaming, c.streaming);
    EXPECT_EQ(ParseContentType(ContentTypeName(*parsed))->codec, parsed->codec);
  }
}

TEST(MessageCodecTest, JsonAndBinaryMeetInTheSameMessage) {
  const auto& type = *v1::GetCustomerRequest::descriptor();
  std::string wire;
  ASSERT_TRUE(DecodeMessage(Codec::kJson, type, R"({"customerId":"c-1"})", &wire).ok());
  v1::GetCustomerRequest request;
  ASSERT_TRUE(request.ParseFromString(wire));
  EXPECT_EQ(request.customer_id(), "c-1");
  // The proto field name is accepted too, as protobuf JSON requires.
  ASSERT_TRUE(DecodeMessage(Codec::kJson, type, R"({"customer_id":"c-2"})", &wire).ok());

  std::string body;
  ASSERT_TRUE(EncodeMessage(Codec::kJson, type, request.SerializeAsString(), &body).ok());
  EXPECT_EQ(json::parse(body), (json{{"customerId", "c-1"}}));
}

TEST(MessageCodecTest, BadBodiesAreInvalidArgumentNamingTheType) {
  const auto& type = *v1::GetCustomerRequest::descriptor();
  std::string wire;
  for (const auto& [codec, body] : std::vector<std::pair<Codec, std::string>>{
           {Codec::kJson, "not json"},
           {Codec::kJson, R"({"noSuchField":1})"},
           {Codec::kJson, R"({"customerId":5})"},
           {Codec::kProto, "\xff\xff\xff"},
       }) {
    SCOPED_TRACE(body);
    const grpc::Status status = DecodeMessage(codec, type, body, &wire);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("lifecycle.v1.GetCustomerRequest"), std::string::npos);
  }
}

TEST(HttpMetadataTest, ForwardsTheKeyAndCallerHeadersOnly) {
  const httplib::Headers headers = {
      {"Authorization", "Bearer lc_x.y"},   {"X-Request-Id", "abc"},
      {"Content-Type", "application/json"}, {"Connect-Timeout-Ms", "100"},
      {"Origin", "https://a.example"},      {"Cookie", "session=1"},
      {"REMOTE_ADDR", "127.0.0.1"},         {"X-Trace-Bin", "AAAA"},
      {"X-Bad-Value", "line\nbreak"},       {"Grpc-Timeout", "1S"},
  };
  const Metadata metadata = MetadataFromHeaders(headers);
  EXPECT_EQ(metadata, (Metadata{{"authorization", "Bearer lc_x.y"}, {"x-request-id", "abc"}}));
}

}  // namespace
}  // namespace lifecycle::gateway
