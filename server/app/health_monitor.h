#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/session.h"

namespace lifecycle::app {

// Checks on its own connection that the database answers and is migrated,
// and reports each change through `report(serving)`. gRPC health reads the
// result, so load balancers and probes stop sending traffic while the
// database is away and resume when it is back.
class HealthMonitor {
 public:
  HealthMonitor(storage::SessionOptions session, std::chrono::milliseconds interval,
                std::function<void(bool serving)> report);
  ~HealthMonitor();  // Stop()
  void Stop();

 private:
  void Loop();

  storage::Session session_;
  std::chrono::milliseconds interval_;
  std::function<void(bool)> report_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lifecycle::app
