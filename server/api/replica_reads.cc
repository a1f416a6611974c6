#include "server/api/replica_reads.h"

#include <algorithm>
#include <array>
#include <string>

#include "server/domain/error.h"

namespace lifecycle::api {
namespace {

// A listed handler may be run twice: when the replica goes away during the
// call it runs again on the primary. So each does its reads in one
// session().Run and fills repeated response fields only after it returns.
// GetHealth and ListSegments fill them inside the transaction: primary.
constexpr std::array<std::string_view, 19> kReplicaReads = {
    "/lifecycle.v1.CustomerService/GetCustomer",
    "/lifecycle.v1.CustomerService/ListCustomers",
    "/lifecycle.v1.LifecycleService/GetCustomerStage",
    "/lifecycle.v1.LifecycleService/BatchGetCustomerStages",
    "/lifecycle.v1.LifecycleService/ListStageHistory",
    "/lifecycle.v1.OnboardingService/GetChecklist",
    "/lifecycle.v1.OnboardingService/ListFollowUps",
    "/lifecycle.v1.OnboardingService/ListOverdueSteps",
    "/lifecycle.v1.OnboardingService/GetOnboardingMetrics",
    "/lifecycle.v1.RetentionService/ListAtRiskCustomers",
    "/lifecycle.v1.RetentionService/GetRetentionMetrics",
    "/lifecycle.v1.SegmentService/PreviewSegment",
    "/lifecycle.v1.CrossSellService/ListAdoptionRules",
    "/lifecycle.v1.CrossSellService/GetCrossSellReadiness",
    "/lifecycle.v1.CrossSellService/ListReadyCustomers",
    "/lifecycle.v1.CrossSellService/ListOffers",
    "/lifecycle.v1.CrossSellService/GetCrossSellMetrics",
    "/lifecycle.v1.CrossSellService/ListProducts",
    "/lifecycle.v1.CrossSellService/ListHoldings",
};

}  // namespace

std::span<const std::string_view> ReplicaReadMethods() { return kReplicaReads; }

bool ReadsFromReplica(std::string_view method) {
  return std::find(kReplicaReads.begin(), kReplicaReads.end(), method) != kReplicaReads.end();
}

Consistency RequestedConsistency(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto found =
      metadata.find(grpc::string_ref(kConsistencyMetadata.data(), kConsistencyMetadata.size()));
  if (found == metadata.end()) return Consistency::kBounded;
  const std::string_view value(found->second.data(), found->second.size());
  if (value == "primary") return Consistency::kPrimary;
  if (value == "bounded") return Consistency::kBounded;
  throw domain::Error::InvalidArgument(
      std::string(kConsistencyMetadata),
      "must be 'primary' or 'bounded', not '" + std::string(value) + "'");
}

}  // namespace lifecycle::api
