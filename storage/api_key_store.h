#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/tenant.h"

namespace lifecycle::storage {

class Transaction;

// Where a page of keys (newest first) resumes.
struct ApiKeyCursor {
  domain::Timestamp create_time;
  std::string key_id;
};

// SQL for the api_keys table.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(Transaction& tx) : tx_(tx) {}

  domain::ApiKey Insert(const domain::ApiKey& key);
  // Authentication lookup: the key id alone, across tenants.
  std::optional<domain::ApiKey> FindByKeyId(const std::string& key_id);
  // Sets last_used_at to now unless it was set within the last minute.
  void RecordUse(const std::string& tenant_id, const std::string& key_id);
  // Sets revoke_time (keeps the first one on repeat); NOT_FOUND if absent.
  domain::ApiKey Revoke(const std::string& tenant_id, const std::string& key_id);
  std::vector<domain::ApiKey> List(const std::string& tenant_id,
                                   const std::optional<ApiKeyCursor>& after, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
