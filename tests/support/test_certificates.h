#pragma once

#include <string>

namespace lifecycle::testing {

// PEM files made with the openssl CLI in a fresh temporary directory: a CA,
// a server certificate it signs (for localhost and 127.0.0.1), a client
// certificate it signs, and a client certificate from an unrelated CA.
// The directory is removed with the object.
class TestCertificates {
 public:
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Read(const std::string& name) const;

  // File names in the directory.
  static constexpr const char* kCa = "ca.pem";
  static constexpr const char* kServerCert = "server.pem";
  static constexpr const char* kServerKey = "server.key";
  static constexpr const char* kClientCert = "client.pem";
  static constexpr const char* kClientKey = "client.key";
  static constexpr const char* kStrangerCert = "stranger.pem";  // signed by another CA
  static constexpr const char* kStrangerKey = "stranger.key";

 private:
  std::string dir_;
};

}  // namespace lifecycle::testing
