#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/session.h"

namespace lifecycle::app {

// Runs the retention sweep (storage/retention_sweep.h) of every tenant every
// `interval` on its own connection: lapses quiet customers and keeps stored
// bands current as scores decay. RetentionService.RunRetentionSweep runs the
// same sweep on demand.
class RetentionSweeper {
 public:
  RetentionSweeper(storage::SessionOptions session, std::chrono::milliseconds interval);
  ~RetentionSweeper();  // Stop()
  void Stop();

 private:
  void Loop();
  void SweepAll();

  storage::Session session_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lifecycle::app
