#include "storage/session_pool.h"

namespace lifecycle::storage {

SessionPool::SessionPool(SessionPoolOptions options) : capacity_(options.queue_capacity) {
  for (int i = 0; i < options.size; ++i) {
    sessions_.push_back(std::make_unique<Session>(options.session));
  }
  for (auto& session : sessions_) {
    workers_.emplace_back([this, s = session.get()] { WorkerLoop(*s); });
  }
}

SessionPool::~SessionPool() { Shutdown(); }

bool SessionPool::TrySubmit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

SessionPool::Stats SessionPool::CurrentStats() {
  std::lock_guard lock(mutex_);
  return Stats{.size = static_cast<int>(sessions_.size()),
               .busy = busy_.load(std::memory_order_relaxed),
               .waiting = queue_.size()};
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
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    busy_.fetch_add(1, std::memory_order_relaxed);
    task(session);
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace lifecycle::storage
