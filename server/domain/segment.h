#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/customer_facts.h"
#include "server/domain/segment_rule.h"

namespace lifecycle::domain {

// Which kind of customer knowledge a segment is cut on (seeds/000).
// Values match lifecycle.v1.SegmentBasis.
enum class SegmentBasis {
  kDemographic = 1,
  kGeographic = 2,
  kPsychographic = 3,
  kTechnographic = 4,
  kBehavioural = 5,
  kNeedsBased = 6,
  kValueBased = 7,
};
inline constexpr SegmentBasis kAllSegmentBases[] = {
    SegmentBasis::kDemographic,   SegmentBasis::kGeographic,  SegmentBasis::kPsychographic,
    SegmentBasis::kTechnographic, SegmentBasis::kBehavioural, SegmentBasis::kNeedsBased,
    SegmentBasis::kValueBased};
std::string_view SegmentBasisName(SegmentBasis basis);
std::optional<SegmentBasis> SegmentBasisFromName(std::string_view name);
std::optional<SegmentBasis> SegmentBasisFromNumber(int number);

// How the tenant targets its segments (one for the whole tenant).
// Values match lifecycle.v1.SegmentationStrategy.
enum class SegmentationStrategy {
  kConcentrated = 1,    // one segment served in depth
  kDifferentiated = 2,  // several segments, each its own offer
  kHyper = 3,           // many narrow segments, close to one-to-one
};
inline constexpr SegmentationStrategy kAllSegmentationStrategies[] = {
    SegmentationStrategy::kConcentrated, SegmentationStrategy::kDifferentiated,
    SegmentationStrategy::kHyper};
std::string_view SegmentationStrategyName(SegmentationStrategy strategy);
std::optional<SegmentationStrategy> SegmentationStrategyFromName(std::string_view name);
std::optional<SegmentationStrategy> SegmentationStrategyFromNumber(int number);

enum class SegmentState { kActive = 1, kRetired = 2 };
std::string_view SegmentStateName(SegmentState state);
std::optional<SegmentState> SegmentStateFromName(std::string_view name);

inline constexpr std::size_t kMaxSegmentTextLength = 2000;  // description, story, goal

// One version of a segment. Editing creates a new version; old ones stay.
struct Segment {
  std::string segment_id;
  std::int64_t version = 1;
  std::string display_name;
  std::string description;
  SegmentBasis basis = SegmentBasis::kDemographic;
  std::string story;          // who these customers are, in the business's words
  std::string goal;           // what the business wants for them
  std::int32_t priority = 0;  // higher wins when several rules match
  // The tenant's catch-all: matches everyone no other segment takes. It has
  // no rule; at most one active segment is the default.
  bool is_default = false;
  std::optional<RuleNode> rule;  // unset only for the default segment
  SegmentState state = SegmentState::kActive;
  Timestamp create_time;  // of the segment (version 1)
  Timestamp update_time;  // of this version
  std::optional<Timestamp> retire_time;
};

// FAILED_PRECONDITION SEGMENT_RETIRED: a retired segment takes no edits and
// no customers.
Error SegmentRetiredError(const std::string& segment_id);

// The rules membership is decided by: active segments, in decision order
// (see SortForAssignment).
struct SegmentRuleRef {
  std::string segment_id;
  std::int64_t version = 1;
  std::int32_t priority = 0;
  bool is_default = false;
  std::optional<RuleNode> rule;
};

// Decision order: rule segments by priority (highest first), then id
// (ascending), so ties are decided the same way everywhere; the default last.
void SortForAssignment(std::vector<SegmentRuleRef>& segments);

// The segment a customer belongs to: the first (in decision order) whose rule
// matches, else the default, else none (nullptr).
const SegmentRuleRef* AssignSegment(std::span<const SegmentRuleRef> ordered,
                                    const CustomerFacts& facts, Timestamp now);

}  // namespace lifecycle::domain
