#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/session.h"

namespace lifecycle::storage {

struct SessionPoolOptions {
  SessionOptions session;
  int size = 8;                       // worker threads = database connections
  std::size_t queue_capacity = 1024;  // calls waiting for a worker
};

// A bounded executor whose workers each own one Session. libpqxx blocks, so
// gRPC threads hand their database work here instead of waiting on SQL.
// When the queue is full, TrySubmit refuses at once: the caller answers
// RESOURCE_EXHAUSTED rather than queueing without bound.
class SessionPool {
 public:
  using Task = std::function<void(Session&)>;

  explicit SessionPool(SessionPoolOptions options);
  ~SessionPool();  // Shutdown()

  bool TrySubmit(Task task);
  // Runs everything already queued, then stops the workers.
  void Shutdown();

 private:
  void WorkerLoop(Session& session);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  std::size_t capacity_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<std::thread> workers_;
};

}  // namespace lifecycle::storage
