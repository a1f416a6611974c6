#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/product.h"

namespace lifecycle::storage {

class Transaction;

// A change to a product: unset members keep their value.
struct ProductChange {
  std::string product_id;
  std::optional<std::string> display_name;
  std::optional<std::string> category;
  std::optional<domain::ProductStatus> status;
};

// SQL for the tenant's product catalogue and segments' product ladders.
class ProductStore {
 public:
  explicit ProductStore(Transaction& tx) : tx_(tx) {}

  // ALREADY_EXISTS when the id is taken.
  domain::Product Create(const std::string& tenant_id, const domain::Product& product);
  // NOT_FOUND.
  domain::Product Update(const std::string& tenant_id, const ProductChange& change);
  std::optional<domain::Product> Get(const std::string& tenant_id, const std::string& product_id);
  // By product_id, after `after` (nothing: from the start).
  std::vector<domain::Product> List(const std::string& tenant_id,
                                    const std::optional<std::string>& after, int limit);

  // Replaces the segment's ladder. NOT_FOUND for an unknown segment or
  // product (the first one met).
  void SetLadder(const std::string& tenant_id, const domain::ProductLadder& ladder);
  // Empty steps when the segment has none. NOT_FOUND for an unknown segment.
  domain::ProductLadder GetLadder(const std::string& tenant_id, const std::string& segment_id);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
