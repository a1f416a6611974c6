#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace lifecycle::api {

// Where idle event watchers wait for news of their tenant. Notify() comes
// from PostgreSQL LISTEN/NOTIFY (a hint); a periodic tick wakes everyone as
// well, so a lost notification delays an event by one tick at most. Waiters
// hold no thread and no buffer: a wake-up just tells them to read the log.
class WatchHub {
 public:
  using Wake = std::function<void()>;

  explicit WatchHub(std::chrono::milliseconds tick);
  ~WatchHub();

  // A counter that moves whenever `tenant_id` may have news.
  std::uint64_t Epoch(const std::string& tenant_id);
  // Calls `wake` once, on the tenant's next news (or the next tick). When
  // the epoch already moved past `seen_epoch`, returns 0 and does not
  // register: the caller should look again now. Otherwise returns a ticket.
  std::uint64_t Wait(const std::string& tenant_id, std::uint64_t seen_epoch, Wake wake);
  // True if the waiter was removed before it was woken.
  bool Cancel(std::uint64_t ticket);
  // News for one tenant, or for all when tenant_id is empty.
  void Notify(const std::string& tenant_id);
  // Wakes everyone and tells them to end their streams (server shutdown).
  void Close();
  bool closed();

 private:
  struct Waiter {
    std::string tenant_id;
    Wake wake;
  };
  void TickLoop(std::chrono::milliseconds tick);
  void WakeWhere(const std::function<bool(const Waiter&)>& predicate);

  std::mutex mutex_;
  std::condition_variable stop_;
  bool closed_ = false;
  std::uint64_t global_epoch_ = 0;
  std::unordered_map<std::string, std::uint64_t> tenant_epochs_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, Waiter> waiters_;
  std::thread ticker_;
};

}  // namespace lifecycle::api
