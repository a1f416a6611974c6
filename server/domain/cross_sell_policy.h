#pragma once

#include <chrono>
#include <cstdint>

#include "server/domain/adoption_rules.h"

namespace lifecycle::domain {

// The tenant's cross-sell policy (the defaults until changed).
struct CrossSellPolicy {
  // Purchases a customer needs within repeat_window to be READY: behaviour
  // (repeat purchases), not a calendar, says when to offer.
  int min_repeat_purchases = 2;
  std::chrono::seconds repeat_window = std::chrono::days(90);
  // No new offer this long after a declined one.
  std::chrono::seconds cool_down = std::chrono::days(30);
  MiningThresholds mining;
  std::int64_t version = 0;  // 0: the defaults
};

inline constexpr int kMaxRepeatPurchases = 1000;
inline constexpr std::chrono::seconds kMaxPolicyWindow = std::chrono::days(3650);

}  // namespace lifecycle::domain
