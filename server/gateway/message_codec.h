#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <string_view>

namespace lifecycle::gateway {

// How message bodies are written on the HTTP side: canonical protobuf JSON
// or the binary protobuf encoding (which is what gRPC carries).
enum class Codec { kJson, kProto };

struct ContentType {
  Codec codec;
  bool streaming;  // application/connect+json, application/connect+proto
};

// "application/json; charset=utf-8" -> {kJson, unary}; nullopt for anything
// Connect does not define.
std::optional<ContentType> ParseContentType(std::string_view header);
// The Content-Type a response in `type` carries.
std::string ContentTypeName(ContentType type);

// HTTP body -> serialized protobuf of `type`. A body that does not parse is
// INVALID_ARGUMENT naming the message type and what is wrong.
grpc::Status DecodeMessage(Codec codec, const google::protobuf::Descriptor& type,
                           const std::string& body, std::string* wire);
// Serialized protobuf of `type` -> HTTP body.
grpc::Status EncodeMessage(Codec codec, const google::protobuf::Descriptor& type,
                           const std::string& wire, std::string* body);

}  // namespace lifecycle::gateway
