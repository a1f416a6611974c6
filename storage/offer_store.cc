#include "storage/offer_store.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define OFFER_COLUMNS                                                                      \
  "offer_id, customer_id, product_id, channel, coalesce(segment_id, ''), status, revenue," \
  " created_by, " LC_SQL_MICROS("created_at") ", " LC_SQL_MICROS("resolved_at")

const Statement kCreate{
    "offer_create",
    "INSERT INTO cross_sell_offers (tenant_id, customer_id, product_id, channel, segment_id,"
    " created_by, created_at) VALUES ($1::uuid, $2, $3, $4, nullif($5, ''), $6, clock_timestamp())"
    " RETURNING " OFFER_COLUMNS};
const Statement kGet{"offer_get",
                     "SELECT " OFFER_COLUMNS
                     " FROM cross_sell_offers WHERE tenant_id = $1::uuid AND offer_id = $2"};
const Statement kLock{"offer_lock",
                      "SELECT " OFFER_COLUMNS
                      " FROM cross_sell_offers WHERE tenant_id = $1::uuid AND offer_id = $2"
                      " FOR UPDATE"};
const Statement kResolve{
    "offer_resolve",
    "UPDATE cross_sell_offers SET status = $3, revenue = $4,"
    " resolved_at = greatest(clock_timestamp(), created_at)"
    " WHERE tenant_id = $1::uuid AND offer_id = $2 AND status = 'OPEN' RETURNING " OFFER_COLUMNS};
const Statement kOpen{"offer_open",
                      "SELECT " OFFER_COLUMNS
                      " FROM cross_sell_offers WHERE tenant_id = $1::uuid AND customer_id = $2"
                      " AND status = 'OPEN'"};
const Statement kList{"offer_list",
                      "SELECT " OFFER_COLUMNS
                      " FROM cross_sell_offers WHERE tenant_id = $1::uuid AND customer_id = $2"
                      " AND ($3::bigint IS NULL OR offer_id < $3) ORDER BY offer_id DESC LIMIT $4"};

domain::Offer FromRow(const pqxx::row& row) {
  domain::Offer offer{
      .offer_id = row[0].as<std::int64_t>(),
      .customer_id = row[1].as<std::string>(),
      .product_id = row[2].as<std::string>(),
      .channel =
          domain::ChannelFromName(row[3].as<std::string>()).value_or(domain::Channel::kEmail),
      .segment_id = row[4].as<std::string>(),
      .status = domain::OfferStatusFromName(row[5].as<std::string>())
                    .value_or(domain::OfferStatus::kOpen),
      .revenue = row[6].as<double>(),
      .created_by = row[7].as<std::string>(),
      .create_time = FromEpochMicros(row[8].as<std::int64_t>()),
  };
  if (!row[9].is_null()) offer.resolve_time = FromEpochMicros(row[9].as<std::int64_t>());
  return offer;
}

std::vector<domain::Offer> Offers(const pqxx::result& rows) {
  std::vector<domain::Offer> offers;
  offers.reserve(rows.size());
  for (const auto& row : rows) offers.push_back(FromRow(row));
  return offers;
}

domain::Offer One(const pqxx::result& rows, std::int64_t offer_id) {
  if (rows.empty()) throw domain::Error::NotFound("offer " + std::to_string(offer_id));
  return FromRow(rows[0]);
}

}  // namespace

domain::Offer OfferStore::Create(const std::string& tenant_id, const domain::Offer& offer) {
  return FromRow(tx_.Exec(kCreate, tenant_id, offer.customer_id, offer.product_id,
                          std::string(domain::ChannelName(offer.channel)), offer.segment_id,
                          offer.created_by)
                     .at(0));
}

domain::Offer OfferStore::Get(const std::string& tenant_id, std::int64_t offer_id) {
  return One(tx_.Exec(kGet, tenant_id, offer_id), offer_id);
}

domain::Offer OfferStore::Lock(const std::string& tenant_id, std::int64_t offer_id) {
  return One(tx_.Exec(kLock, tenant_id, offer_id), offer_id);
}

domain::Offer OfferStore::Resolve(const std::string& tenant_id,
                                  const domain::OfferOutcome& outcome) {
  return FromRow(tx_.Exec(kResolve, tenant_id, outcome.offer_id,
                          std::string(domain::OfferStatusName(outcome.status)), outcome.revenue)
                     .at(0));
}

std::optional<domain::Offer> OfferStore::Open(const std::string& tenant_id,
                                              const std::string& customer_id) {
  auto rows = tx_.Exec(kOpen, tenant_id, customer_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<domain::Offer> OfferStore::List(const std::string& tenant_id,
                                            const std::string& customer_id,
                                            std::optional<std::int64_t> before, int limit) {
  return Offers(before ? tx_.Exec(kList, tenant_id, customer_id, *before, limit)
                       : tx_.Exec(kList, tenant_id, customer_id, nullptr, limit));
}

}  // namespace lifecycle::storage
