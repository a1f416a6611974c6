#include "server/gateway/connect_envelope.h"

namespace lifecycle::gateway {
namespace {

constexpr std::size_t kPrefixSize = 5;
constexpr std::uint8_t kCompressedFlag = 0x01;

}  // namespace

std::string Envelope(std::uint8_t flags, std::string_view payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  std::string frame;
  frame.reserve(kPrefixSize + payload.size());
  frame.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  frame.append(payload);
  return frame;
}

grpc::Status ReadSingleEnvelope(std::string_view body, std::string* payload) {
  if (body.size() < kPrefixSize) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "a streaming request body must be one enveloped message (5-byte prefix)"};
  }
  const auto flags = static_cast<std::uint8_t>(body[0]);
  if (flags & kCompressedFlag) {
    return {grpc::StatusCode::INVALID_ARGUMENT, "compressed messages are not supported"};
  }
  std::uint32_t size = 0;
  for (std::size_t i = 1; i < kPrefixSize; ++i) {
    size = (size << 8) | static_cast<std::uint8_t>(body[i]);
  }
  if (body.size() - kPrefixSize != size) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "the request envelope says " + std::to_string(size) + " bytes but " +
                std::to_string(body.size() - kPrefixSize) + " follow"};
  }
  payload->assign(body.substr(kPrefixSize));
  return grpc::Status::OK;
}

}  // namespace lifecycle::gateway
