#include "server/domain/stage.h"

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
  for (Stage stage : kAllStages) {
    if (StageName(stage) == name) return stage;
  }
  return std::nullopt;
}

std::optional<Stage> StageFromNumber(int number) {
  for (Stage stage : kAllStages) {
    if (static_cast<int>(stage) == number) return stage;
  }
  return std::nullopt;
}

}  // namespace lifecycle::domain
