#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "server/domain/customer.h"
#include "server/domain/retention_policy.h"
#include "server/domain/signal_kind.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// One retention signal, normalised: `value` and `detail` mean, by kind,
//   PURCHASE, REFUND      amount (>= 0)            product id (optional)
//   NPS, CSAT, CES        the survey score          -
//   REVIEW                +1 positive, -1 negative  -
//   CUSTOM                impact from -1 to +1      the custom signal's name
//   others                0                         -
// so every kind is stored in the same columns and scored by one function.
struct Signal {
  std::string event_id;  // the producer's key: a retried signal is stored once
  std::string customer_id;
  SignalKind kind = SignalKind::kActivity;
  Timestamp occur_time;
  double value = 0;
  std::string detail;
};

// The survey scale of a kind ({min, max}), or nothing for non-survey kinds.
std::optional<std::pair<int, int>> SurveyScale(SignalKind kind);

// How good (+1) or bad (-1) the signal is, in [-1, 1]:
//   PURCHASE, ACTIVITY +1; SUPPORT_TICKET, COMPLAINT, REFUND, PAYMENT_FAILED -1;
//   NPS promoter (9-10) +1, passive (7-8) 0, detractor (0-6) -1;
//   CSAT (score - 3) / 2; CES (4 - score) / 3 (high effort is bad);
//   REVIEW and CUSTOM their value.
double Valence(SignalKind kind, double value);

// Points the signal adds when it happens: weight * valence, times the
// negative multiplier when the valence is negative.
double Impact(const Signal& signal, const RetentionPolicy& policy);

// Purchases and activity show a customer is engaged: they set recency and
// keep the customer from lapsing.
bool IsEngagement(SignalKind kind);

// Net Promoter Score of a set of answers: promoters (9-10) minus detractors
// (0-6), in percent of all answers; 0 without answers.
double NetPromoterScore(std::int64_t promoters, std::int64_t detractors, std::int64_t answers);

// The automatic lifecycle move a signal causes (trigger SIGNAL), if any: a
// purchase acquires a SEGMENTED customer (-> ONBOARDING).
std::optional<Stage> AutomaticMove(Stage stage, SignalKind kind);

// A purchase or activity from a LAPSED customer: not a move by itself, but
// an opportunity someone should act on (reacquaintance).
bool IsReacquaintance(Stage stage, SignalKind kind);

}  // namespace lifecycle::domain
