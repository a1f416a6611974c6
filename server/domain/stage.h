#pragma once

#include <optional>
#include <string_view>

namespace lifecycle::domain {

// Lifecycle stages. Values match lifecycle.v1.Stage so the api layer can
// convert with a range check instead of a switch.
enum class Stage {
  kNew = 1,
  kSegmented = 2,
  kOnboarding = 3,
  kRetained = 4,
  kExtended = 5,
  kLapsed = 6,
};

inline constexpr Stage kAllStages[] = {Stage::kNew,      Stage::kSegmented, Stage::kOnboarding,
                                       Stage::kRetained, Stage::kExtended,  Stage::kLapsed};

// Stable upper-case name, as stored in PostgreSQL ("ONBOARDING").
std::string_view StageName(Stage stage);
std::optional<Stage> StageFromName(std::string_view name);
std::optional<Stage> StageFromNumber(int number);

}  // namespace lifecycle::domain
