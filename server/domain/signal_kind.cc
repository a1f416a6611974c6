#include "server/domain/signal_kind.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {

std::string_view SignalKindName(SignalKind kind) {
  switch (kind) {
    case SignalKind::kPurchase:
      return "PURCHASE";
    case SignalKind::kActivity:
      return "ACTIVITY";
    case SignalKind::kSupportTicket:
      return "SUPPORT_TICKET";
    case SignalKind::kComplaint:
      return "COMPLAINT";
    case SignalKind::kNps:
      return "NPS";
    case SignalKind::kCsat:
      return "CSAT";
    case SignalKind::kCes:
      return "CES";
    case SignalKind::kReview:
      return "REVIEW";
    case SignalKind::kRefund:
      return "REFUND";
    case SignalKind::kPaymentFailed:
      return "PAYMENT_FAILED";
    case SignalKind::kCustom:
      return "CUSTOM";
  }
  return "UNKNOWN";
}

std::optional<SignalKind> SignalKindFromName(std::string_view name) {
  return EnumFromName(kAllSignalKinds, SignalKindName, name);
}

std::optional<SignalKind> SignalKindFromNumber(int number) {
  return EnumFromNumber(kAllSignalKinds, number);
}

}  // namespace lifecycle::domain
