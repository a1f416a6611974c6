#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "server/app/config.h"

namespace lifecycle::app {

// The credentials of the gRPC port: plaintext when --plaintext, else TLS from
// --tls-cert/--tls-key, and with --tls-client-ca a client certificate signed
// by that CA is required (mutual TLS). Throws when a file cannot be read.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFrom(const Config& config);

}  // namespace lifecycle::app
