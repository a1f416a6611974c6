#include "tests/bench/transition_scenario.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "lifecycle/v1/lifecycle.grpc.pb.h"
#include "tests/bench/per_worker.h"

namespace lifecycle::bench {
namespace {

// Known stage of each customer in the window. The high bit marks a call in
// flight, so a slow call is never overtaken by another on the same customer.
constexpr uint8_t kBusy = 0x80;

v1::Stage NextStage(::lifecycle::v1::Stage stage) {
  switch (stage) {
    case ::lifecycle::v1::STAGE_NEW:
    case ::lifecycle::v1::STAGE_LAPSED:
      return ::lifecycle::v1::STAGE_SEGMENTED;
    default:
      return ::lifecycle::v1::STAGE_LAPSED;
  }
}

class TransitionScenario final : public Scenario {
 public:
  TransitionScenario(const Target& target, int window)
      : target_(target),
        workers_(target),
        window_(std::min(window, target.customers)),
        stages_(window_),
        run_tag_(std::to_string(getpid()) + "-" +
                 std::to_string(std::chrono::system_clock::now().time_since_epoch().count())) {}

  std::string name() const override { return "transition"; }

  // Stages change across runs, so learn them (1000 ids per call).
  void Prepare() override {
    auto stub = ::lifecycle::v1::LifecycleService::NewStub(target_.channels.front());
    for (int first = 0; first < window_; first += 1000) {
      ::lifecycle::v1::BatchGetCustomerStagesRequest request;
      for (int i = first; i < std::min(first + 1000, window_); ++i) {
        request.add_customer_ids(CustomerId(i));
      }
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + target_.api_key);
      ::lifecycle::v1::BatchGetCustomerStagesResponse response;
      const grpc::Status status = stub->BatchGetCustomerStages(&context, request, &response);
      if (!status.ok()) {
        throw std::runtime_error("reading stages failed: " + status.error_message());
      }
      for (const auto& stage : response.customer_stages()) {
        const int index = std::stoi(stage.customer_id().substr(5));  // "cust-N"
        stages_[index].store(static_cast<uint8_t>(stage.stage()));
      }
    }
  }

  std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) override {
    const int index = ClaimCustomer();
    const auto from = static_cast<::lifecycle::v1::Stage>(stages_[index].load() & ~kBusy);
    const ::lifecycle::v1::Stage to = NextStage(from);
    ::lifecycle::v1::TransitionCustomerRequest request;
    request.set_customer_id(CustomerId(index));
    request.set_to_stage(to);
    if (to == ::lifecycle::v1::STAGE_SEGMENTED) request.set_segment_id("bench-segment");
    request.set_reason("bench");
    request.set_request_id("bench-" + run_tag_ + "-" + std::to_string(sequence_++));
    auto on_done = [this, index, from, to](const grpc::Status& status) {
      // On failure the stage is unknown to us; keeping `from` retries the
      // same move next lap, which is right unless the call did commit.
      stages_[index].store(static_cast<uint8_t>(status.ok() ? to : from));
    };
    return StartUnary<::lifecycle::v1::TransitionCustomerResponse>(
        cq, target_.api_key,
        [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return workers_.stub(worker).PrepareAsyncTransitionCustomer(context, request, queue);
        },
        on_done);
  }

 private:
  // The next customer in the window with no call in flight.
  int ClaimCustomer() {
    while (true) {
      const int index = static_cast<int>(next_++ % window_);
      uint8_t stage = stages_[index].load();
      if ((stage & kBusy) == 0 && stages_[index].compare_exchange_strong(stage, stage | kBusy)) {
        return index;
      }
    }
  }

  const Target& target_;
  PerWorker<::lifecycle::v1::LifecycleService> workers_;
  const int window_;
  std::vector<std::atomic<uint8_t>> stages_;
  std::atomic<uint64_t> next_{0};
  std::atomic<uint64_t> sequence_{0};
  const std::string run_tag_;
};

}  // namespace

std::unique_ptr<Scenario> MakeTransitionScenario(const Target& target, int window) {
  return std::make_unique<TransitionScenario>(target, window);
}

}  // namespace lifecycle::bench
