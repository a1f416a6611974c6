#include "server/domain/role.h"

namespace lifecycle::domain {

bool Allows(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kService:
      return permission == Permission::kReadCustomers ||
             permission == Permission::kWriteCustomers ||
             permission == Permission::kMoveCustomers || permission == Permission::kEraseCustomers;
    case Role::kSupport:
      return permission == Permission::kReadCustomers || permission == Permission::kMoveCustomers ||
             permission == Permission::kSupportActions;
    case Role::kReadonly:
      return permission == Permission::kReadCustomers;
  }
  return false;
}

bool MayOverride(Role role) { return role == Role::kSupport || role == Role::kAdmin; }

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
    case Role::kSupport:
      return "support";
    case Role::kReadonly:
      return "readonly";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role role : {Role::kAdmin, Role::kService, Role::kSupport, Role::kReadonly}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::optional<Role> RoleFromNumber(int number) {
  if (number < 1 || number > 4) return std::nullopt;
  return static_cast<Role>(number);
}

}  // namespace lifecycle::domain
