#include "storage/signal_ingest.h"

#include <algorithm>
#include <optional>

#include "server/domain/error.h"
#include "storage/health_store.h"
#include "storage/holding_store.h"
#include "storage/signal_store.h"

namespace lifecycle::storage {
namespace {

// A customer's new signals in this batch: indexes into the stored signals.
struct Pending {
  IngestCustomer base;
  std::vector<std::size_t> stored;
};

// What the customer's new signals do, computed from the state as read.
struct Advance {
  HealthWrite write;
  domain::HealthView view;  // at `now`
  bool reacquainted = false;
  std::optional<domain::Stage> move;
};

// A purchase or activity while LAPSED opens an opportunity, once per lapse.
bool OpensReacquaintance(const domain::StageSnapshot& stage,
                         const std::optional<domain::Timestamp>& reacquaint_time,
                         domain::SignalKind kind) {
  return domain::IsReacquaintance(stage.stage, kind) &&
         (!reacquaint_time || *reacquaint_time < stage.stage_enter_time);
}

Advance AdvanceCustomer(const Pending& pending, const std::vector<domain::Signal>& signals,
                        const std::vector<double>& impacts, const domain::RetentionPolicy& policy,
                        domain::Timestamp now) {
  const IngestCustomer& base = pending.base;
  Advance advance;
  HealthWrite& write = advance.write;
  write.customer_id = base.stage.customer_id;
  write.state = base.state.value_or(domain::HealthState{});
  write.reacquaint_time = base.reacquaint_time;
  write.expected_version = base.state_version;
  write.snapshot_due = base.snapshot_due;
  for (std::size_t k : pending.stored) {
    const domain::Signal& signal = signals[k];
    domain::AddSignal(write.state, signal, impacts[k], policy.half_life);
    if (OpensReacquaintance(base.stage, write.reacquaint_time, signal.kind)) {
      // Never before the lapse it ends, so the next signal does not reopen it.
      write.reacquaint_time = std::max(signal.occur_time, base.stage.stage_enter_time);
      advance.reacquainted = true;
    }
    if (!advance.move) advance.move = domain::AutomaticMove(base.stage.stage, signal.kind);
  }
  advance.view = domain::Evaluate(write.state, policy, now);
  write.score = advance.view.score;
  write.band = advance.view.band;
  return advance;
}

domain::TransitionCommand SignalMove(const std::string& customer_id, domain::Stage to) {
  domain::TransitionCommand command;
  command.customer_id = customer_id;
  command.to = to;
  command.trigger = domain::Trigger::kSignal;
  command.actor = std::string(domain::kSystemActor);
  command.actor_role = domain::Role::kService;
  command.reason = "first purchase";
  return command;
}

// Computes the writes of the customers in `ids` (those with new signals).
std::vector<Advance> AdvanceAll(const std::vector<std::string>& ids,
                                const std::unordered_map<std::string, Pending>& customers,
                                const std::vector<domain::Signal>& signals,
                                const std::vector<double>& impacts,
                                const domain::RetentionPolicy& policy, domain::Timestamp now) {
  std::vector<Advance> advances;
  for (const auto& id : ids) {
    auto it = customers.find(id);
    if (it == customers.end() || it->second.stored.empty()) continue;
    advances.push_back(AdvanceCustomer(it->second, signals, impacts, policy, now));
  }
  return advances;
}

std::vector<HealthWrite> WritesOf(const std::vector<Advance>& advances) {
  std::vector<HealthWrite> writes;
  writes.reserve(advances.size());
  for (const auto& advance : advances) writes.push_back(advance.write);
  return writes;
}

}  // namespace

IngestResult RecordSignals(Transaction& tx, const std::string& tenant_id,
                           const domain::RetentionPolicy& policy,
                           const std::vector<domain::Signal>& signals, domain::Timestamp now) {
  IngestResult result;
  result.fates.assign(signals.size(), SignalFate::kCustomerNotFound);
  // Id order is the order health rows are locked in: two batches sharing
  // customers wait for each other instead of deadlocking.
  std::vector<std::string> ids;
  for (const auto& signal : signals) ids.push_back(signal.customer_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  HealthStore health(tx);
  std::unordered_map<std::string, Pending> customers;
  for (auto& read : health.ReadForIngest(tenant_id, ids)) {
    const std::string id = read.stage.customer_id;
    customers[id].base = std::move(read);
  }

  std::vector<std::size_t> present;  // indexes into signals
  std::vector<domain::Signal> known;
  std::vector<double> impacts;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (!customers.contains(signals[i].customer_id)) continue;
    present.push_back(i);
    known.push_back(signals[i]);
    impacts.push_back(domain::Impact(signals[i], policy));
  }
  const std::vector<bool> stored = SignalStore(tx).InsertNew(tenant_id, known, impacts);
  HoldingStore(tx).AddFromPurchases(tenant_id, known, stored);

  for (std::size_t k = 0; k < known.size(); ++k) {
    result.fates[present[k]] = stored[k] ? SignalFate::kStored : SignalFate::kDuplicate;
    if (stored[k]) customers.at(known[k].customer_id).stored.push_back(k);
  }

  // Optimistic first: no customer was locked to read. A customer another
  // batch changed in between is read again under its row lock and redone;
  // holding that lock, the second write cannot miss.
  std::vector<Advance> advances = AdvanceAll(ids, customers, known, impacts, policy, now);
  const auto written = health.SaveIfUnchanged(tenant_id, WritesOf(advances), now);
  std::vector<std::string> raced;
  for (const auto& advance : advances) {
    if (!written.contains(advance.write.customer_id)) raced.push_back(advance.write.customer_id);
  }
  if (!raced.empty()) {
    for (auto& read : health.LockForIngest(tenant_id, raced)) {
      const std::string id = read.stage.customer_id;
      customers.at(id).base = std::move(read);
    }
    std::vector<Advance> redone = AdvanceAll(raced, customers, known, impacts, policy, now);
    if (health.SaveIfUnchanged(tenant_id, WritesOf(redone), now).size() != redone.size()) {
      throw domain::Error::Internal("health write lost a race while holding the row lock");
    }
    std::unordered_map<std::string, Advance> by_id;
    for (auto& advance : redone) by_id.emplace(advance.write.customer_id, std::move(advance));
    for (auto& advance : advances) {
      auto it = by_id.find(advance.write.customer_id);
      if (it != by_id.end()) advance = std::move(it->second);
    }
  }

  std::vector<domain::TransitionCommand> moves;
  for (const auto& advance : advances) {
    const std::string& id = advance.write.customer_id;
    result.health.emplace(id, advance.view);
    if (advance.reacquainted) result.reacquainted.push_back(id);
    if (advance.move) moves.push_back(SignalMove(id, *advance.move));
  }
  if (!moves.empty()) {
    result.transitions = LifecycleStore(tx).ApplyMany(tenant_id, moves).applied;
  }
  return result;
}

}  // namespace lifecycle::storage
