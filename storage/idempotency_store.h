#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lifecycle::storage {

class Transaction;

struct IdempotencyKey {
  std::string tenant_id;
  std::string request_id;
  std::string method;        // full RPC name
  std::string request_hash;  // digest of the request, raw bytes
};

// SQL for idempotency_keys. Used inside the mutation's own transaction so
// that the effect and its record commit or vanish together.
class IdempotencyStore {
 public:
  explicit IdempotencyStore(Transaction& tx) : tx_(tx) {}

  // Claims the request id for this transaction. Returns the stored response
  // when the same request already completed (a retry); throws
  // INVALID_ARGUMENT when the id was used for a different request. A
  // concurrent claim of the same id waits here until the other commits.
  std::optional<std::string> Claim(const IdempotencyKey& key);
  void Complete(const IdempotencyKey& key, const std::string& response);

  // Deletes up to `limit` records (of any tenant) created before `cutoff`,
  // oldest first; returns how many. Small batches keep each transaction
  // short; the caller repeats while a batch comes back full.
  int PurgeCreatedBefore(std::chrono::system_clock::time_point cutoff, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
