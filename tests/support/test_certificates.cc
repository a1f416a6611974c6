#include "tests/support/test_certificates.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lifecycle::testing {
namespace {

// Short-lived EC keys: quick to make, and nothing here outlives the test.
constexpr const char* kScript = R"(set -e
cd "$1"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }
ca() {
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 2 -out "$1.pem"
}
leaf() {  # name, CA, common name, extensions
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$3" -out "$1.csr"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
}
ca ca "lifecycled test CA"
ca other-ca "unrelated CA"
leaf server ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
leaf client ca "test client" "extendedKeyUsage=clientAuth"
leaf stranger other-ca "stranger" "extendedKeyUsage=clientAuth"
)";

}  // namespace

TestCertificates::TestCertificates() {
  std::string pattern = std::filesystem::temp_directory_path() / "lifecycled-certs-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::ofstream(dir_ + "/make.sh") << kScript;
  const std::string command = "sh '" + dir_ + "/make.sh' '" + dir_ + "' >'" + dir_ + "/log' 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl failed making test certificates:\n" + Read("log"));
  }
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestCertificates::Read(const std::string& name) const {
  std::ifstream in(Path(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace lifecycle::testing
