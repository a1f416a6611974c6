#include "server/api/authenticator.h"

#include "server/api/api_key_secret.h"
#include "server/domain/error.h"
#include "storage/api_key_store.h"
#include "storage/session.h"

namespace lifecycle::api {

domain::Principal Authenticator::Authenticate(std::string_view authorization,
                                              storage::Session& session) {
  if (authorization.empty()) {
    throw domain::Error::Unauthenticated(
        "missing API key: send metadata 'authorization: Bearer <key>'");
  }
  const auto presented = ParseBearer(authorization);
  if (!presented) {
    throw domain::Error::Unauthenticated("malformed API key: expected 'Bearer lc_...'");
  }
  const auto key = Lookup(presented->key_id, session);
  // One message for every failure so a caller cannot probe which keys exist.
  if (!key || !HashesEqual(key->secret_hash, presented->secret_hash) ||
      !key->ActiveAt(std::chrono::system_clock::now())) {
    throw domain::Error::Unauthenticated("invalid, revoked or expired API key");
  }
  if (UseRecordDue(key->key_id)) {
    session.Run(storage::TxOptions{.single_read = true, .tenant_id = key->tenant_id},
                [&](storage::Transaction& tx) {
                  storage::ApiKeyStore(tx).RecordUse(key->tenant_id, key->key_id);
                });
  }
  return domain::Principal{key->tenant_id, key->key_id, key->role};
}

std::optional<domain::ApiKey> Authenticator::Lookup(const std::string& key_id,
                                                    storage::Session& session) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.fetched < ttl_) return it->second.key;
  }
  auto key = session.Run(storage::TxOptions{.single_read = true}, [&](storage::Transaction& tx) {
    return storage::ApiKeyStore(tx).FindByKeyId(key_id);
  });
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  auto& entry = cache_[key_id];
  entry.key = key;
  entry.fetched = now;
  return key;
}

bool Authenticator::UseRecordDue(const std::string& key_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto& recorded = cache_[key_id].use_recorded;
  if (recorded && now - *recorded < kUseRecordInterval) return false;
  recorded = now;  // before the write: concurrent calls do not all write
  return true;
}

}  // namespace lifecycle::api
