#include "server/domain/resegment_job.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {
namespace {
constexpr JobState kAllJobStates[] = {JobState::kRunning, JobState::kSucceeded, JobState::kFailed};
}  // namespace

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kRunning:
      return "RUNNING";
    case JobState::kSucceeded:
      return "SUCCEEDED";
    case JobState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<JobState> JobStateFromName(std::string_view name) {
  return EnumFromName(kAllJobStates, JobStateName, name);
}

}  // namespace lifecycle::domain
