#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/cross_sell_policy.h"
#include "server/domain/customer.h"
#include "server/domain/health_band.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// Values match lifecycle.v1.Readiness.
enum class Readiness { kReady = 1, kNotYet = 2, kBlocked = 3 };

// Values match lifecycle.v1.ReadinessBlocker. The first four block an offer
// (BLOCKED); the last two only say it is too early (NOT_YET).
enum class ReadinessBlocker {
  kStage = 1,
  kHealth = 2,
  kOpenOffer = 3,
  kCoolDown = 4,
  kFewRepeatPurchases = 5,
  kNoCandidate = 6,
};

struct ReadinessIssue {
  ReadinessBlocker blocker;
  std::string description;
};

// What readiness looks at, read in one snapshot.
struct ReadinessFacts {
  Stage stage = Stage::kNew;
  std::optional<HealthBand> band;  // none: no signals yet
  int recent_purchases = 0;        // within the policy's repeat window
  std::optional<std::int64_t> open_offer_id;
  std::optional<Timestamp> last_decline_time;
  int candidate_count = 0;  // next products ranking found
};

struct ReadinessDecision {
  Readiness readiness = Readiness::kNotYet;
  std::vector<ReadinessIssue> issues;  // blocking ones first
  std::vector<std::string> reasons;    // what is in favour
};

// The one place that decides whether a customer should get an offer now.
ReadinessDecision DecideReadiness(const ReadinessFacts& facts, const CrossSellPolicy& policy,
                                  Timestamp now);

}  // namespace lifecycle::domain
