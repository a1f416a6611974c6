#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/offer.h"

namespace lifecycle::storage {

class Transaction;

// SQL for cross-sell offers. Callers lock the customer's row first
// (LifecycleStore::Lock), so decisions about one customer's offers are made
// one at a time.
class OfferStore {
 public:
  explicit OfferStore(Transaction& tx) : tx_(tx) {}

  // An OPEN offer; the caller has checked the customer may get it.
  domain::Offer Create(const std::string& tenant_id, const domain::Offer& offer);
  // The offer, without a lock. NOT_FOUND.
  domain::Offer Get(const std::string& tenant_id, std::int64_t offer_id);
  // The offer, locked until commit. NOT_FOUND.
  domain::Offer Lock(const std::string& tenant_id, std::int64_t offer_id);
  // Closes an OPEN offer with the outcome.
  domain::Offer Resolve(const std::string& tenant_id, const domain::OfferOutcome& outcome);
  // The customer's open offer, if any.
  std::optional<domain::Offer> Open(const std::string& tenant_id, const std::string& customer_id);
  // The customer's offers with offer_id < before (nothing: newest), newest first.
  std::vector<domain::Offer> List(const std::string& tenant_id, const std::string& customer_id,
                                  std::optional<std::int64_t> before, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
