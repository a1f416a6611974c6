#include "tests/bench/read_scenarios.h"

#include "lifecycle/bench/v1/echo.grpc.pb.h"
#include "lifecycle/v1/lifecycle.grpc.pb.h"
#include "tests/bench/per_worker.h"

namespace lifecycle::bench {
namespace {

class EchoScenario final : public Scenario {
 public:
  explicit EchoScenario(const Target& target) : workers_(target) {
    // About the size of a GetCustomerStage request, so framing costs match.
    request_.set_payload(std::string(32, 'x'));
  }
  std::string name() const override { return "echo"; }
  std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) override {
    return StartUnary<bench::v1::EchoResponse>(
        cq, "", [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return workers_.stub(worker).PrepareAsyncEcho(context, request_, queue);
        });
  }

 private:
  PerWorker<bench::v1::EchoService> workers_;
  bench::v1::EchoRequest request_;
};

class GetStageScenario final : public Scenario {
 public:
  explicit GetStageScenario(const Target& target)
      : workers_(target), api_key_(target.api_key), pick_(0, target.customers - 1) {}
  std::string name() const override { return "get_stage"; }
  std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) override {
    ::lifecycle::v1::GetCustomerStageRequest request;
    request.set_customer_id(CustomerId(pick_(workers_.rng(worker))));
    return StartUnary<::lifecycle::v1::GetCustomerStageResponse>(
        cq, api_key_, [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return workers_.stub(worker).PrepareAsyncGetCustomerStage(context, request, queue);
        });
  }

 private:
  PerWorker<::lifecycle::v1::LifecycleService> workers_;
  std::string api_key_;
  std::uniform_int_distribution<int> pick_;
};

class BatchGetScenario final : public Scenario {
 public:
  BatchGetScenario(const Target& target, int batch)
      : workers_(target), api_key_(target.api_key), batch_(batch), pick_(0, target.customers - 1) {}
  std::string name() const override { return "batch_get"; }
  int items_per_call() const override { return batch_; }
  std::unique_ptr<PendingCall> Start(int worker, grpc::CompletionQueue& cq) override {
    ::lifecycle::v1::BatchGetCustomerStagesRequest request;
    for (int i = 0; i < batch_; ++i) {
      request.add_customer_ids(CustomerId(pick_(workers_.rng(worker))));
    }
    return StartUnary<::lifecycle::v1::BatchGetCustomerStagesResponse>(
        cq, api_key_, [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return workers_.stub(worker).PrepareAsyncBatchGetCustomerStages(context, request, queue);
        });
  }

 private:
  PerWorker<::lifecycle::v1::LifecycleService> workers_;
  std::string api_key_;
  int batch_;
  std::uniform_int_distribution<int> pick_;
};

}  // namespace

std::unique_ptr<Scenario> MakeEchoScenario(const Target& target) {
  return std::make_unique<EchoScenario>(target);
}
std::unique_ptr<Scenario> MakeGetStageScenario(const Target& target) {
  return std::make_unique<GetStageScenario>(target);
}
std::unique_ptr<Scenario> MakeBatchGetScenario(const Target& target, int batch) {
  return std::make_unique<BatchGetScenario>(target, batch);
}

}  // namespace lifecycle::bench
