#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "server/domain/customer.h"
#include "server/domain/health_band.h"

namespace lifecycle::storage {

class Transaction;

// Counts behind RetentionService.GetRetentionMetrics.
struct RetentionCounts {
  std::int64_t active_customers = 0;      // a purchase or activity in the period
  std::int64_t purchasing_customers = 0;  // >= 1 purchase in the period
  std::int64_t repeat_customers = 0;      // >= 2 purchases in the period
  std::int64_t nps_responses = 0;
  std::int64_t promoters = 0;                        // NPS 9-10
  std::int64_t detractors = 0;                       // NPS 0-6
  double average_score = 0;                          // stored scores now
  std::map<domain::HealthBand, std::int64_t> bands;  // stored bands now
  std::int64_t lapsed = 0;                           // moves to LAPSED in the period
};

// Read-only aggregates over signals, retention_health and the transition log.
class RetentionMetricsStore {
 public:
  explicit RetentionMetricsStore(Transaction& tx) : tx_(tx) {}

  // Over [start, end), for the tenant or the customers now in `segment_id`.
  RetentionCounts Count(const std::string& tenant_id, const std::optional<std::string>& segment_id,
                        domain::Timestamp start, domain::Timestamp end);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
