#pragma once

#include <atomic>
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

  // A snapshot for metrics.
  struct Stats {
    int size = 0;             // workers (= connections)
    int busy = 0;             // workers running a call now
    std::size_t waiting = 0;  // calls queued for a worker
  };
  Stats CurrentStats();
  // Runs everything already queued, then stops the workers.
  void Shutdown();

 private:
  void WorkerLoop(Session& session);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  std::size_t capacity_;
  bool stopping_ = false;
  std::atomic<int> busy_{0};
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<std::thread> workers_;
};

}  // namespace lifecycle::storage
