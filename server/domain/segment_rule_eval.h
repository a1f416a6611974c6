#pragma once

#include "server/domain/customer_facts.h"
#include "server/domain/segment_rule.h"

namespace lifecycle::domain {

// True if the customer matches the (validated) rule at `now` (which the
// days_since_* fields count from). Follows the semantics in segment_rule.h.
bool Matches(const RuleNode& rule, const CustomerFacts& facts, Timestamp now);

}  // namespace lifecycle::domain
