#include "server/gateway/message_codec.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace lifecycle::gateway {
namespace {

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<ContentType> ParseContentType(std::string_view header) {
  // Parameters (charset) do not change the codec: JSON is always UTF-8.
  const std::string media = Lowercase(Trim(header.substr(0, header.find(';'))));
  if (media == "application/json") return ContentType{Codec::kJson, false};
  if (media == "application/proto") return ContentType{Codec::kProto, false};
  if (media == "application/connect+json") return ContentType{Codec::kJson, true};
  if (media == "application/connect+proto") return ContentType{Codec::kProto, true};
  return std::nullopt;
}

std::string ContentTypeName(ContentType type) {
  const std::string codec = type.codec == Codec::kJson ? "json" : "proto";
  return (type.streaming ? "application/connect+" : "application/") + codec;
}

grpc::Status DecodeMessage(Codec codec, const google::protobuf::Descriptor& type,
                           const std::string& body, std::string* wire) {
  auto message = NewMessage(type);
  if (codec == Codec::kProto) {
    if (!message->ParseFromString(body)) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "request body is not a valid binary " + type.full_name()};
    }
    *wire = body;
    return grpc::Status::OK;
  }
  // An empty body is the empty message, as in Connect's Go and JS servers.
  if (!body.empty()) {
    const auto parsed = google::protobuf::util::JsonStringToMessage(body, message.get());
    if (!parsed.ok()) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "request body is not a valid JSON " +
                                                      type.full_name() + ": " +
                                                      std::string(parsed.message())};
    }
  }
  if (!message->SerializeToString(wire)) {
    return {grpc::StatusCode::INVALID_ARGUMENT, "cannot encode " + type.full_name()};
  }
  return grpc::Status::OK;
}

grpc::Status EncodeMessage(Codec codec, const google::protobuf::Descriptor& type,
                           const std::string& wire, std::string* body) {
  if (codec == Codec::kProto) {
    *body = wire;
    return grpc::Status::OK;
  }
  auto message = NewMessage(type);
  if (!message->ParseFromString(wire)) {
    return {grpc::StatusCode::INTERNAL, "the server sent an unreadable " + type.full_name()};
  }
  const auto printed = google::protobuf::util::MessageToJsonString(*message, body);
  if (!printed.ok()) {
    return {grpc::StatusCode::INTERNAL,
            "cannot print " + type.full_name() + " as JSON: " + std::string(printed.message())};
  }
  return grpc::Status::OK;
}

}  // namespace lifecycle::gateway
