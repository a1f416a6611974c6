#include "server/domain/follow_up.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {
namespace {

constexpr EnumName<Activation> kActivations[] = {
    {Activation::kYes, "YES"}, {Activation::kNo, "NO"}, {Activation::kUnknown, "UNKNOWN"}};

constexpr EnumName<HelpKind> kHelpKinds[] = {{HelpKind::kSetup, "SETUP"},
                                             {HelpKind::kBilling, "BILLING"},
                                             {HelpKind::kHowTo, "HOW_TO"},
                                             {HelpKind::kTechnical, "TECHNICAL"},
                                             {HelpKind::kOther, "OTHER"}};

constexpr EnumName<FollowUpOutcome> kOutcomes[] = {{FollowUpOutcome::kResolved, "RESOLVED"},
                                                   {FollowUpOutcome::kPending, "PENDING"},
                                                   {FollowUpOutcome::kEscalated, "ESCALATED"},
                                                   {FollowUpOutcome::kNoContact, "NO_CONTACT"}};

}  // namespace

std::string_view ActivationName(Activation activation) {
  return NamedValue(kActivations, activation);
}
std::optional<Activation> ActivationFromName(std::string_view name) {
  return ValueNamed(kActivations, name);
}
std::optional<Activation> ActivationFromNumber(int number) {
  return ValueNumbered(kActivations, number);
}

std::string_view HelpKindName(HelpKind kind) { return NamedValue(kHelpKinds, kind); }
std::optional<HelpKind> HelpKindFromName(std::string_view name) {
  return ValueNamed(kHelpKinds, name);
}
std::optional<HelpKind> HelpKindFromNumber(int number) { return ValueNumbered(kHelpKinds, number); }

std::string_view FollowUpOutcomeName(FollowUpOutcome outcome) {
  return NamedValue(kOutcomes, outcome);
}
std::optional<FollowUpOutcome> FollowUpOutcomeFromName(std::string_view name) {
  return ValueNamed(kOutcomes, name);
}
std::optional<FollowUpOutcome> FollowUpOutcomeFromNumber(int number) {
  return ValueNumbered(kOutcomes, number);
}

double Share(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace lifecycle::domain
