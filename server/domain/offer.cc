#include "server/domain/offer.h"

#include "server/domain/enum_names.h"

namespace lifecycle::domain {
namespace {

constexpr EnumName<OfferStatus> kOfferStatuses[] = {
    {OfferStatus::kOpen, "OPEN"},
    {OfferStatus::kAccepted, "ACCEPTED"},
    {OfferStatus::kDeclined, "DECLINED"},
    {OfferStatus::kExpired, "EXPIRED"},
};

}  // namespace

std::string_view OfferStatusName(OfferStatus status) { return NamedValue(kOfferStatuses, status); }
std::optional<OfferStatus> OfferStatusFromName(std::string_view name) {
  return ValueNamed(kOfferStatuses, name);
}
std::optional<OfferStatus> OfferStatusFromNumber(int number) {
  return ValueNumbered(kOfferStatuses, number);
}

}  // namespace lifecycle::domain
