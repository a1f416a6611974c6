#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/customer.h"

namespace lifecycle::storage {

class Transaction;

// Offers made in a period to one segment ("" for none) of one product.
struct OfferCounts {
  std::string segment_id;
  std::string product_id;
  std::int64_t made = 0;
  std::int64_t accepted = 0;
  std::int64_t declined = 0;
  std::int64_t expired = 0;
  double revenue = 0;
};

// Customers that existed at `time` and the products they held then.
struct WalletPoint {
  domain::Timestamp time;
  std::int64_t customers = 0;
  std::int64_t products_held = 0;
};

struct CrossSellMetricsQuery {
  std::optional<std::string> segment_id;
  std::optional<std::string> product_id;
  domain::Timestamp start;
  domain::Timestamp end;
  std::chrono::seconds interval{0};
  int points = 0;  // start, start + interval, ... (points of them)
};

// SQL for the cross-sell metrics.
class CrossSellMetricsStore {
 public:
  explicit CrossSellMetricsStore(Transaction& tx) : tx_(tx) {}

  // Offers created in [start, end) by segment and product.
  std::vector<OfferCounts> Offers(const std::string& tenant_id, const CrossSellMetricsQuery& query);
  // Share of wallet at each point, from one pass over customers and
  // holdings (each adds at its creation and, removed, subtracts at removal)
  // of the segment's customers now.
  std::vector<WalletPoint> Wallet(const std::string& tenant_id, const CrossSellMetricsQuery& query);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
