#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "storage/session.h"

namespace lifecycle::storage {

struct SessionPoolOptions {
  SessionOptions session;
  int size = 8;                       // worker threads = database connections
  std::size_t queue_capacity = 1024;  // calls waiting for a worker
  int bulk_write_limit = 2;           // kBulkWrite tasks running at once
};

// What kind of work a task is. Bulk writes (batches of thousands of rows)
// slow each other down when many run at once: PostgreSQL spends its CPU on
// contention (the same last pages and index leaves, WAL insertion) instead
// of rows. So only bulk_write_limit run at a time; the rest wait in the
// queue without holding a worker, and the other workers stay free for the
// short calls.
enum class Lane { kDefault, kBulkWrite };

// A bounded executor whose workers each own one Session. libpqxx blocks, so
// gRPC threads hand their database work here instead of waiting on SQL.
// When the queue is full, TrySubmit refuses at once: the caller answers
// RESOURCE_EXHAUSTED rather than queueing without bound.
class SessionPool {
 public:
  using Task = std::function<void(Session&)>;

  explicit SessionPool(SessionPoolOptions options);
  ~SessionPool();  // Shutdown()

  bool TrySubmit(Task task, Lane lane = Lane::kDefault);
  // Tasks that may wait in the queue; TrySubmit refuses past it.
  std::size_t capacity() const { return capacity_; }
  int size() const { return static_cast<int>(sessions_.size()); }

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
  struct Queued {
    Task task;
    std::uint64_t order;  // submission order, across both lanes
  };

  void WorkerLoop(Session& session);
  // The next task a free worker may take (oldest first, bulk writes only
  // under their limit), or nullopt; mutex_ held.
  std::optional<std::pair<Task, Lane>> TakeNext();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;       // Lane::kDefault
  std::deque<Queued> bulk_queue_;  // Lane::kBulkWrite
  std::uint64_t submitted_ = 0;
  int bulk_running_ = 0;
  std::size_t capacity_;
  int bulk_write_limit_;
  bool stopping_ = false;
  std::atomic<int> busy_{0};
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<std::thread> workers_;
};

}  // namespace lifecycle::storage
