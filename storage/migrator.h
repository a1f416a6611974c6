#pragma once

#include <string>

namespace lifecycle::storage {

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies every migration the database has not recorded, in version order,
// each in its own transaction (not only those above the newest recorded: a
// branch merged later may bring a lower number), under a PostgreSQL advisory lock so that several
// servers starting together migrate once. Returns how many were applied.
int Migrate(const std::string& dsn);

}  // namespace lifecycle::storage
