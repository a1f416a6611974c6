#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "lifecycle/v1/lifecycle.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

class CancellableReactor;

inline constexpr RpcInfo kGetCustomerStage{"/lifecycle.v1.LifecycleService/GetCustomerStage",
                                           domain::Permission::kReadCustomers};

// GetCustomerStage without as_of, the hot path internal services call at
// high rate. Lookups that are waiting for a worker at the same moment are
// answered together: the worker that takes them authenticates and checks
// each call as CallRunner does, then reads all of one tenant's customers
// with one query (the BatchGetCustomerStages query) instead of one query
// and one worker hand-off per call. Nothing waits to fill a batch: a lone
// lookup runs as soon as a worker is free, so batches only form when calls
// are already queueing, which is when the saving is needed. Per call, the
// status, log line, metrics, deadline, rate limit and in-flight accounting
// are the same as for any other unary call.
class StageLookups {
 public:
  explicit StageLookups(CallRunner& calls) : calls_(calls) {}

  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* context,
                                   const v1::GetCustomerStageRequest* request,
                                   v1::GetCustomerStageResponse* response);

  // Most lookups one worker answers at once (one query per tenant among them).
  static constexpr std::size_t kMaxBatch = 128;

 private:
  struct Pending {
    grpc::CallbackServerContext* context;
    const v1::GetCustomerStageRequest* request;
    v1::GetCustomerStageResponse* response;
    CancellableReactor* reactor;
    std::chrono::steady_clock::time_point started;
    // Filled on the worker once the call is admitted.
    std::string tenant_id;
    std::string customer_id;
    storage::TxOptions tx;      // the caller's tenant and time left
    bool primary_only = false;  // x-lifecycle-consistency: primary
  };

  // Tasks answering lookups at once: a few, so that while they are in the
  // database new lookups gather into the next batch instead of each taking
  // a worker of its own.
  std::size_t MaxAnswering() const;
  // Queues a task that answers lookups until none is waiting; when the
  // pool's queue is full and no other such task runs, refuses the waiting
  // lookups with RESOURCE_EXHAUSTED instead.
  void StartAnswering();
  void AnswerWhileWaiting(storage::Session& session);
  // Answers up to kMaxBatch lookups taken from the queue.
  void Answer(storage::Session& session, std::vector<Pending>& batch);
  // Authenticates, checks and validates one lookup; false when it was
  // finished with an error instead.
  bool Admit(storage::Session& session, Pending& lookup);
  // One query for `lookups` (all admitted, all of one tenant); finishes each.
  void ReadAndFinish(storage::Session& session, const std::vector<Pending*>& lookups);
  void Finish(Pending& lookup, const grpc::Status& status);

  CallRunner& calls_;
  std::mutex mutex_;
  std::deque<Pending> waiting_;
  std::size_t answering_ = 0;  // answering tasks queued or running
};

}  // namespace lifecycle::api
