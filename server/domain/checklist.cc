#include "server/domain/checklist.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {
namespace {

constexpr EnumName<StepKind> kStepKinds[] = {
    {StepKind::kAcknowledge, "ACKNOWLEDGE"},
    {StepKind::kEducate, "EDUCATE"},
    {StepKind::kOfferSupport, "OFFER_SUPPORT"},
    {StepKind::kShareNews, "SHARE_NEWS"},
    {StepKind::kRewardRepeatPurchase, "REWARD_REPEAT_PURCHASE"},
    {StepKind::kActivationCheck, "ACTIVATION_CHECK"},
    {StepKind::kCustom, "CUSTOM"},
};

constexpr EnumName<Channel> kChannels[] = {
    {Channel::kEmail, "EMAIL"},   {Channel::kSms, "SMS"},     {Channel::kPush, "PUSH"},
    {Channel::kInApp, "IN_APP"},  {Channel::kPhone, "PHONE"}, {Channel::kInPerson, "IN_PERSON"},
    {Channel::kChat, "CHAT"},     {Channel::kVideo, "VIDEO"}, {Channel::kPost, "POST"},
    {Channel::kSocial, "SOCIAL"},
};

constexpr EnumName<StepStatus> kStepStatuses[] = {
    {StepStatus::kPending, "PENDING"},
    {StepStatus::kDone, "DONE"},
    {StepStatus::kSkipped, "SKIPPED"},
};

}  // namespace

std::string_view StepKindName(StepKind kind) { return NamedValue(kStepKinds, kind); }
std::optional<StepKind> StepKindFromName(std::string_view name) {
  return ValueNamed(kStepKinds, name);
}
std::optional<StepKind> StepKindFromNumber(int number) { return ValueNumbered(kStepKinds, number); }

std::string_view ChannelName(Channel channel) { return NamedValue(kChannels, channel); }
std::optional<Channel> ChannelFromName(std::string_view name) {
  return ValueNamed(kChannels, name);
}
std::optional<Channel> ChannelFromNumber(int number) { return ValueNumbered(kChannels, number); }

std::string_view StepStatusName(StepStatus status) { return NamedValue(kStepStatuses, status); }
std::optional<StepStatus> StepStatusFromName(std::string_view name) {
  return ValueNamed(kStepStatuses, name);
}

}  // namespace lifecycle::domain
