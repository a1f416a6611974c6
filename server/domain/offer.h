#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/domain/checklist.h"
#include "server/domain/customer.h"

namespace lifecycle::domain {

// Values match lifecycle.v1.OfferStatus.
enum class OfferStatus { kOpen = 1, kAccepted = 2, kDeclined = 3, kExpired = 4 };

std::string_view OfferStatusName(OfferStatus status);
std::optional<OfferStatus> OfferStatusFromName(std::string_view name);
std::optional<OfferStatus> OfferStatusFromNumber(int number);

// A cross-sell offer of one product to one customer.
struct Offer {
  std::int64_t offer_id = 0;
  std::string customer_id;
  std::string product_id;
  Channel channel = Channel::kEmail;
  std::string segment_id;  // the customer's when offered
  OfferStatus status = OfferStatus::kOpen;
  double revenue = 0;  // ACCEPTED only
  std::string created_by;
  Timestamp create_time;
  std::optional<Timestamp> resolve_time;
};

// An offer's outcome, validated: not OPEN; revenue only when ACCEPTED.
struct OfferOutcome {
  std::int64_t offer_id = 0;
  OfferStatus status = OfferStatus::kAccepted;
  double revenue = 0;
  std::string request_id;  // logged with the move an acceptance causes
};

}  // namespace lifecycle::domain
