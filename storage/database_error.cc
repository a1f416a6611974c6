#include "storage/database_error.h"

#include <pqxx/pqxx>

namespace lifecycle::storage {
namespace {

constexpr const char* kQueryCanceled = "57014";  // statement_timeout fired

}  // namespace

domain::Error MapDatabaseError(const std::exception& error) {
  using domain::Error;
  if (const auto* domain_error = dynamic_cast<const Error*>(&error)) return *domain_error;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error)) {
    // The commit may have happened. A retry with the same request_id is
    // safe either way: it returns the first result or runs the call once.
    return Error::Unavailable(
               "database connection lost while committing; the outcome is unknown, retry with "
               "the same request_id")
        .WithReason("COMMIT_OUTCOME_UNKNOWN");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error)) {
    return Error::Unavailable("database unavailable");
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&error)) {
    return Error::Aborted("concurrent update conflict; retry the call");
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&error)) {
    return Error::AlreadyExists("record");
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&error)) {
    return Error::FailedPrecondition("REFERENCE_MISSING", "a referenced record does not exist", {});
  }
  if (dynamic_cast<const pqxx::check_violation*>(&error) ||
      dynamic_cast<const pqxx::data_exception*>(&error) ||
      dynamic_cast<const pqxx::not_null_violation*>(&error)) {
    return Error(domain::ErrorCode::kInvalidArgument, "value rejected by the database");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
      sql && sql->sqlstate() == kQueryCanceled) {
    return Error::DeadlineExceeded("database statement timed out");
  }
  return Error::Internal(error.what());
}

}  // namespace lifecycle::storage
