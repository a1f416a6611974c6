#pragma once

// Onboarding checklists: the segment's template (versioned) and the copy a
// customer works through. The rules about them live in checklist_rules.h.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// What a step does for the new customer (seeds/000). Values match
// lifecycle.v1.StepKind.
enum class StepKind {
  kAcknowledge = 1,
  kEducate = 2,
  kOfferSupport = 3,
  kShareNews = 4,
  kRewardRepeatPurchase = 5,
  kActivationCheck = 6,
  kCustom = 7,
};
std::string_view StepKindName(StepKind kind);
std::optional<StepKind> StepKindFromName(std::string_view name);
std::optional<StepKind> StepKindFromNumber(int number);

// How the business reaches the customer. Values match lifecycle.v1.Channel.
enum class Channel {
  kEmail = 1,
  kSms = 2,
  kPush = 3,
  kInApp = 4,
  kPhone = 5,
  kInPerson = 6,
  kChat = 7,
  kVideo = 8,
  kPost = 9,
  kSocial = 10,
};
std::string_view ChannelName(Channel channel);
std::optional<Channel> ChannelFromName(std::string_view name);
std::optional<Channel> ChannelFromNumber(int number);

// Values match lifecycle.v1.StepStatus.
enum class StepStatus { kPending = 1, kDone = 2, kSkipped = 3 };
std::string_view StepStatusName(StepStatus status);
std::optional<StepStatus> StepStatusFromName(std::string_view name);

inline constexpr std::size_t kMaxTemplateSteps = 50;
inline constexpr std::size_t kMaxStepTitleLength = 200;
inline constexpr std::size_t kMaxStepNoteLength = 2000;
inline constexpr std::chrono::seconds kMaxDueOffset = std::chrono::hours(24 * 365);

struct StepTemplate {
  std::string step_id;  // unique within the template
  StepKind kind = StepKind::kCustom;
  std::string title;
  Channel channel = Channel::kEmail;
  std::chrono::seconds due_offset{0};  // from the start of onboarding
  bool required = false;
};

// One version of a segment's checklist template. Editing writes a new
// version; a customer keeps the version they started with.
struct ChecklistTemplate {
  std::string segment_id;
  std::int64_t version = 1;
  std::string display_name;
  std::vector<StepTemplate> steps;  // in order
  Timestamp create_time;            // of version 1
  Timestamp update_time;            // of this version
};

// A step of a customer's checklist: the template's step, its due time and
// what happened to it.
struct ChecklistStep {
  StepTemplate step;
  Timestamp due_time;
  StepStatus status = StepStatus::kPending;
  std::optional<Timestamp> resolve_time;
  std::string resolved_by;  // API key id
  std::string note;
  std::string skip_reason;
  std::string override_reason;
};

// A customer's checklist for one stay in ONBOARDING, made from the template
// of the segment they were in when it started. template_version 0 means that
// segment (or the customer) had no template: the checklist is empty.
struct Checklist {
  std::string customer_id;
  std::int64_t onboarding_number = 1;  // 1, then 2 after a reacquaintance, ...
  std::string segment_id;
  std::int64_t template_version = 0;
  Timestamp start_time;
  std::vector<ChecklistStep> steps;  // in template order
  // Set when the customer left ONBOARDING, and to which stage.
  std::optional<Timestamp> close_time;
  std::optional<Stage> close_stage;
};

}  // namespace lifecycle::domain
