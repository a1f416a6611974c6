#include "server/api/converters.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>

namespace lifecycle::api {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToProto(domain::Timestamp time) {
  return TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count());
}

domain::Timestamp FromProto(const google::protobuf::Timestamp& time) {
  return domain::Timestamp{std::chrono::duration_cast<domain::Timestamp::duration>(
      std::chrono::microseconds{TimeUtil::TimestampToMicroseconds(time)})};
}

bool IsValidTimestamp(const google::protobuf::Timestamp& time) {
  // system_clock counts nanoseconds in 64 bits: about 1678 to 2262. Beyond
  // that a conversion would wrap around, so such times are refused.
  constexpr std::int64_t kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(domain::Timestamp::duration::max()).count() -
      1;
  return time.seconds() >= -kMaxSeconds && time.seconds() <= kMaxSeconds && time.nanos() >= 0 &&
         time.nanos() <= 999'999'999;
}

v1::Stage ToProto(domain::Stage stage) { return static_cast<v1::Stage>(stage); }
v1::Role ToProto(domain::Role role) { return static_cast<v1::Role>(role); }

v1::Customer ToProto(const domain::Customer& customer) {
  v1::Customer out;
  out.set_customer_id(customer.customer_id);
  // Stored JSONB always parses; a failure would leave attributes empty.
  (void)google::protobuf::util::JsonStringToMessage(customer.attributes_json,
                                                    out.mutable_attributes());
  out.set_stage(ToProto(customer.stage));
  out.set_segment_id(customer.segment_id);
  out.set_version(customer.version);
  *out.mutable_create_time() = ToProto(customer.create_time);
  *out.mutable_update_time() = ToProto(customer.update_time);
  *out.mutable_stage_enter_time() = ToProto(customer.stage_enter_time);
  if (customer.erasure) *out.mutable_erasure() = ToProto(*customer.erasure);
  return out;
}

v1::CustomerErasure ToProto(const domain::CustomerErasure& erasure) {
  v1::CustomerErasure out;
  *out.mutable_erase_time() = ToProto(erasure.erase_time);
  out.set_erased_by(erasure.erased_by);
  return out;
}

v1::Tenant ToProto(const domain::Tenant& tenant) {
  v1::Tenant out;
  out.set_tenant_id(tenant.tenant_id);
  out.set_name(tenant.name);
  *out.mutable_create_time() = ToProto(tenant.create_time);
  return out;
}

v1::ApiKey ToProto(const domain::ApiKey& key) {
  v1::ApiKey out;
  out.set_key_id(key.key_id);
  out.set_display_name(key.display_name);
  out.set_role(ToProto(key.role));
  *out.mutable_create_time() = ToProto(key.create_time);
  if (key.expire_time) *out.mutable_expire_time() = ToProto(*key.expire_time);
  if (key.revoke_time) *out.mutable_revoke_time() = ToProto(*key.revoke_time);
  if (key.last_use_time) *out.mutable_last_use_time() = ToProto(*key.last_use_time);
  return out;
}

v1::Trigger ToProto(domain::Trigger trigger) { return static_cast<v1::Trigger>(trigger); }

google::protobuf::Duration ToProtoDuration(std::chrono::system_clock::duration duration) {
  return TimeUtil::MicrosecondsToDuration(
      std::chrono::duration_cast<std::chrono::microseconds>(duration).count());
}

v1::CustomerStage ToProto(const domain::StageSnapshot& stage, domain::Timestamp now) {
  v1::CustomerStage out;
  out.set_customer_id(stage.customer_id);
  out.set_stage(ToProto(stage.stage));
  out.set_segment_id(stage.segment_id);
  out.set_version(stage.version);
  *out.mutable_stage_enter_time() = ToProto(stage.stage_enter_time);
  *out.mutable_time_in_stage() =
      ToProtoDuration(std::max(now - stage.stage_enter_time, domain::Timestamp::duration{0}));
  return out;
}

v1::StageTransition ToProto(const domain::StageTransition& transition) {
  v1::StageTransition out;
  out.set_sequence(transition.sequence);
  out.set_customer_id(transition.customer_id);
  out.set_from_stage(ToProto(transition.from));
  out.set_to_stage(ToProto(transition.to));
  out.set_trigger(ToProto(transition.trigger));
  out.set_actor(transition.actor);
  out.set_reason(transition.reason);
  out.set_override_reason(transition.override_reason);
  out.set_request_id(transition.request_id);
  out.set_segment_id(transition.segment_id);
  out.set_previous_segment_id(transition.previous_segment_id);
  out.set_segment_version(transition.segment_version);
  *out.mutable_occur_time() = ToProto(transition.occur_time);
  *out.mutable_time_in_previous_stage() =
      ToProtoDuration(transition.occur_time - transition.from_enter_time);
  return out;
}

}  // namespace lifecycle::api
