#pragma once

#include <grpcpp/grpcpp.h>

#include <span>
#include <string_view>

namespace lifecycle::api {

// The one list of RPCs that may read on the read replica (--read-dsn):
// plain reads whose callers accept data up to --read-max-lag-ms old. Every
// other RPC (all writes, idempotent replays, API key administration,
// settings and policies that are read back right after an update,
// re-segmentation job progress, event streams) runs on the primary, and so
// does authentication.
std::span<const std::string_view> ReplicaReadMethods();
bool ReadsFromReplica(std::string_view method);

// A caller may insist on the primary for one call (read-your-write) with
// gRPC metadata `x-lifecycle-consistency: primary`; `bounded` (or no
// metadata) lets replica-safe reads use the replica. Any other value is
// INVALID_ARGUMENT.
inline constexpr std::string_view kConsistencyMetadata = "x-lifecycle-consistency";
enum class Consistency { kBounded, kPrimary };
Consistency RequestedConsistency(const grpc::CallbackServerContext& context);

}  // namespace lifecycle::api
