#include "server/domain/signal.h"

#include <algorithm>

namespace lifecycle::domain {

std::optional<std::pair<int, int>> SurveyScale(SignalKind kind) {
  switch (kind) {
    case SignalKind::kNps:
      return std::pair{0, 10};
    case SignalKind::kCsat:
      return std::pair{1, 5};
    case SignalKind::kCes:
      return std::pair{1, 7};
    default:
      return std::nullopt;
  }
}

double Valence(SignalKind kind, double value) {
  switch (kind) {
    case SignalKind::kPurchase:
    case SignalKind::kActivity:
      return 1;
    case SignalKind::kSupportTicket:
    case SignalKind::kComplaint:
    case SignalKind::kRefund:
    case SignalKind::kPaymentFailed:
      return -1;
    case SignalKind::kNps:
      return value >= 9 ? 1 : value >= 7 ? 0 : -1;
    case SignalKind::kCsat:
      return std::clamp((value - 3) / 2, -1.0, 1.0);
    case SignalKind::kCes:
      return std::clamp((4 - value) / 3, -1.0, 1.0);
    case SignalKind::kReview:
    case SignalKind::kCustom:
      return std::clamp(value, -1.0, 1.0);
  }
  return 0;
}

double Impact(const Signal& signal, const RetentionPolicy& policy) {
  const double valence = Valence(signal.kind, signal.value);
  const double points = policy.Weight(signal.kind) * valence;
  return valence < 0 ? points * policy.negative_multiplier : points;
}

bool IsEngagement(SignalKind kind) {
  return kind == SignalKind::kPurchase || kind == SignalKind::kActivity;
}

double NetPromoterScore(std::int64_t promoters, std::int64_t detractors, std::int64_t answers) {
  if (answers <= 0) return 0;
  return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(answers);
}

std::optional<Stage> AutomaticMove(Stage stage, SignalKind kind) {
  if (stage == Stage::kSegmented && kind == SignalKind::kPurchase) return Stage::kOnboarding;
  return std::nullopt;
}

bool IsReacquaintance(Stage stage, SignalKind kind) {
  return stage == Stage::kLapsed && IsEngagement(kind);
}

}  // namespace lifecycle::domain
