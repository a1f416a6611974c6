#pragma once

// Domain <-> wire conversions for values shared by several services.

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "lifecycle/v1/admin.pb.h"
#include "lifecycle/v1/customer.pb.h"
#include "lifecycle/v1/lifecycle.pb.h"
#include "server/domain/customer.h"
#include "server/domain/stage_transition.h"
#include "server/domain/tenant.h"

namespace lifecycle::api {

google::protobuf::Timestamp ToProto(domain::Timestamp time);
domain::Timestamp FromProto(const google::protobuf::Timestamp& time);
// Nanos in range and the time representable by domain::Timestamp (years
// 1678 to 2262, well inside what google.protobuf.Timestamp allows).
bool IsValidTimestamp(const google::protobuf::Timestamp& time);

v1::Stage ToProto(domain::Stage stage);
v1::Role ToProto(domain::Role role);

// attributes_json is stored JSONB text, always an object.
v1::Customer ToProto(const domain::Customer& customer);
v1::CustomerErasure ToProto(const domain::CustomerErasure& erasure);
v1::Tenant ToProto(const domain::Tenant& tenant);
v1::ApiKey ToProto(const domain::ApiKey& key);
v1::Trigger ToProto(domain::Trigger trigger);
google::protobuf::Duration ToProtoDuration(std::chrono::system_clock::duration duration);
// time_in_stage is measured up to `now`.
v1::CustomerStage ToProto(const domain::StageSnapshot& stage, domain::Timestamp now);
v1::StageTransition ToProto(const domain::StageTransition& transition);

}  // namespace lifecycle::api
