#include "server/domain/health_band.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {

std::string_view HealthBandName(HealthBand band) {
  switch (band) {
    case HealthBand::kHealthy:
      return "HEALTHY";
    case HealthBand::kNeutral:
      return "NEUTRAL";
    case HealthBand::kAtRisk:
      return "AT_RISK";
    case HealthBand::kCritical:
      return "CRITICAL";
  }
  return "UNKNOWN";
}

std::optional<HealthBand> HealthBandFromName(std::string_view name) {
  return EnumFromName(kAllHealthBands, HealthBandName, name);
}

std::optional<HealthBand> HealthBandFromNumber(int number) {
  return EnumFromNumber(kAllHealthBands, number);
}

}  // namespace lifecycle::domain
