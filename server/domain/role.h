#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifecycle::domain {

// What an API key may do. Values match lifecycle.v1.Role.
enum class Role { kAdmin = 1, kService = 2, kSupport = 3, kReadonly = 4 };

// The actions RPCs are checked against. Each RPC names one.
enum class Permission {
  kReadCustomers,
  kWriteCustomers,  // create/update customers, signals
  kMoveCustomers,   // lifecycle transitions (support too: moves with a reason)
  kSupportActions,  // follow-ups, checklist steps, guard overrides
  kManageTenant,    // keys, segments, templates, policies
  kEraseCustomers,  // EraseCustomer: admin and service (the data owner's systems)
};

bool Allows(Role role, Permission permission);
// Support and admin keys may pass a failed guard or skip a required
// onboarding step, with a reason; the one place that says who.
bool MayOverride(Role role);

std::string_view RoleName(Role role);  // "admin", "service", ...
std::optional<Role> RoleFromName(std::string_view name);
std::optional<Role> RoleFromNumber(int number);

// Who is calling: resolved from the bearer key, never from the request.
struct Principal {
  std::string tenant_id;
  std::string key_id;
  Role role = Role::kReadonly;
};

}  // namespace lifecycle::domain
