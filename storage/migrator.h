#pragma once

#include <string>

namespace lifecycle::storage {

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies the migrations newer than the database's version, each in its own
// transaction, under a PostgreSQL advisory lock so that several servers
// starting together migrate once. Returns how many were applied.
int Migrate(const std::string& dsn);

}  // namespace lifecycle::storage
