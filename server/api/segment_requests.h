#pragma once

// Validation of SegmentService requests. Each function throws
// INVALID_ARGUMENT naming every bad field (rules: the path of the bad node).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lifecycle/v1/segment.pb.h"
#include "server/domain/resegment_job.h"
#include "server/domain/segment.h"
#include "storage/segment_store.h"

namespace lifecycle::api {

inline constexpr int kMaxPreviewSample = 100;
inline constexpr int kDefaultPreviewSample = 10;
inline constexpr int kMaxScopeSegments = 1000;

struct SegmentUpdate {
  domain::Segment patch;       // segment_id and the masked fields
  std::set<std::string> mask;  // paths to take from patch
  std::optional<std::int64_t> expected_version;
};

struct SegmentQuery {
  std::string segment_id;
  std::optional<std::int64_t> version;
};

struct SegmentListQuery {
  bool include_retired = false;
  int page_size = 0;
  std::optional<storage::SegmentListPosition> after;
  std::string query_digest;
};

struct RetireSegmentCommand {
  std::string segment_id;
  std::optional<std::int64_t> expected_version;
};

struct PreviewQuery {
  domain::SegmentRuleRef candidate;
  int sample_size = kDefaultPreviewSample;
};

domain::Segment ValidateCreateSegment(const v1::CreateSegmentRequest& request);
SegmentQuery ValidateGetSegment(const v1::GetSegmentRequest& request);
SegmentUpdate ValidateUpdateSegment(const v1::UpdateSegmentRequest& request);
// The current version with the update applied; INVALID_ARGUMENT if the
// result breaks a rule of segments (a default segment with a rule).
domain::Segment ApplySegmentUpdate(const domain::Segment& current, const SegmentUpdate& update);
SegmentListQuery ValidateListSegments(const v1::ListSegmentsRequest& request);
RetireSegmentCommand ValidateRetireSegment(const v1::RetireSegmentRequest& request);
PreviewQuery ValidatePreviewSegment(const v1::PreviewSegmentRequest& request);
domain::ResegmentScope ValidateResegmentCustomers(const v1::ResegmentCustomersRequest& request);
std::string ValidateGetResegmentJob(const v1::GetResegmentJobRequest& request);
domain::SegmentationStrategy ValidateUpdateSegmentationSettings(
    const v1::UpdateSegmentationSettingsRequest& request);

}  // namespace lifecycle::api
