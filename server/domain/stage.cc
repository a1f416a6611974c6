#include "server/domain/stage.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kNew:
      return "NEW";
    case Stage::kSegmented:
      return "SEGMENTED";
    case Stage::kOnboarding:
      return "ONBOARDING";
    case Stage::kRetained:
      return "RETAINED";
    case Stage::kExtended:
      return "EXTENDED";
    case Stage::kLapsed:
      return "LAPSED";
  }
  return "UNKNOWN";
}

std::optional<Stage> StageFromName(std::string_view name) {
  return EnumFromName(kAllStages, StageName, name);
}

std::optional<Stage> StageFromNumber(int number) { return EnumFromNumber(kAllStages, number); }

}  // namespace lifecycle::domain
