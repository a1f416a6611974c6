#include "server/api/api_key_issuer.h"

#include "server/api/api_key_secret.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"
#include "storage/api_key_store.h"
#include "storage/session.h"
#include "storage/tenant_store.h"

namespace lifecycle::api {

IssuedKey IssueApiKey(storage::Transaction& tx, const std::string& tenant_id,
                      const std::string& display_name, domain::Role role,
                      std::optional<domain::Timestamp> expire_time) {
  IssuedSecret secret = IssueSecret();
  domain::ApiKey key{
      .tenant_id = tenant_id,
      .key_id = secret.key_id,
      .display_name = display_name,
      .role = role,
      .secret_hash = secret.secret_hash,
      .expire_time = expire_time,
  };
  return IssuedKey{storage::ApiKeyStore(tx).Insert(key), std::move(secret.token)};
}

BootstrappedTenant CreateTenantWithAdminKey(const std::string& dsn, const std::string& name) {
  if (auto why = domain::CheckDisplayText(name, domain::kMaxDisplayNameLength)) {
    throw domain::Error::InvalidArgument("name", *why);
  }
  storage::Session session(storage::SessionOptions{.dsn = dsn});
  return session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    domain::Tenant tenant = storage::TenantStore(tx).Create(name);
    IssuedKey key =
        IssueApiKey(tx, tenant.tenant_id, "bootstrap admin", domain::Role::kAdmin, std::nullopt);
    return BootstrappedTenant{std::move(tenant), std::move(key)};
  });
}

}  // namespace lifecycle::api
