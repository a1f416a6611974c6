#pragma once

// Segments for tests that are about something else: a move may only assign
// an existing, active segment, so tests that name segments freely create
// them on first use, with a rule nobody matches (so no customer is placed
// in them by segmentation behind the test's back).

#include <string>

#include "server/domain/segment.h"
#include "storage/segment_store.h"
#include "storage/session.h"

namespace lifecycle::testing {

inline domain::Segment SegmentNobodyMatches(const std::string& segment_id) {
  domain::Segment segment{.segment_id = segment_id, .display_name = segment_id};
  segment.rule = domain::RuleNode{.condition = {.field = "attributes.never_set_by_tests",
                                                .op = domain::RuleOp::kExists,
                                                .values = {}}};
  return segment;
}

inline void EnsureSegment(storage::Session& session, const std::string& tenant_id,
                          const std::string& segment_id) {
  if (segment_id.empty()) return;
  session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    storage::SegmentStore segments(tx);
    if (!segments.Get(tenant_id, segment_id)) {
      segments.Create(tenant_id, SegmentNobodyMatches(segment_id));
    }
  });
}

}  // namespace lifecycle::testing
