#include "server/api/watch_hub.h"

#include <vector>

namespace lifecycle::api {

WatchHub::WatchHub(std::chrono::milliseconds tick) {
  ticker_ = std::thread([this, tick] { TickLoop(tick); });
}

WatchHub::~WatchHub() {
  Close();
  if (ticker_.joinable()) ticker_.join();
}

std::uint64_t WatchHub::Epoch(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  return global_epoch_ + tenant_epochs_[tenant_id];
}

std::uint64_t WatchHub::Wait(const std::string& tenant_id, std::uint64_t seen_epoch, Wake wake) {
  std::lock_guard lock(mutex_);
  if (closed_ || global_epoch_ + tenant_epochs_[tenant_id] != seen_epoch) return 0;
  const std::uint64_t ticket = next_ticket_++;
  waiters_.emplace(ticket, Waiter{tenant_id, std::move(wake)});
  return ticket;
}

bool WatchHub::Cancel(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  return waiters_.erase(ticket) > 0;
}

void WatchHub::Notify(const std::string& tenant_id) {
  {
    std::lock_guard lock(mutex_);
    if (tenant_id.empty()) {
      ++global_epoch_;
    } else {
      ++tenant_epochs_[tenant_id];
    }
  }
  WakeWhere(
      [&](const Waiter& waiter) { return tenant_id.empty() || waiter.tenant_id == tenant_id; });
}

void WatchHub::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  stop_.notify_all();
  WakeWhere([](const Waiter&) { return true; });
}

bool WatchHub::closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

void WatchHub::WakeWhere(const std::function<bool(const Waiter&)>& predicate) {
  std::vector<Wake> woken;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (predicate(it->second)) {
        woken.push_back(std::move(it->second.wake));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Outside the lock: a wake-up may register again right away.
  for (auto& wake : woken) wake();
}

void WatchHub::TickLoop(std::chrono::milliseconds tick) {
  std::unique_lock lock(mutex_);
  while (!closed_) {
    if (stop_.wait_for(lock, tick, [this] { return closed_; })) break;
    lock.unlock();
    Notify("");
    lock.lock();
  }
}

}  // namespace lifecycle::api
