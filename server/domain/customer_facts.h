#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/health_band.h"
#include "server/domain/signal_kind.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// One customer as segment rules see it: a row of the customer_facts view
// (storage/migrations/0003_customer_facts.sql). Unknown facts are empty.
struct CustomerFacts {
  std::string customer_id;
  nlohmann::json attributes = nlohmann::json::object();
  Stage stage = Stage::kNew;
  std::string segment_id;  // current membership; rules cannot read it
  Timestamp created_at;
  std::optional<double> health_score;
  std::optional<HealthBand> health_band;
  std::optional<Timestamp> last_purchase_at;
  std::optional<Timestamp> last_activity_at;
  std::map<SignalKind, std::int64_t> signal_counts;  // absent kinds count 0
  std::vector<std::string> products_held;
};

}  // namespace lifecycle::domain
