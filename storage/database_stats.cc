#include "storage/database_stats.h"

#include <atomic>

namespace lifecycle::storage {
namespace {

std::array<std::atomic<std::uint64_t>, kDatabaseFailureKinds> totals{};

}  // namespace

std::string_view DatabaseFailureName(DatabaseFailure failure) {
  switch (failure) {
    case DatabaseFailure::kConnectFailed:
      return "connect_failed";
    case DatabaseFailure::kConnectionLost:
      return "connection_lost";
    case DatabaseFailure::kConflictRetried:
      return "conflict_retried";
    case DatabaseFailure::kConflictAborted:
      return "conflict_aborted";
    case DatabaseFailure::kStatementTimeout:
      return "statement_timeout";
    case DatabaseFailure::kOther:
      return "other";
  }
  return "other";
}

void CountDatabaseFailure(DatabaseFailure failure) {
  totals[static_cast<std::size_t>(failure)].fetch_add(1, std::memory_order_relaxed);
}

std::array<std::uint64_t, kDatabaseFailureKinds> DatabaseFailureTotals() {
  std::array<std::uint64_t, kDatabaseFailureKinds> copy{};
  for (std::size_t i = 0; i < kDatabaseFailureKinds; ++i) {
    copy[i] = totals[i].load(std::memory_order_relaxed);
  }
  return copy;
}

}  // namespace lifecycle::storage
