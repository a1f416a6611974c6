#include "storage/product_store.h"

#include "server/domain/error.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define PRODUCT_COLUMNS                                                                          \
  "product_id, display_name, category, status, " LC_SQL_MICROS("created_at") ", " LC_SQL_MICROS( \
      "updated_at")

const Statement kCreate{
    "product_create",
    "INSERT INTO products (tenant_id, product_id, display_name, category, status)"
    " VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING " PRODUCT_COLUMNS};
const Statement kUpdate{
    "product_update",
    "UPDATE products SET display_name = coalesce($3, display_name),"
    " category = coalesce($4, category), status = coalesce($5, status), updated_at = now()"
    " WHERE tenant_id = $1::uuid AND product_id = $2 RETURNING " PRODUCT_COLUMNS};
const Statement kGet{"product_get",
                     "SELECT " PRODUCT_COLUMNS
                     " FROM products WHERE tenant_id = $1::uuid AND product_id = $2"};
const Statement kList{"product_list",
                      "SELECT " PRODUCT_COLUMNS
                      " FROM products WHERE tenant_id = $1::uuid"
                      " AND ($2::text IS NULL OR product_id > $2) ORDER BY product_id LIMIT $3"};
const Statement kSegmentExists{
    "product_segment_exists",
    "SELECT 1 FROM segments WHERE tenant_id = $1::uuid AND segment_id = $2"};
// The first of the ids (in array order) that names no product, if any.
const Statement kMissingProduct{"product_missing",
                                "SELECT u.n FROM unnest($2::text[]) WITH ORDINALITY AS u(id, n)"
                                " WHERE u.id <> '' AND NOT EXISTS (SELECT 1 FROM products p"
                                "   WHERE p.tenant_id = $1::uuid AND p.product_id = u.id)"
                                " ORDER BY u.n LIMIT 1"};
const Statement kDeleteLadder{
    "product_ladder_delete",
    "DELETE FROM product_ladder_steps WHERE tenant_id = $1::uuid AND segment_id = $2"};
const Statement kInsertLadder{
    "product_ladder_insert",
    "INSERT INTO product_ladder_steps (tenant_id, segment_id, position, product_id,"
    " after_product_id, min_stage)"
    " SELECT $1::uuid, $2, u.n - 1, u.id, nullif(u.after, ''), u.min_stage"
    " FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, after, min_stage, "
    "n)"};
const Statement kGetLadder{
    "product_ladder_get",
    "SELECT product_id, coalesce(after_product_id, ''), min_stage FROM product_ladder_steps"
    " WHERE tenant_id = $1::uuid AND segment_id = $2 ORDER BY position"};

domain::Product FromRow(const pqxx::row& row) {
  return domain::Product{
      .product_id = row[0].as<std::string>(),
      .display_name = row[1].as<std::string>(),
      .category = row[2].as<std::string>(),
      .status = domain::ProductStatusFromName(row[3].as<std::string>())
                    .value_or(domain::ProductStatus::kActive),
      .create_time = FromEpochMicros(row[4].as<std::int64_t>()),
      .update_time = FromEpochMicros(row[5].as<std::int64_t>()),
  };
}

}  // namespace

domain::Product ProductStore::Create(const std::string& tenant_id, const domain::Product& product) {
  auto rows = tx_.Exec(kCreate, tenant_id, product.product_id, product.display_name,
                       product.category, std::string(domain::ProductStatusName(product.status)));
  if (rows.empty()) throw domain::Error::AlreadyExists("product '" + product.product_id + "'");
  return FromRow(rows[0]);
}

domain::Product ProductStore::Update(const std::string& tenant_id, const ProductChange& change) {
  const std::optional<std::string> status =
      change.status ? std::optional<std::string>(domain::ProductStatusName(*change.status))
                    : std::nullopt;
  auto rows = tx_.Exec(kUpdate, tenant_id, change.product_id, NullableText(change.display_name),
                       NullableText(change.category), NullableText(status));
  if (rows.empty()) throw domain::Error::NotFound("product '" + change.product_id + "'");
  return FromRow(rows[0]);
}

std::optional<domain::Product> ProductStore::Get(const std::string& tenant_id,
                                                 const std::string& product_id) {
  auto rows = tx_.Exec(kGet, tenant_id, product_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<domain::Product> ProductStore::List(const std::string& tenant_id,
                                                const std::optional<std::string>& after,
                                                int limit) {
  auto rows = tx_.Exec(kList, tenant_id, NullableText(after), limit);
  std::vector<domain::Product> products;
  products.reserve(rows.size());
  for (const auto& row : rows) products.push_back(FromRow(row));
  return products;
}

void ProductStore::SetLadder(const std::string& tenant_id, const domain::ProductLadder& ladder) {
  if (tx_.Exec(kSegmentExists, tenant_id, ladder.segment_id).empty()) {
    throw domain::Error::NotFound("segment '" + ladder.segment_id + "'");
  }
  std::vector<std::string> ids, afters, stages;
  for (const auto& step : ladder.steps) {
    ids.push_back(step.product_id);
    afters.push_back(step.after_product_id);
    stages.emplace_back(domain::StageName(step.min_stage));
  }
  // Products and prerequisites interleaved, so the first missing one is
  // named in the order a reader meets it.
  std::vector<std::string> named;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    named.push_back(ids[i]);
    named.push_back(afters[i]);
  }
  auto missing = tx_.Exec(kMissingProduct, tenant_id, ToSqlTextArray(named));
  if (!missing.empty()) {
    const auto n = missing[0][0].as<std::int64_t>() - 1;
    throw domain::Error::NotFound("product '" + named[n] + "'");
  }
  tx_.Exec(kDeleteLadder, tenant_id, ladder.segment_id);
  tx_.Exec(kInsertLadder, tenant_id, ladder.segment_id, ToSqlTextArray(ids), ToSqlTextArray(afters),
           ToSqlTextArray(stages));
}

domain::ProductLadder ProductStore::GetLadder(const std::string& tenant_id,
                                              const std::string& segment_id) {
  if (tx_.Exec(kSegmentExists, tenant_id, segment_id).empty()) {
    throw domain::Error::NotFound("segment '" + segment_id + "'");
  }
  domain::ProductLadder ladder{.segment_id = segment_id};
  for (const auto& row : tx_.Exec(kGetLadder, tenant_id, segment_id)) {
    ladder.steps.push_back(domain::LadderStep{
        .product_id = row[0].as<std::string>(),
        .after_product_id = row[1].as<std::string>(),
        .min_stage =
            domain::StageFromName(row[2].as<std::string>()).value_or(domain::Stage::kRetained)});
  }
  return ladder;
}

}  // namespace lifecycle::storage
