#pragma once

#include <optional>
#include <string_view>

namespace lifecycle::domain {

// What a retention signal reports. Values match lifecycle.v1.SignalKind; the
// name is what PostgreSQL stores and what segment rules name
// (`signal_count.COMPLAINT`).
enum class SignalKind {
  kPurchase = 1,
  kActivity = 2,
  kSupportTicket = 3,
  kComplaint = 4,
  kNps = 5,
  kCsat = 6,
  kCes = 7,
  kReview = 8,
  kRefund = 9,
  kPaymentFailed = 10,
  kCustom = 11,
};

inline constexpr SignalKind kAllSignalKinds[] = {
    SignalKind::kPurchase,      SignalKind::kActivity, SignalKind::kSupportTicket,
    SignalKind::kComplaint,     SignalKind::kNps,      SignalKind::kCsat,
    SignalKind::kCes,           SignalKind::kReview,   SignalKind::kRefund,
    SignalKind::kPaymentFailed, SignalKind::kCustom};

std::string_view SignalKindName(SignalKind kind);  // "SUPPORT_TICKET"
std::optional<SignalKind> SignalKindFromName(std::string_view name);
std::optional<SignalKind> SignalKindFromNumber(int number);

}  // namespace lifecycle::domain
