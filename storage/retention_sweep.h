#pragma once

#include <string>

#include "server/domain/customer.h"
#include "storage/session.h"

namespace lifecycle::storage {

struct SweepResult {
  int lapsed = 0;    // customers moved to LAPSED (trigger LAPSE_SWEEP)
  int rescored = 0;  // stored scores or bands brought up to date
};

// The periodic retention sweep of one tenant, as of `now`, in transactions
// of at most `page` customers each so it never holds many locks for long:
// 1. lapse: every customer the lifecycle lets the sweep lapse, with no
//    purchase, activity or stage change within its segment's lapse window,
//    moves to LAPSED through LifecycleStore::ApplyMany. Candidates are
//    re-checked after their rows are locked, so a signal that commits
//    meanwhile keeps its customer active.
// 2. rescore: stored scores decay toward what a read computes; a row is
//    rewritten when its band changed or its score moved by half a point.
SweepResult SweepTenant(Session& session, const TxOptions& options, const std::string& tenant_id,
                        domain::Timestamp now, int page = 1000);

}  // namespace lifecycle::storage
