#pragma once

#include <exception>

#include "server/domain/error.h"

namespace lifecycle::storage {

// The one place where database failures become domain errors:
// unique violation -> ALREADY_EXISTS, check/data errors -> INVALID_ARGUMENT,
// foreign key -> FAILED_PRECONDITION, serialization failure/deadlock ->
// ABORTED (after Session's retries), statement timeout -> DEADLINE_EXCEEDED,
// lost connection -> UNAVAILABLE (reason COMMIT_OUTCOME_UNKNOWN when it was
// lost during COMMIT), anything else -> INTERNAL.
// A domain::Error passes through unchanged.
domain::Error MapDatabaseError(const std::exception& error);

}  // namespace lifecycle::storage
