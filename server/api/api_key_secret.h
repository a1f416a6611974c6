#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifecycle::api {

// Bearer tokens look like `lc_<key id: 16 hex>_<secret: 64 hex>`. The key id
// finds the stored key; only SHA-256(secret) is stored and compared.
struct IssuedSecret {
  std::string key_id;
  std::string token;        // shown to the caller once
  std::string secret_hash;  // raw 32 bytes, stored
};

struct PresentedKey {
  std::string key_id;
  std::string secret_hash;
};

// Fresh random key id and secret (OpenSSL RAND_bytes).
IssuedSecret IssueSecret();

// Parses an `authorization` metadata value ("Bearer <token>", scheme
// case-insensitive). Nothing when it is not a well-formed token.
std::optional<PresentedKey> ParseBearer(std::string_view authorization);

// Constant-time comparison of two hashes.
bool HashesEqual(const std::string& a, const std::string& b);

}  // namespace lifecycle::api
