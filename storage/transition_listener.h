#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace lifecycle::storage {

// LISTENs on the transition channel with a connection of its own and calls
// `on_notify(tenant_id)` for each notification. After (re)connecting it
// calls `on_notify("")`, meaning "anything may have happened": NOTIFY is a
// wake-up hint only, the transition log stays the truth.
class TransitionListener {
 public:
  TransitionListener(std::string dsn, std::function<void(const std::string&)> on_notify);
  ~TransitionListener();  // Stop()
  void Stop();

 private:
  void Loop();

  std::string dsn_;
  std::function<void(const std::string&)> on_notify_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace lifecycle::storage
