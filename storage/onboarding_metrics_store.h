#pragma once

#include <optional>
#include <string>

#include "server/domain/follow_up.h"

namespace lifecycle::storage {

class Transaction;

// The onboarding report: read-only SQL over checklists and follow-ups.
class OnboardingMetricsStore {
 public:
  explicit OnboardingMetricsStore(Transaction& tx) : tx_(tx) {}

  // For the onboardings started in [start, end), optionally of one segment
  // (the customer's segment when onboarding started). Completed means
  // the checklist closed with the customer moving to RETAINED; the median
  // of an even count is the mean of the middle two. A customer counts as
  // activated if any follow-up of that onboarding said YES, as answered if
  // one said YES or NO, as needing help (of a kind) if one did.
  domain::OnboardingMetrics Compute(const std::string& tenant_id,
                                    const std::optional<std::string>& segment_id,
                                    domain::Timestamp start, domain::Timestamp end);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
