#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/segment_rule.h"

namespace lifecycle::domain {

enum class JobState { kRunning = 1, kSucceeded = 2, kFailed = 3 };
std::string_view JobStateName(JobState state);
std::optional<JobState> JobStateFromName(std::string_view name);

// One cell of a re-segmentation's before -> after matrix.
struct SegmentMove {
  std::string from_segment_id;  // "" for none
  std::string to_segment_id;
  std::int64_t customers = 0;
};

// Which customers a re-segmentation looks at; unset parts take everyone.
struct ResegmentScope {
  std::optional<RuleNode> filter;
  std::optional<std::vector<std::string>> segment_ids;  // current membership; "" = none
};

// A re-segmentation: the rules it applies are fixed when it starts.
struct ResegmentJob {
  std::string job_id;
  JobState state = JobState::kRunning;
  std::vector<std::pair<std::string, std::int64_t>> segment_versions;
  ResegmentScope scope;
  std::int64_t total = 0;
  std::int64_t processed = 0;
  std::int64_t changed = 0;
  std::vector<SegmentMove> moves;
  std::string error;
  Timestamp create_time;
  std::optional<Timestamp> finish_time;
};

}  // namespace lifecycle::domain
