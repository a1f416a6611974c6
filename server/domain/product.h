#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {

// Values match lifecycle.v1.ProductStatus.
enum class ProductStatus { kActive = 1, kRetired = 2 };

std::string_view ProductStatusName(ProductStatus status);
std::optional<ProductStatus> ProductStatusFromName(std::string_view name);
std::optional<ProductStatus> ProductStatusFromNumber(int number);

inline constexpr std::size_t kMaxProductNameLength = 200;
inline constexpr std::size_t kMaxLadderSteps = 50;

// One product of the tenant's catalogue.
struct Product {
  std::string product_id;
  std::string display_name;
  std::string category;
  ProductStatus status = ProductStatus::kActive;
  Timestamp create_time;
  Timestamp update_time;
};

// One rung of a segment's ladder: `product_id` is offered once
// `after_product_id` is held ("" for an entry product) and the customer has
// reached `min_stage` (RETAINED or EXTENDED).
struct LadderStep {
  std::string product_id;
  std::string after_product_id;
  Stage min_stage = Stage::kRetained;
};

struct ProductLadder {
  std::string segment_id;
  std::vector<LadderStep> steps;  // step 1 first
};

// Values match lifecycle.v1.HoldingSource.
enum class HoldingSource { kPurchase = 1, kManual = 2, kOffer = 3 };

std::string_view HoldingSourceName(HoldingSource source);
std::optional<HoldingSource> HoldingSourceFromName(std::string_view name);

struct Holding {
  std::string customer_id;
  std::string product_id;
  HoldingSource source = HoldingSource::kManual;
  Timestamp acquire_time;
};

}  // namespace lifecycle::domain
