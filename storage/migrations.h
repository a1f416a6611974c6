#pragma once

#include <string_view>
#include <vector>

namespace lifecycle::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration of storage/migrations/, in version order (generated at build).
const std::vector<Migration>& Migrations();

}  // namespace lifecycle::storage
