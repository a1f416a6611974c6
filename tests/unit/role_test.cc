#include "server/domain/role.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace lifecycle::domain {
namespace {

constexpr Role kAllRoles[] = {Role::kAdmin, Role::kService, Role::kSupport, Role::kReadonly};
constexpr Permission kAllPermissions[] = {Permission::kReadCustomers, Permission::kWriteCustomers,
                                          Permission::kMoveCustomers, Permission::kSupportActions,
                                          Permission::kManageTenant,  Permission::kEraseCustomers};

std::string PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kReadCustomers:
      return "ReadCustomers";
    case Permission::kWriteCustomers:
      return "WriteCustomers";
    case Permission::kMoveCustomers:
      return "MoveCustomers";
    case Permission::kSupportActions:
      return "SupportActions";
    case Permission::kManageTenant:
      return "ManageTenant";
    case Permission::kEraseCustomers:
      return "EraseCustomers";
  }
  return "Unknown";
}

// The complete role x permission matrix, written out cell by cell so that a
// new role or permission cannot be granted by accident.
struct AllowsCase {
  Role role;
  Permission permission;
  bool allowed;
};

void PrintTo(const AllowsCase& c, std::ostream* os) {
  *os << RoleName(c.role) << " x " << PermissionName(c.permission);
}

const std::vector<AllowsCase>& Matrix() {
  static const auto* matrix = new std::vector<AllowsCase>{
      {Role::kAdmin, Permission::kReadCustomers, true},
      {Role::kAdmin, Permission::kWriteCustomers, true},
      {Role::kAdmin, Permission::kMoveCustomers, true},
      {Role::kAdmin, Permission::kSupportActions, true},
      {Role::kAdmin, Permission::kManageTenant, true},
      {Role::kAdmin, Permission::kEraseCustomers, true},
      {Role::kService, Permission::kReadCustomers, true},
      {Role::kService, Permission::kWriteCustomers, true},
      {Role::kService, Permission::kMoveCustomers, true},
      {Role::kService, Permission::kSupportActions, false},
      {Role::kService, Permission::kManageTenant, false},
      {Role::kService, Permission::kEraseCustomers, true},
      {Role::kSupport, Permission::kReadCustomers, true},
      {Role::kSupport, Permission::kWriteCustomers, false},
      {Role::kSupport, Permission::kMoveCustomers, true},
      {Role::kSupport, Permission::kSupportActions, true},
      {Role::kSupport, Permission::kManageTenant, false},
      {Role::kSupport, Permission::kEraseCustomers, false},
      {Role::kReadonly, Permission::kReadCustomers, true},
      {Role::kReadonly, Permission::kWriteCustomers, false},
      {Role::kReadonly, Permission::kMoveCustomers, false},
      {Role::kReadonly, Permission::kSupportActions, false},
      {Role::kReadonly, Permission::kManageTenant, false},
      {Role::kReadonly, Permission::kEraseCustomers, false},
  };
  return *matrix;
}

class AllowsTest : public testing::TestWithParam<AllowsCase> {};

TEST_P(AllowsTest, MatchesMatrix) {
  EXPECT_EQ(Allows(GetParam().role, GetParam().permission), GetParam().allowed);
}

INSTANTIATE_TEST_SUITE_P(Matrix, AllowsTest, testing::ValuesIn(Matrix()),
                         [](const testing::TestParamInfo<AllowsCase>& info) {
                           std::string role(RoleName(info.param.role));
                           role[0] = static_cast<char>(role[0] - 'a' + 'A');
                           return role + "_" + PermissionName(info.param.permission);
                         });

TEST(AllowsMatrixTest, CoversEveryRoleAndPermission) {
  for (Role role : kAllRoles) {
    for (Permission permission : kAllPermissions) {
      int rows = 0;
      for (const auto& row : Matrix()) {
        if (row.role == role && row.permission == permission) ++rows;
      }
      EXPECT_EQ(rows, 1) << RoleName(role) << " x " << PermissionName(permission);
    }
  }
}

TEST(AllowsUnknownRoleTest, IsDeniedEverything) {
  const auto bogus = static_cast<Role>(99);
  for (Permission permission : kAllPermissions) {
    EXPECT_FALSE(Allows(bogus, permission)) << PermissionName(permission);
  }
}

struct RoleNameCase {
  Role role;
  std::string name;
  int number;
};

const std::vector<RoleNameCase> kRoleNames = {
    {Role::kAdmin, "admin", 1},
    {Role::kService, "service", 2},
    {Role::kSupport, "support", 3},
    {Role::kReadonly, "readonly", 4},
};

TEST(RoleNameTest, NamesAndNumbers) {
  for (const auto& row : kRoleNames) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(RoleName(row.role), row.name);
    // Numbers must match lifecycle.v1.Role on the wire.
    EXPECT_EQ(static_cast<int>(row.role), row.number);
  }
}

TEST(RoleNameTest, RoundTripsThroughName) {
  for (Role role : kAllRoles) {
    EXPECT_EQ(RoleFromName(RoleName(role)), role) << RoleName(role);
  }
}

TEST(RoleNameTest, RoundTripsThroughNumber) {
  for (Role role : kAllRoles) {
    EXPECT_EQ(RoleFromNumber(static_cast<int>(role)), role) << RoleName(role);
  }
}

TEST(RoleNameTest, UnknownRoleHasPlaceholderName) {
  EXPECT_EQ(RoleName(static_cast<Role>(0)), "unknown");
}

TEST(RoleFromNameTest, RejectsUnknownNames) {
  for (const char* name : {"", "ADMIN", "Admin", "admin ", " admin", "adm", "administrator",
                           "unknown", "read-only", "readOnly", "ROLE_ADMIN", "1"}) {
    EXPECT_EQ(RoleFromName(name), std::nullopt) << '"' << name << '"';
  }
}

TEST(RoleFromNumberTest, RejectsOutOfRange) {
  for (int number :
       {0, 5, -1, 6, 100, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    EXPECT_EQ(RoleFromNumber(number), std::nullopt) << number;
  }
}

}  // namespace
}  // namespace lifecycle::domain
