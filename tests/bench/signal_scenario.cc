#include "tests/bench/signal_scenario.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "lifecycle/v1/retention.grpc.pb.h"
#include "server/api/converters.h"
#include "tests/bench/per_worker.h"

namespace lifecycle::bench {
namespace {

class RecordSignalsScenario final : public Scenario {
 public:
  RecordSignalsScenario(const Target& target, int batch)
      : target_(target),
        workers_(target),
        batch_(batch),
        run_tag_(std::to_string(getpid()) + "-" +
                 std::to_string(std::chrono::system_clock::now().time_since_epoch().count())) {}

  std::string name() const override { return "record_signals"; }
  int items_per_call() const override { return batch_; }

  std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) override {
    auto& rng = workers_.rng(worker);
    v1::RecordSignalsRequest request;
    const auto now = api::ToProto(std::chrono::system_clock::now());
    const std::string prefix = "bench-" + run_tag_ + "-" + std::to_string(calls_++) + "-";
    for (int i = 0; i < batch_; ++i) {
      auto* signal = request.add_signals();
      signal->set_event_id(prefix + std::to_string(i));
      signal->set_customer_id(CustomerId(static_cast<int>(rng() % target_.customers)));
      *signal->mutable_occur_time() = now;
      const int pick = static_cast<int>(rng() % 10);
      if (pick < 5) {
        signal->set_kind(v1::SIGNAL_KIND_ACTIVITY);
      } else if (pick < 8) {
        signal->set_kind(v1::SIGNAL_KIND_PURCHASE);
        signal->set_amount(static_cast<double>(rng() % 200));
      } else if (pick < 9) {
        signal->set_kind(v1::SIGNAL_KIND_NPS);
        signal->set_score(static_cast<int>(rng() % 11));
      } else {
        signal->set_kind(v1::SIGNAL_KIND_COMPLAINT);
      }
    }
    return StartUnary<v1::RecordSignalsResponse>(
        cq, target_.api_key, [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return workers_.stub(worker).PrepareAsyncRecordSignals(context, request, queue);
        });
  }

 private:
  const Target& target_;
  PerWorker<v1::RetentionService> workers_;
  const int batch_;
  const std::string run_tag_;
  std::atomic<uint64_t> calls_{0};
};

}  // namespace

std::unique_ptr<Scenario> MakeRecordSignalsScenario(const Target& target, int batch) {
  return std::make_unique<RecordSignalsScenario>(target, batch);
}

}  // namespace lifecycle::bench
