#pragma once

#include <optional>
#include <string>

#include "storage/lifecycle_store.h"

namespace lifecycle::storage {
class Transaction;
}

namespace lifecycle::api {

// Places one customer by the tenant's active segment rules, in the caller's
// transaction (customer create and update do this, so membership is right
// at once rather than at the next re-segmentation). Returns the recorded
// move, or nothing when the segment did not change.
std::optional<storage::TransitionOutcome> PlaceCustomer(storage::Transaction& tx,
                                                        const std::string& tenant_id,
                                                        const std::string& customer_id,
                                                        const std::string& request_id);

}  // namespace lifecycle::api
