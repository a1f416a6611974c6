#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "server/domain/role.h"

namespace lifecycle::domain {

using Timestamp = std::chrono::system_clock::time_point;

struct Tenant {
  std::string tenant_id;
  std::string name;
  Timestamp create_time;
};

// An API key as stored: the secret itself is never kept, only its hash.
struct ApiKey {
  std::string tenant_id;
  std::string key_id;
  std::string display_name;
  Role role = Role::kReadonly;
  std::string secret_hash;  // SHA-256 of the secret, raw bytes
  Timestamp create_time;
  std::optional<Timestamp> expire_time;
  std::optional<Timestamp> revoke_time;
  std::optional<Timestamp> last_use_time;  // approximate (see Authenticator)

  // Usable at `now`: not revoked and not expired.
  bool ActiveAt(Timestamp now) const {
    return !revoke_time && (!expire_time || *expire_time > now);
  }
};

}  // namespace lifecycle::domain
