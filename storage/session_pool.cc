#include "storage/session_pool.h"

#include <algorithm>

namespace lifecycle::storage {

SessionPool::SessionPool(SessionPoolOptions options)
    : capacity_(options.queue_capacity), bulk_write_limit_(std::max(1, options.bulk_write_limit)) {
  for (int i = 0; i < options.size; ++i) {
    sessions_.push_back(std::make_unique<Session>(options.session));
  }
  for (auto& session : sessions_) {
    workers_.emplace_back([this, s = session.get()] { WorkerLoop(*s); });
  }
}

SessionPool::~SessionPool() { Shutdown(); }

bool SessionPool::TrySubmit(Task task, Lane lane) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() + bulk_queue_.size() >= capacity_) return false;
    auto& queue = lane == Lane::kBulkWrite ? bulk_queue_ : queue_;
    queue.push_back(Queued{std::move(task), submitted_++});
  }
  wake_.notify_one();
  return true;
}

std::optional<std::pair<SessionPool::Task, Lane>> SessionPool::TakeNext() {
  const bool bulk_ready = !bulk_queue_.empty() && bulk_running_ < bulk_write_limit_;
  if (bulk_ready && (queue_.empty() || bulk_queue_.front().order < queue_.front().order)) {
    Task task = std::move(bulk_queue_.front().task);
    bulk_queue_.pop_front();
    ++bulk_running_;
    return std::pair{std::move(task), Lane::kBulkWrite};
  }
  if (queue_.empty()) return std::nullopt;
  Task task = std::move(queue_.front().task);
  queue_.pop_front();
  return std::pair{std::move(task), Lane::kDefault};
}

SessionPool::Stats SessionPool::CurrentStats() {
  std::lock_guard lock(mutex_);
  return Stats{.size = static_cast<int>(sessions_.size()),
               .busy = busy_.load(std::memory_order_relaxed),
               .waiting = queue_.size() + bulk_queue_.size()};
}

void SessionPool::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
}

void SessionPool::WorkerLoop(Session& session) {
  for (;;) {
    std::optional<std::pair<Task, Lane>> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] {
        next = TakeNext();
        return next || (stopping_ && queue_.empty() && bulk_queue_.empty());
      });
      if (!next) return;  // stopping and drained
    }
    busy_.fetch_add(1, std::memory_order_relaxed);
    next->first(session);
    busy_.fetch_sub(1, std::memory_order_relaxed);
    if (next->second == Lane::kBulkWrite) {
      {
        std::lock_guard lock(mutex_);
        --bulk_running_;
      }
      // A bulk write waiting for this slot may now run on any idle worker.
      wake_.notify_all();
    }
  }
}

}  // namespace lifecycle::storage
