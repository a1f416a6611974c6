#include "server/app/health_monitor.h"

#include <optional>

#include "server/api/structured_log.h"
#include "storage/migrator.h"

namespace lifecycle::app {

HealthMonitor::HealthMonitor(storage::SessionOptions session, std::chrono::milliseconds interval,
                             std::function<void(bool serving)> report)
    : session_(std::move(session)), interval_(interval), report_(std::move(report)) {
  thread_ = std::thread([this] { Loop(); });
}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthMonitor::Loop() {
  std::optional<bool> last;
  const int schema = storage::LatestSchemaVersion();
  for (;;) {
    const bool serving = session_.IsReady(schema);
    if (serving != last) {
      report_(serving);
      api::LogEvent(serving ? spdlog::level::info : spdlog::level::warn, "health",
                    {{"status", serving ? "SERVING" : "NOT_SERVING"},
                     {"why", serving ? "database reachable and migrated"
                                     : "database unreachable or not migrated"}});
      last = serving;
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace lifecycle::app
