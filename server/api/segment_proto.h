#pragma once

// SegmentService wire <-> domain conversions.

#include <string>

#include "lifecycle/v1/segment.pb.h"
#include "server/domain/error.h"
#include "server/domain/resegment_job.h"
#include "server/domain/segment.h"
#include "storage/resegment_store.h"
#include "storage/segment_store.h"

namespace lifecycle::api {

// Converts the tree, adding a violation under `path` for every node or value
// left unset, unknown operator or bad timestamp. The rule's meaning (fields,
// types, limits) is checked afterwards by domain::ValidateRule.
domain::RuleNode RuleFromProto(const v1::Rule& rule, const std::string& path,
                               domain::Violations& violations);
v1::Rule ToProto(const domain::RuleNode& rule);

v1::Segment ToProto(const domain::Segment& segment, std::int64_t member_count);
v1::SegmentationSettings ToProto(const storage::SegmentSettings& settings);
v1::ResegmentJob ToProto(const domain::ResegmentJob& job);
v1::PreviewSegmentResponse ToProto(const storage::SegmentPreview& preview);

}  // namespace lifecycle::api
