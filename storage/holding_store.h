#pragma once

#include <string>
#include <vector>

#include "server/domain/product.h"
#include "server/domain/signal.h"

namespace lifecycle::storage {

class Transaction;

// SQL for the products customers hold. A removed holding keeps its row
// (removed_at) for share-of-wallet history; holding it again reopens it.
class HoldingStore {
 public:
  explicit HoldingStore(Transaction& tx) : tx_(tx) {}

  // The holding (unchanged if already held). NOT_FOUND for an unknown
  // customer or product.
  domain::Holding Add(const std::string& tenant_id, const std::string& customer_id,
                      const std::string& product_id, domain::HoldingSource source,
                      domain::Timestamp at);
  // NOT_FOUND when the customer does not hold the product.
  void Remove(const std::string& tenant_id, const std::string& customer_id,
              const std::string& product_id);
  // Held now, by product id.
  std::vector<domain::Holding> List(const std::string& tenant_id, const std::string& customer_id);
  // Product ids held now, sorted.
  std::vector<std::string> Held(const std::string& tenant_id, const std::string& customer_id);
  int CountHeld(const std::string& tenant_id, const std::string& customer_id);

  // Holdings from the purchases among `signals` that were stored (`stored`
  // runs parallel to `signals`) and name a catalogue product (detail), in
  // one statement; other signals and unknown products are ignored.
  void AddFromPurchases(const std::string& tenant_id, const std::vector<domain::Signal>& signals,
                        const std::vector<bool>& stored);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
