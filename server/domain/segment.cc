#include "server/domain/segment.h"

#include <algorithm>
#include <tuple>

#include "server/domain/enum_names.h"
#include "server/domain/segment_rule_eval.h"

namespace lifecycle::domain {
namespace {

constexpr SegmentState kAllSegmentStates[] = {SegmentState::kActive, SegmentState::kRetired};

}  // namespace

std::string_view SegmentBasisName(SegmentBasis basis) {
  switch (basis) {
    case SegmentBasis::kDemographic:
      return "DEMOGRAPHIC";
    case SegmentBasis::kGeographic:
      return "GEOGRAPHIC";
    case SegmentBasis::kPsychographic:
      return "PSYCHOGRAPHIC";
    case SegmentBasis::kTechnographic:
      return "TECHNOGRAPHIC";
    case SegmentBasis::kBehavioural:
      return "BEHAVIOURAL";
    case SegmentBasis::kNeedsBased:
      return "NEEDS_BASED";
    case SegmentBasis::kValueBased:
      return "VALUE_BASED";
  }
  return "UNKNOWN";
}

std::optional<SegmentBasis> SegmentBasisFromName(std::string_view name) {
  return EnumFromName(kAllSegmentBases, SegmentBasisName, name);
}

std::optional<SegmentBasis> SegmentBasisFromNumber(int number) {
  return EnumFromNumber(kAllSegmentBases, number);
}

std::string_view SegmentationStrategyName(SegmentationStrategy strategy) {
  switch (strategy) {
    case SegmentationStrategy::kConcentrated:
      return "CONCENTRATED";
    case SegmentationStrategy::kDifferentiated:
      return "DIFFERENTIATED";
    case SegmentationStrategy::kHyper:
      return "HYPER";
  }
  return "UNKNOWN";
}

std::optional<SegmentationStrategy> SegmentationStrategyFromName(std::string_view name) {
  return EnumFromName(kAllSegmentationStrategies, SegmentationStrategyName, name);
}

std::optional<SegmentationStrategy> SegmentationStrategyFromNumber(int number) {
  return EnumFromNumber(kAllSegmentationStrategies, number);
}

std::string_view SegmentStateName(SegmentState state) {
  switch (state) {
    case SegmentState::kActive:
      return "ACTIVE";
    case SegmentState::kRetired:
      return "RETIRED";
  }
  return "UNKNOWN";
}

std::optional<SegmentState> SegmentStateFromName(std::string_view name) {
  return EnumFromName(kAllSegmentStates, SegmentStateName, name);
}

void SortForAssignment(std::vector<SegmentRuleRef>& segments) {
  // A total order (ids are unique among active segments), so every process
  // and the SQL compiler break ties identically.
  const auto key = [](const SegmentRuleRef& segment) {
    return std::tuple(segment.is_default, -static_cast<std::int64_t>(segment.priority),
                      std::string_view(segment.segment_id));
  };
  std::sort(segments.begin(), segments.end(),
            [&](const SegmentRuleRef& a, const SegmentRuleRef& b) { return key(a) < key(b); });
}

const SegmentRuleRef* AssignSegment(std::span<const SegmentRuleRef> ordered,
                                    const CustomerFacts& facts, Timestamp now) {
  // The default is only the fallback, wherever it sits in `ordered`.
  const SegmentRuleRef* fallback = nullptr;
  for (const auto& segment : ordered) {
    if (segment.is_default) {
      if (fallback == nullptr) fallback = &segment;
    } else if (segment.rule && Matches(*segment.rule, facts, now)) {
      return &segment;
    }
  }
  return fallback;
}

Error SegmentRetiredError(const std::string& segment_id) {
  return Error::FailedPrecondition("SEGMENT_RETIRED",
                                   "segment '" + segment_id + "' is retired and takes no customers",
                                   {{"segment_id", segment_id}});
}

}  // namespace lifecycle::domain
