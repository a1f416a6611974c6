#include "server/app/idempotency_purger.h"

#include "server/api/structured_log.h"
#include "server/domain/error.h"
#include "storage/idempotency_store.h"

namespace lifecycle::app {
namespace {

constexpr int kBatch = 5000;
constexpr storage::TxOptions kPurgeTx{.timeout = std::chrono::seconds(30)};

}  // namespace

IdempotencyPurger::IdempotencyPurger(storage::SessionOptions session, std::chrono::hours retention,
                                     std::chrono::milliseconds interval)
    : session_(std::move(session)), retention_(retention), task_(interval, [this] {
        try {
          const int purged = PurgeExpired();
          if (purged > 0) {
            api::LogEvent(spdlog::level::info, "idempotency_purge",
                          {{"purged", std::to_string(purged)}});
          }
        } catch (const domain::Error& error) {
          // The database may be away; the next interval tries again.
          api::LogEvent(spdlog::level::warn, "idempotency_purge_failed",
                        {{"error", error.message()}});
        }
      }) {}

int IdempotencyPurger::PurgeExpired() {
  const auto cutoff = std::chrono::system_clock::now() - retention_;
  int total = 0;
  for (;;) {
    const int purged = session_.Run(kPurgeTx, [&](storage::Transaction& tx) {
      return storage::IdempotencyStore(tx).PurgeCreatedBefore(cutoff, kBatch);
    });
    total += purged;
    if (purged < kBatch) return total;
  }
}

}  // namespace lifecycle::app
