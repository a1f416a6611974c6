#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/segment.h"

namespace lifecycle::storage {

class Transaction;

struct SegmentSettings {
  domain::SegmentationStrategy strategy = domain::SegmentationStrategy::kDifferentiated;
  std::optional<domain::Timestamp> update_time;  // unset: never configured
};

// Where a segment list page starts: after this (is_default, priority, id).
struct SegmentListPosition {
  bool is_default = false;
  std::int32_t priority = 0;
  std::string segment_id;
};

// SQL for segments, their versions and the tenant's segmentation settings.
class SegmentStore {
 public:
  explicit SegmentStore(Transaction& tx) : tx_(tx) {}

  // Version 1. ALREADY_EXISTS for a taken id; FAILED_PRECONDITION
  // (DEFAULT_SEGMENT_EXISTS) for a second active default.
  domain::Segment Create(const std::string& tenant_id, const domain::Segment& segment);
  // The current version, or `version`.
  std::optional<domain::Segment> Get(const std::string& tenant_id, const std::string& segment_id,
                                     std::optional<std::int64_t> version = std::nullopt);
  // Writes `segment` (all content fields) as the next version. NOT_FOUND,
  // ABORTED (VERSION_MISMATCH), FAILED_PRECONDITION (SEGMENT_RETIRED).
  domain::Segment AddVersion(const std::string& tenant_id, const domain::Segment& segment,
                             std::optional<std::int64_t> expected_version);
  // NOT_FOUND, ABORTED (VERSION_MISMATCH), FAILED_PRECONDITION (SEGMENT_RETIRED).
  domain::Segment Retire(const std::string& tenant_id, const std::string& segment_id,
                         std::optional<std::int64_t> expected_version);
  // Current versions in decision order (default last), after `after`.
  std::vector<domain::Segment> List(const std::string& tenant_id, bool include_retired,
                                    const std::optional<SegmentListPosition>& after, int limit);

  // The active segments' current rules, in decision order.
  std::vector<domain::SegmentRuleRef> ActiveRules(const std::string& tenant_id);
  // Exact versions (for a job that fixed them when it started).
  std::vector<domain::SegmentRuleRef> RulesAt(
      const std::string& tenant_id,
      const std::vector<std::pair<std::string, std::int64_t>>& versions);

  // Current members of each segment id (absent: none).
  std::map<std::string, std::int64_t> MemberCounts(const std::string& tenant_id,
                                                   const std::vector<std::string>& segment_ids);

  SegmentSettings GetSettings(const std::string& tenant_id);
  SegmentSettings PutSettings(const std::string& tenant_id, domain::SegmentationStrategy strategy);

 private:
  domain::Segment LockCurrent(const std::string& tenant_id, const std::string& segment_id,
                              std::optional<std::int64_t> expected_version);

  Transaction& tx_;
};

}  // namespace lifecycle::storage
