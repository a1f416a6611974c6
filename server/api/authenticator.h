#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/domain/role.h"
#include "server/domain/tenant.h"

namespace lifecycle::storage {
class Session;
}

namespace lifecycle::api {

// Resolves `authorization: Bearer <token>` to a Principal. Stored keys are
// cached for `ttl`, so a hot call costs no query; a revocation or expiry
// takes effect on every server within `ttl`. Unknown key ids are cached too
// so a flood of bad tokens cannot turn into a flood of queries. A key's
// last use is written at most once per `kUseRecordInterval` per server, so
// last_used_at costs a hot key one small UPDATE a minute, not one per call.
class Authenticator {
 public:
  explicit Authenticator(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  static constexpr std::chrono::minutes kUseRecordInterval{1};

  // UNAUTHENTICATED for a missing, malformed, unknown, revoked or expired key.
  domain::Principal Authenticate(std::string_view authorization, storage::Session& session);

 private:
  struct Entry {
    std::optional<domain::ApiKey> key;
    std::chrono::steady_clock::time_point fetched;
    // When this server last wrote the key's last_used_at (kept across refreshes).
    std::optional<std::chrono::steady_clock::time_point> use_recorded;
  };

  std::optional<domain::ApiKey> Lookup(const std::string& key_id, storage::Session& session);
  // True (and remembered) when the key's use is due to be written now.
  bool UseRecordDue(const std::string& key_id);

  static constexpr std::size_t kMaxEntries = 100'000;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace lifecycle::api
