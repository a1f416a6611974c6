#include "server/api/signal_requests.h"

#include <cmath>
#include <unordered_set>

#include "server/api/converters.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
namespace {

using domain::SignalKind;

// Collects the problems of one signal under its path.
class Problems {
 public:
  explicit Problems(std::string path) : path_(std::move(path)) {}
  void Add(const std::string& field, std::string why) {
    list_.push_back({path_ + "." + field, std::move(why)});
  }
  void CheckId(const std::string& field, const std::string& value) {
    if (auto why = domain::CheckId(value)) Add(field, *why);
  }
  // A field that only some kinds use must be unset for the others.
  void Unused(bool set, const std::string& field, const char* kinds) {
    if (set) Add(field, std::string("is only for ") + kinds);
  }
  std::vector<domain::FieldViolation> Take() { return std::move(list_); }

 private:
  std::string path_;
  std::vector<domain::FieldViolation> list_;
};

bool IsMoney(SignalKind kind) {
  return kind == SignalKind::kPurchase || kind == SignalKind::kRefund;
}

void CheckKindFields(Problems& problems, const v1::Signal& signal, SignalKind kind,
                     domain::Signal& out) {
  if (IsMoney(kind)) {
    if (!std::isfinite(signal.amount()) || signal.amount() < 0 ||
        signal.amount() > kMaxSignalAmount) {
      problems.Add("amount", "must be a finite number from 0 to 1e12");
    }
    if (!signal.product_id().empty()) problems.CheckId("product_id", signal.product_id());
    out.value = signal.amount();
    out.detail = signal.product_id();
  } else {
    problems.Unused(signal.amount() != 0, "amount", "PURCHASE and REFUND");
    problems.Unused(!signal.product_id().empty(), "product_id", "PURCHASE and REFUND");
  }
  if (auto scale = domain::SurveyScale(kind)) {
    if (!signal.has_score()) {
      problems.Add("score", "is required for " + std::string(domain::SignalKindName(kind)));
    } else if (signal.score() < scale->first || signal.score() > scale->second) {
      problems.Add("score", "must be from " + std::to_string(scale->first) + " to " +
                                std::to_string(scale->second) + " for " +
                                std::string(domain::SignalKindName(kind)));
    }
    out.value = signal.score();
  } else {
    problems.Unused(signal.has_score(), "score", "NPS, CSAT and CES");
  }
  if (kind == SignalKind::kReview) {
    if (signal.sentiment() == v1::REVIEW_SENTIMENT_POSITIVE) {
      out.value = 1;
    } else if (signal.sentiment() == v1::REVIEW_SENTIMENT_NEGATIVE) {
      out.value = -1;
    } else {
      problems.Add("sentiment", "is required for REVIEW (POSITIVE or NEGATIVE)");
    }
  } else {
    problems.Unused(signal.sentiment() != v1::REVIEW_SENTIMENT_UNSPECIFIED, "sentiment", "REVIEW");
  }
  if (kind == SignalKind::kCustom) {
    problems.CheckId("custom_name", signal.custom_name());
    if (!std::isfinite(signal.custom_value()) || std::abs(signal.custom_value()) > 1) {
      problems.Add("custom_value", "must be a finite number from -1 to 1");
    }
    out.value = signal.custom_value();
    out.detail = signal.custom_name();
  } else {
    problems.Unused(!signal.custom_name().empty(), "custom_name", "CUSTOM");
    problems.Unused(signal.custom_value() != 0, "custom_value", "CUSTOM");
  }
}

}  // namespace

std::vector<domain::FieldViolation> CheckSignal(const v1::Signal& signal, const std::string& path,
                                                domain::Timestamp now, domain::Signal* out) {
  Problems problems(path);
  domain::Signal result;
  result.event_id = signal.event_id();
  result.customer_id = signal.customer_id();
  problems.CheckId("event_id", signal.event_id());
  problems.CheckId("customer_id", signal.customer_id());
  if (!signal.has_occur_time()) {
    problems.Add("occur_time", "is required");
  } else if (!IsValidTimestamp(signal.occur_time())) {
    problems.Add("occur_time", "is not a valid timestamp");
  } else if (FromProto(signal.occur_time()) > now + kMaxSignalFutureSkew) {
    problems.Add("occur_time", "is more than 5 minutes in the future");
  } else {
    result.occur_time = FromProto(signal.occur_time());
  }
  if (auto kind = domain::SignalKindFromNumber(signal.kind())) {
    result.kind = *kind;
    CheckKindFields(problems, signal, *kind, result);
  } else {
    problems.Add("kind", signal.kind() == v1::SIGNAL_KIND_UNSPECIFIED
                             ? "is required"
                             : "unknown signal kind " + std::to_string(signal.kind()));
  }
  auto list = problems.Take();
  if (list.empty() && out != nullptr) *out = std::move(result);
  return list;
}

domain::Signal ValidateRecordSignal(const v1::RecordSignalRequest& request, domain::Timestamp now) {
  if (!request.has_signal()) throw domain::Error::InvalidArgument("signal", "is required");
  domain::Signal signal;
  auto problems = CheckSignal(request.signal(), "signal", now, &signal);
  if (!problems.empty()) throw domain::Error::InvalidArgument(std::move(problems));
  return signal;
}

SignalBatch ValidateRecordSignals(const v1::RecordSignalsRequest& request, domain::Timestamp now) {
  if (request.signals().empty())
    throw domain::Error::InvalidArgument("signals", "must not be empty");
  if (request.signals_size() > kMaxSignalsPerBatch) {
    throw domain::Error::InvalidArgument(
        "signals", "must hold at most " + std::to_string(kMaxSignalsPerBatch) + " signals");
  }
  SignalBatch batch;
  batch.signals.reserve(request.signals_size());
  std::unordered_set<std::string> seen;
  seen.reserve(request.signals_size());
  for (int i = 0; i < request.signals_size(); ++i) {
    domain::Signal signal;
    auto problems =
        CheckSignal(request.signals(i), "signals[" + std::to_string(i) + "]", now, &signal);
    for (auto& problem : problems) {
      batch.errors.push_back({i, std::move(problem), "INVALID_ARGUMENT"});
    }
    if (!problems.empty()) continue;
    if (!seen.insert(signal.event_id).second) {
      ++batch.repeated_in_batch;
      continue;
    }
    batch.signals.push_back(std::move(signal));
    batch.indexes.push_back(i);
  }
  return batch;
}

}  // namespace lifecycle::api
