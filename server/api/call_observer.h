#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace lifecycle::api {

// What the call pipeline reports about finished calls and accepted signals,
// for metrics. The api layer knows nothing of Prometheus; server/app/metrics
// implements this.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // Once per call, with its latency from arrival to answer.
  virtual void OnCall(std::string_view method, grpc::StatusCode code,
                      std::chrono::duration<double> latency) = 0;
  // Signals newly stored by a committed RecordSignal(s) call.
  virtual void OnSignalsAccepted(std::int64_t count) = 0;
};

// The process-wide observer: set once before serving (nullptr: none).
void SetCallObserver(CallObserver* observer);
CallObserver* CurrentCallObserver();

}  // namespace lifecycle::api
