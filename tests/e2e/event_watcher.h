#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/grpc_test_client.h"

namespace lifecycle::testing {

// Reads one stream on a thread of its own and keeps what arrives.
class Watcher {
 public:
  Watcher(TestClient& client, int64_t after_sequence, bool read = true) {
    context_ = client.Context();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
    v1::WatchLifecycleEventsRequest request;
    request.set_after_sequence(after_sequence);
    reader_ = client.lifecycle().WatchLifecycleEvents(context_.get(), request);
    if (read) thread_ = std::thread([this] { ReadAll(); });
  }
  ~Watcher() {
    context_->TryCancel();
    if (thread_.joinable()) thread_.join();
  }

  // Waits until `count` events arrived; returns them.
  std::vector<v1::StageTransition> WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(15),
                      [&] { return events_.size() >= count || ended_; });
    return events_;
  }
  grpc::Status Ended() {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(15), [&] { return ended_; });
    return status_;
  }
  void Cancel() {
    context_->TryCancel();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void ReadAll() {
    v1::WatchLifecycleEventsResponse response;
    while (reader_->Read(&response)) {
      std::lock_guard lock(mutex_);
      events_.push_back(response.transition());
      arrived_.notify_all();
    }
    const grpc::Status status = reader_->Finish();
    std::lock_guard lock(mutex_);
    status_ = status;
    ended_ = true;
    arrived_.notify_all();
  }

  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchLifecycleEventsResponse>> reader_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<v1::StageTransition> events_;
  bool ended_ = false;
  grpc::Status status_;
  std::thread thread_;
};

}  // namespace lifecycle::testing
