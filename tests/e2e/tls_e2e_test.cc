// Transport security of the gRPC port: TLS, mutual TLS, and the refusal to
// serve without a deliberate choice. Certificates are made at test time.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_certificates.h"

namespace lifecycle::testing {
namespace {

using Certs = TestCertificates;

class TlsE2eTest : public E2eTest {
 protected:
  // No server from the fixture: each test starts its own.
  void SetUp() override {}

  void StartTls(bool require_client_certificate) {
    std::vector<std::string> args = {"--tls-cert", certs_.Path(Certs::kServerCert), "--tls-key",
                                     certs_.Path(Certs::kServerKey)};
    if (require_client_certificate) {
      args.insert(args.end(), {"--tls-client-ca", certs_.Path(Certs::kCa)});
    }
    StartServer(args);
  }

  // A TLS channel that trusts the test CA, presenting `cert`/`key` if given.
  std::shared_ptr<grpc::Channel> TlsChannel(const char* cert = nullptr,
                                            const char* key = nullptr) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = certs_.Read(Certs::kCa);
    if (cert != nullptr) {
      options.pem_cert_chain = certs_.Read(cert);
      options.pem_private_key = certs_.Read(key);
    }
    // The server listens on 127.0.0.1; its certificate names localhost.
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(server_->address(), grpc::SslCredentials(options), args);
  }

  // An authenticated call: NOT_FOUND proves the handler ran over the channel.
  static grpc::StatusCode GetCustomerCode(std::shared_ptr<grpc::Channel> channel,
                                          const std::string& key) {
    TestClient client(std::move(channel), key);
    v1::GetCustomerRequest request;
    request.set_customer_id("nobody");
    v1::GetCustomerResponse response;
    return client.customers().GetCustomer(client.Context().get(), request, &response).error_code();
  }

  Certs certs_;
};

TEST_F(TlsE2eTest, TlsServesCallsAndRefusesPlaintextClients) {
  StartTls(false);
  EXPECT_EQ(GetCustomerCode(TlsChannel(), admin_key_), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      GetCustomerCode(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                      admin_key_),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(server_->Log().find("transport=tls"), std::string::npos) << server_->Log();
}

TEST_F(TlsE2eTest, TlsStillRequiresAnApiKey) {
  StartTls(false);
  EXPECT_EQ(GetCustomerCode(TlsChannel(), ""), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsE2eTest, MutualTlsAcceptsAClientCertificateFromTheClientCa) {
  StartTls(true);
  EXPECT_EQ(GetCustomerCode(TlsChannel(Certs::kClientCert, Certs::kClientKey), admin_key_),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(server_->Log().find("transport=mutual_tls"), std::string::npos) << server_->Log();
}

TEST_F(TlsE2eTest, MutualTlsRejectsClientsWithoutACertificateOrFromAnotherCa) {
  StartTls(true);
  EXPECT_EQ(GetCustomerCode(TlsChannel(), admin_key_), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetCustomerCode(TlsChannel(Certs::kStrangerCert, Certs::kStrangerKey), admin_key_),
            grpc::StatusCode::UNAVAILABLE);
  // The server is unharmed: a good client still gets through.
  EXPECT_EQ(GetCustomerCode(TlsChannel(Certs::kClientCert, Certs::kClientKey), admin_key_),
            grpc::StatusCode::NOT_FOUND);
}

struct RefusedCase {
  std::string name;
  std::vector<std::string> args;
  std::string message;
};

TEST_F(TlsE2eTest, ServingWithoutAChoiceOfTransportIsRefused) {
  const std::string cert = certs_.Path(Certs::kServerCert);
  const std::string key = certs_.Path(Certs::kServerKey);
  const std::vector<RefusedCase> cases = {
      {"neither", {}, "refusing to serve without transport security"},
      {"plaintext_and_tls", {"--plaintext", "--tls-cert", cert, "--tls-key", key}, "--plaintext"},
      {"cert_without_key", {"--tls-cert", cert}, "--tls-cert and --tls-key go together"},
      {"client_ca_alone", {"--tls-client-ca", cert}, "refusing to serve"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--dsn", db_.dsn()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult result = RunLifecycled(args);
    EXPECT_EQ(result.exit_code, 2) << c.name << ": " << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << c.name << ": " << result.output;
  }
}

TEST_F(TlsE2eTest, AnUnreadableCertificateStopsTheServer) {
  const CommandResult result =
      RunLifecycled({"--listen", "127.0.0.1:0", "--dsn", db_.dsn(), "--tls-cert",
                     certs_.Path("missing.pem"), "--tls-key", certs_.Path(Certs::kServerKey)});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("--tls-cert: cannot read"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace lifecycle::testing
