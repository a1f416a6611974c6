#pragma once

#include <optional>
#include <string_view>

namespace lifecycle::domain {

// Where a health score falls against the tenant's thresholds, best first.
// Values match lifecycle.v1.HealthBand; the name is what PostgreSQL stores
// and what segment rules compare (`health_band eq "AT_RISK"`).
enum class HealthBand {
  kHealthy = 1,
  kNeutral = 2,
  kAtRisk = 3,
  kCritical = 4,
};

inline constexpr HealthBand kAllHealthBands[] = {HealthBand::kHealthy, HealthBand::kNeutral,
                                                 HealthBand::kAtRisk, HealthBand::kCritical};

std::string_view HealthBandName(HealthBand band);  // "AT_RISK"
std::optional<HealthBand> HealthBandFromName(std::string_view name);
std::optional<HealthBand> HealthBandFromNumber(int number);

}  // namespace lifecycle::domain
