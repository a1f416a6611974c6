#pragma once

#include <httplib.h>

#include <chrono>
#include <optional>

#include "server/gateway/in_process_caller.h"

namespace lifecycle::gateway {

// Request headers that become gRPC metadata: Authorization (the API key)
// and the caller's own headers (x-request-id, ...). HTTP's and Connect's own
// headers, cookies and anything that is not valid ASCII metadata stay behind.
Metadata MetadataFromHeaders(const httplib::Headers& headers);

// Connect-Timeout-Ms: absent -> nullopt; present -> up to 10 digits, else
// an INVALID_ARGUMENT status in *error.
std::optional<std::chrono::milliseconds> ParseTimeout(const httplib::Request& request,
                                                      grpc::Status* error);

// Unary responses carry the server's headers as headers and its trailers as
// "trailer-" headers (the Connect unary convention). Binary (-bin) values
// are left out.
void AddResponseMetadata(const CallOutcome& outcome, httplib::Response& response);

}  // namespace lifecycle::gateway
