#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace lifecycle::gateway {

// Connect streaming frames every message as: one flags byte, a 4-byte
// big-endian length, the payload. Flag 0x02 marks the end-of-stream message.
inline constexpr std::uint8_t kEndStreamFlag = 0x02;

std::string Envelope(std::uint8_t flags, std::string_view payload);

// The single request message of a server-streaming call. Compressed
// (flag 0x01) or malformed frames are INVALID_ARGUMENT.
grpc::Status ReadSingleEnvelope(std::string_view body, std::string* payload);

}  // namespace lifecycle::gateway
