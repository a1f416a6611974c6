#pragma once

// Validation of signals (RecordSignal, RecordSignals). A batch is checked
// item by item: bad items become per-item errors and the rest go on.

#include <chrono>
#include <string>
#include <vector>

#include "lifecycle/v1/retention.pb.h"
#include "server/domain/error.h"
#include "server/domain/signal.h"

namespace lifecycle::api {

inline constexpr int kMaxSignalsPerBatch = 10000;
// Producers' clocks drift; a signal further in the future is a bug.
inline constexpr auto kMaxSignalFutureSkew = std::chrono::minutes(5);
inline constexpr double kMaxSignalAmount = 1e12;

// One item of a batch that is not recorded.
struct ItemError {
  int index = 0;
  domain::FieldViolation violation;
  std::string reason;  // "INVALID_ARGUMENT" or "NOT_FOUND"
};

struct SignalBatch {
  std::vector<domain::Signal> signals;  // valid, distinct event ids
  std::vector<int> indexes;             // signals[i] is request item indexes[i]
  std::vector<ItemError> errors;
  int repeated_in_batch = 0;  // a second item with an event id already in the batch
};

// Every problem of one signal, under `path` ("signal", "signals[3]");
// fills *out when there is none.
std::vector<domain::FieldViolation> CheckSignal(const v1::Signal& signal, const std::string& path,
                                                domain::Timestamp now, domain::Signal* out);

// INVALID_ARGUMENT (with every field) unless the signal is valid.
domain::Signal ValidateRecordSignal(const v1::RecordSignalRequest& request, domain::Timestamp now);
// INVALID_ARGUMENT only for an empty or oversize batch; bad items are errors.
SignalBatch ValidateRecordSignals(const v1::RecordSignalsRequest& request, domain::Timestamp now);

}  // namespace lifecycle::api
