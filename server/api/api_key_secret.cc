#include "server/api/api_key_secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cctype>
#include <stdexcept>

namespace lifecycle::api {
namespace {

constexpr std::string_view kPrefix = "lc_";
constexpr std::size_t kKeyIdHex = 16;
constexpr std::size_t kSecretHex = 64;

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xF];
  }
  return hex;
}

std::string Sha256(std::string_view text) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

IssuedSecret IssueSecret() {
  IssuedSecret issued;
  issued.key_id = RandomHex(kKeyIdHex / 2);
  const std::string secret = RandomHex(kSecretHex / 2);
  issued.token = std::string(kPrefix) + issued.key_id + "_" + secret;
  issued.secret_hash = Sha256(secret);
  return issued;
}

std::optional<PresentedKey> ParseBearer(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
      return std::nullopt;
    }
  }
  std::string_view token = authorization.substr(kScheme.size());
  if (token.size() != kPrefix.size() + kKeyIdHex + 1 + kSecretHex ||
      token.substr(0, kPrefix.size()) != kPrefix || token[kPrefix.size() + kKeyIdHex] != '_') {
    return std::nullopt;
  }
  std::string_view key_id = token.substr(kPrefix.size(), kKeyIdHex);
  std::string_view secret = token.substr(kPrefix.size() + kKeyIdHex + 1);
  if (!IsLowerHex(key_id) || !IsLowerHex(secret)) return std::nullopt;
  return PresentedKey{std::string(key_id), Sha256(secret)};
}

bool HashesEqual(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lifecycle::api
