#pragma once

#include <span>
#include <string>

#include "server/domain/segment.h"
#include "server/domain/segment_rule.h"

namespace lifecycle::storage {

// Compiles segment rules to SQL over one row of the customer_facts view
// (alias `f`), with the semantics of server/domain/segment_rule.h, so bulk
// work (preview, re-segmentation) agrees with the domain evaluator. Literals
// are embedded, quoted; `now` is fixed at compile time for days_since_*.

// A boolean expression that is never NULL (so `not` behaves as in the domain).
std::string CompileRule(const domain::RuleNode& rule, domain::Timestamp now);

// A text expression naming the segment a row belongs to ('' for none), given
// the segments in decision order (domain::SortForAssignment).
std::string CompileAssignment(std::span<const domain::SegmentRuleRef> ordered,
                              domain::Timestamp now);

// A quoted SQL string literal ('it''s'); the text has no NUL (validated).
std::string QuoteText(const std::string& text);

}  // namespace lifecycle::storage
