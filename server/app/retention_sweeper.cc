#include "server/app/retention_sweeper.h"

#include "server/api/structured_log.h"
#include "server/domain/error.h"
#include "storage/retention_sweep.h"
#include "storage/tenant_store.h"

namespace lifecycle::app {
namespace {

// A sweep page is bounded in rows, not time; give it room.
constexpr storage::TxOptions kSweepTx{.timeout = std::chrono::seconds(60)};

}  // namespace

RetentionSweeper::RetentionSweeper(storage::SessionOptions session,
                                   std::chrono::milliseconds interval)
    : session_(std::move(session)), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionSweeper::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    SweepAll();
  }
}

void RetentionSweeper::SweepAll() {
  try {
    const auto tenants = session_.Run(
        kSweepTx, [](storage::Transaction& tx) { return storage::TenantStore(tx).Ids(); });
    for (const auto& tenant : tenants) {
      const auto result =
          storage::SweepTenant(session_, kSweepTx, tenant, std::chrono::system_clock::now());
      if (result.lapsed > 0 || result.rescored > 0) {
        api::LogEvent(spdlog::level::info, "retention_sweep",
                      {{"tenant", tenant},
                       {"lapsed", std::to_string(result.lapsed)},
                       {"rescored", std::to_string(result.rescored)}});
      }
    }
  } catch (const domain::Error& error) {
    // The database may be away; the next interval tries again.
    api::LogEvent(spdlog::level::warn, "retention_sweep_failed", {{"error", error.message()}});
  }
}

}  // namespace lifecycle::app
