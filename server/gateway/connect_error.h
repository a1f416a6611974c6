#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <string>

namespace lifecycle::gateway {

// The Connect error object for a failed call:
//   {"code": "invalid_argument", "message": "...",
//    "details": [{"type": "google.rpc.BadRequest", "value": "<base64>", "debug": {...}}]}
// Details come from the google.rpc.Status the server put in
// grpc-status-details-bin. "value" is the binary message (what Connect
// clients decode); "debug" is the same message as protobuf JSON, for people
// and for pages that do not carry protobuf code.
std::string ConnectErrorJson(const grpc::Status& status);

// The end-of-stream message of a Connect streaming response:
//   {"error": {...}, "metadata": {"key": ["value"]}}; no "error" when OK.
std::string EndStreamJson(const grpc::Status& status,
                          const std::multimap<std::string, std::string>& trailers);

// A gateway-side refusal (bad content type, oversized body, ...) in the same shape.
std::string ConnectErrorJson(grpc::StatusCode code, const std::string& message);

}  // namespace lifecycle::gateway
