#pragma once

#include <cstdint>
#include <map>

#include "server/domain/stage.h"

namespace lifecycle::storage {

class Transaction;

// Customers per stage over every tenant, for the metrics gauges: one grouped
// scan of customers (no per-tenant or per-stage queries). Every stage is
// present, with 0 when it has no customers.
std::map<domain::Stage, std::int64_t> CountCustomersByStage(Transaction& tx);

}  // namespace lifecycle::storage
