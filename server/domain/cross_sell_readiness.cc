#include "server/domain/cross_sell_readiness.h"

#include <chrono>

namespace lifecycle::domain {
namespace {

std::string Days(std::chrono::seconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::days>(duration).count()) + " days";
}

bool Offerable(Stage stage) { return stage == Stage::kRetained || stage == Stage::kExtended; }

bool Unhealthy(HealthBand band) {
  return band == HealthBand::kAtRisk || band == HealthBand::kCritical;
}

}  // namespace

ReadinessDecision DecideReadiness(const ReadinessFacts& facts, const CrossSellPolicy& policy,
                                  Timestamp now) {
  ReadinessDecision decision;
  auto block = [&](ReadinessBlocker blocker, std::string description) {
    decision.issues.push_back({blocker, std::move(description)});
  };
  const std::string stage(StageName(facts.stage));

  if (!Offerable(facts.stage)) {
    block(ReadinessBlocker::kStage, "stage is " + stage + "; offers need RETAINED or EXTENDED");
  } else {
    decision.reasons.push_back("stage is " + stage);
  }
  if (facts.band && Unhealthy(*facts.band)) {
    block(ReadinessBlocker::kHealth, "health band is " + std::string(HealthBandName(*facts.band)));
  } else if (facts.band) {
    decision.reasons.push_back("health band is " + std::string(HealthBandName(*facts.band)));
  }
  if (facts.open_offer_id) {
    block(ReadinessBlocker::kOpenOffer,
          "offer " + std::to_string(*facts.open_offer_id) + " is still open");
  }
  if (facts.last_decline_time && now < *facts.last_decline_time + policy.cool_down) {
    block(ReadinessBlocker::kCoolDown,
          "an offer was declined less than " + Days(policy.cool_down) + " ago");
  }
  const bool blocked = !decision.issues.empty();

  const std::string purchases = std::to_string(facts.recent_purchases) + " purchases in the last " +
                                Days(policy.repeat_window);
  if (facts.recent_purchases < policy.min_repeat_purchases) {
    block(ReadinessBlocker::kFewRepeatPurchases,
          purchases + "; the policy asks for " + std::to_string(policy.min_repeat_purchases));
  } else {
    decision.reasons.push_back(purchases);
  }
  if (facts.candidate_count == 0) {
    block(ReadinessBlocker::kNoCandidate, "no adoption rule or ladder step suggests a product");
  } else {
    decision.reasons.push_back(std::to_string(facts.candidate_count) +
                               (facts.candidate_count == 1 ? " product" : " products") +
                               " to offer");
  }

  if (blocked) {
    decision.readiness = Readiness::kBlocked;
  } else if (!decision.issues.empty()) {
    decision.readiness = Readiness::kNotYet;
  } else {
    decision.readiness = Readiness::kReady;
  }
  return decision;
}

}  // namespace lifecycle::domain
