#include "server/api/segment_placement.h"

#include <chrono>

#include "server/domain/segment.h"
#include "storage/customer_facts_store.h"
#include "storage/segment_store.h"

namespace lifecycle::api {

std::optional<storage::TransitionOutcome> PlaceCustomer(storage::Transaction& tx,
                                                        const std::string& tenant_id,
                                                        const std::string& customer_id,
                                                        const std::string& request_id) {
  const std::vector<domain::SegmentRuleRef> rules =
      storage::SegmentStore(tx).ActiveRules(tenant_id);
  const std::optional<domain::CustomerFacts> facts =
      storage::CustomerFactsStore(tx).Load(tenant_id, customer_id);
  if (!facts) return std::nullopt;
  const domain::SegmentRuleRef* segment =
      domain::AssignSegment(rules, *facts, std::chrono::system_clock::now());
  domain::SegmentPlacement placement;
  if (segment) placement = {segment->segment_id, segment->version};
  return storage::LifecycleStore(tx).PlaceInSegment(tenant_id, customer_id, placement, request_id);
}

}  // namespace lifecycle::api
