#include "storage/stage_counts.h"

#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

const Statement kCountByStage{"stage_counts",
                              "SELECT stage, count(*) FROM customers GROUP BY stage"};

}  // namespace

std::map<domain::Stage, std::int64_t> CountCustomersByStage(Transaction& tx) {
  std::map<domain::Stage, std::int64_t> counts;
  for (const auto stage : domain::kAllStages) counts[stage] = 0;
  for (const auto& row : tx.Exec(kCountByStage)) {
    if (const auto stage = domain::StageFromName(row[0].as<std::string>())) {
      counts[*stage] = row[1].as<std::int64_t>();
    }
  }
  return counts;
}

}  // namespace lifecycle::storage
