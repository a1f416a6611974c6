#include "server/app/transport_security.h"

#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace lifecycle::app {
namespace {

std::string ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    throw std::runtime_error(flag + ": cannot read '" + path + "'");
  }
  return text.str();
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFrom(const Config& config) {
  if (config.plaintext) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(
      {ReadPem("--tls-key", config.tls_key_file), ReadPem("--tls-cert", config.tls_cert_file)});
  if (!config.tls_client_ca_file.empty()) {
    options.pem_root_certs = ReadPem("--tls-client-ca", config.tls_client_ca_file);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace lifecycle::app
