#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "lifecycle/v1/lifecycle.pb.h"
#include "server/api/call.h"
#include "server/api/watch_hub.h"

namespace lifecycle::api {

// One WatchLifecycleEvents stream. It reads the transition log from its
// cursor a page at a time on a pool worker (authenticating each time, so a
// revoked key ends the stream), writes that page one event at a time, and
// when it has caught up waits in the WatchHub without holding a thread.
// A slow client only slows its own stream: at most one page is held, and
// the next page is read only after the last write completed.
class LifecycleWatch final : public grpc::ServerWriteReactor<v1::WatchLifecycleEventsResponse> {
 public:
  static constexpr int kPageSize = 100;

  LifecycleWatch(grpc::CallbackServerContext* context, CallRunner& calls, WatchHub& hub,
                 const v1::WatchLifecycleEventsRequest& request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  enum class State { kReading, kWriting, kWaiting, kDone };

  // Runs `step` under the lock, then Finish()es if the step decided to:
  // Finish is never called with the lock held, since OnDone deletes `this`.
  template <class Step>
  void Locked(Step&& step) {
    std::optional<grpc::Status> finish;
    {
      std::lock_guard lock(mutex_);
      step();
      finish.swap(finish_);
    }
    if (finish) Finish(*finish);
  }

  // All *Locked methods run with mutex_ held.
  void ReadLocked();  // queue a page read on the pool
  void WaitLocked(std::uint64_t epoch);
  void OnPageLocked(const grpc::Status& status, std::vector<v1::StageTransition> page,
                    std::uint64_t epoch);
  void WriteNextLocked();
  void FinishLocked(const grpc::Status& status);

  grpc::CallbackServerContext* const context_;
  CallRunner& calls_;
  WatchHub& hub_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool counted_ = true;  // holds an in-flight slot (see CallRunner::Drain)

  std::mutex mutex_;
  std::optional<grpc::Status> finish_;
  State state_ = State::kReading;
  bool cancelled_ = false;
  std::int64_t cursor_ = 0;
  v1::WatchLifecycleEventsRequest request_;  // validated by the first read
  bool validated_ = false;
  std::string tenant_id_;
  std::uint64_t ticket_ = 0;
  std::deque<v1::StageTransition> page_;
  v1::WatchLifecycleEventsResponse writing_;  // must live until OnWriteDone
};

}  // namespace lifecycle::api
