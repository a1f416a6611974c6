#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace lifecycle::storage {

// What went wrong talking to PostgreSQL, counted process-wide for metrics.
enum class DatabaseFailure {
  kConnectFailed,     // could not (re)connect
  kConnectionLost,    // an open connection broke mid-call
  kConflictRetried,   // serialization failure or deadlock, retried
  kConflictAborted,   // ... and still failing after the last attempt
  kStatementTimeout,  // statement_timeout (the call's deadline) fired
  kOther,             // any other SQL error (constraint violations included)
};
inline constexpr std::size_t kDatabaseFailureKinds = 6;

std::string_view DatabaseFailureName(DatabaseFailure failure);  // "connect_failed", ...

void CountDatabaseFailure(DatabaseFailure failure);
// Totals since the process started, indexed by DatabaseFailure.
std::array<std::uint64_t, kDatabaseFailureKinds> DatabaseFailureTotals();

}  // namespace lifecycle::storage
