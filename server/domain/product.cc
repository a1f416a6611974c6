#include "server/domain/product.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {
namespace {

constexpr EnumName<ProductStatus> kProductStatuses[] = {
    {ProductStatus::kActive, "ACTIVE"},
    {ProductStatus::kRetired, "RETIRED"},
};

constexpr EnumName<HoldingSource> kHoldingSources[] = {
    {HoldingSource::kPurchase, "PURCHASE"},
    {HoldingSource::kManual, "MANUAL"},
    {HoldingSource::kOffer, "OFFER"},
};

}  // namespace

std::string_view ProductStatusName(ProductStatus status) {
  return NamedValue(kProductStatuses, status);
}
std::optional<ProductStatus> ProductStatusFromName(std::string_view name) {
  return ValueNamed(kProductStatuses, name);
}
std::optional<ProductStatus> ProductStatusFromNumber(int number) {
  return ValueNumbered(kProductStatuses, number);
}

std::string_view HoldingSourceName(HoldingSource source) {
  return NamedValue(kHoldingSources, source);
}
std::optional<HoldingSource> HoldingSourceFromName(std::string_view name) {
  return ValueNamed(kHoldingSources, name);
}

}  // namespace lifecycle::domain
