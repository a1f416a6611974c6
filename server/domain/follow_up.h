#pragma once

// Support follow-ups with new customers, and the onboarding numbers built
// from checklists and follow-ups (seeds/000: did they activate? did they
// need help? what kind? how good was it? why?).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server/domain/checklist.h"

namespace lifecycle::domain {

// Values match lifecycle.v1.Activation.
enum class Activation { kYes = 1, kNo = 2, kUnknown = 3 };
std::string_view ActivationName(Activation activation);
std::optional<Activation> ActivationFromName(std::string_view name);
std::optional<Activation> ActivationFromNumber(int number);

// Values match lifecycle.v1.HelpKind.
enum class HelpKind { kSetup = 1, kBilling = 2, kHowTo = 3, kTechnical = 4, kOther = 5 };
std::string_view HelpKindName(HelpKind kind);
std::optional<HelpKind> HelpKindFromName(std::string_view name);
std::optional<HelpKind> HelpKindFromNumber(int number);

// Values match lifecycle.v1.FollowUpOutcome.
enum class FollowUpOutcome { kResolved = 1, kPending = 2, kEscalated = 3, kNoContact = 4 };
std::string_view FollowUpOutcomeName(FollowUpOutcome outcome);
std::optional<FollowUpOutcome> FollowUpOutcomeFromName(std::string_view name);
std::optional<FollowUpOutcome> FollowUpOutcomeFromNumber(int number);

inline constexpr std::size_t kMaxFollowUpNoteLength = 2000;
inline constexpr std::size_t kMaxHelpReasonLength = 1000;
inline constexpr int kMinHelpQuality = 1;
inline constexpr int kMaxHelpQuality = 5;

struct FollowUp {
  std::int64_t follow_up_id = 0;  // assigned by storage
  std::string customer_id;
  std::int64_t onboarding_number = 0;  // the checklist then current; 0: none
  std::string agent_id;
  Channel channel = Channel::kPhone;
  Activation activated = Activation::kUnknown;
  bool needed_help = false;
  std::optional<HelpKind> help_kind;  // only when needed_help
  int help_quality = 0;               // 1..5; 0: not rated
  std::string help_reason;
  FollowUpOutcome outcome = FollowUpOutcome::kResolved;
  std::string note;
  Timestamp create_time;
  std::string logged_by;  // API key id
};

// The onboarding numbers for the customers who started in a period
// (optionally one segment). Counts are of onboardings.
struct OnboardingMetrics {
  std::int64_t started = 0;
  std::int64_t completed = 0;  // moved on to RETAINED
  std::chrono::microseconds median_time_to_complete{0};
  std::int64_t followed_up = 0;
  std::int64_t activation_answered = 0;  // YES or NO
  std::int64_t activated = 0;            // YES
  std::int64_t needing_help = 0;
  std::map<HelpKind, std::int64_t> needing_help_by_kind;
  double average_help_quality = 0;  // of the rated follow-ups
  std::int64_t help_ratings = 0;
};

// part / whole, 0 when whole is 0.
double Share(std::int64_t part, std::int64_t whole);

}  // namespace lifecycle::domain
