#include "storage/signal_ingest.h"

#include <algorithm>
#include <optional>

#include "storage/health_store.h"
#include "storage/holding_store.h"
#include "storage/signal_store.h"

namespace lifecycle::storage {
namespace {

// A locked customer and what this batch does to it.
struct Pending {
  LockedCustomer customer;
  bool changed = false;
  std::optional<domain::Stage> move;
};

// A purchase or activity while LAPSED opens an opportunity, once per lapse.
bool OpensReacquaintance(const Pending& pending, domain::SignalKind kind) {
  const auto& customer = pending.customer;
  return domain::IsReacquaintance(customer.stage.stage, kind) &&
         (!customer.reacquaint_time || *customer.reacquaint_time < customer.stage.stage_enter_time);
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

}  // namespace

IngestResult RecordSignals(Transaction& tx, const std::string& tenant_id,
                           const domain::RetentionPolicy& policy,
                           const std::vector<domain::Signal>& signals, domain::Timestamp now) {
  IngestResult result;
  result.fates.assign(signals.size(), SignalFate::kCustomerNotFound);
  std::vector<std::string> ids;
  std::unordered_map<std::string, Pending> customers;
  for (const auto& signal : signals) {
    if (customers.try_emplace(signal.customer_id).second) ids.push_back(signal.customer_id);
  }
  customers.clear();
  for (auto& locked : HealthStore(tx).LockCustomers(tenant_id, ids)) {
    const std::string id = locked.stage.customer_id;
    customers[id].customer = std::move(locked);
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
    if (!stored[k]) continue;
    const domain::Signal& signal = known[k];
    Pending& pending = customers.at(signal.customer_id);
    auto& state = pending.customer.state;
    if (!state) state.emplace();
    domain::AddSignal(*state, signal, impacts[k], policy.half_life);
    pending.changed = true;
    if (OpensReacquaintance(pending, signal.kind)) {
      // Never before the lapse it ends, so the next signal does not reopen it.
      pending.customer.reacquaint_time =
          std::max(signal.occur_time, pending.customer.stage.stage_enter_time);
      result.reacquainted.push_back(signal.customer_id);
    }
    if (!pending.move)
      pending.move = domain::AutomaticMove(pending.customer.stage.stage, signal.kind);
  }

  std::vector<HealthWrite> writes;
  std::vector<domain::TransitionCommand> moves;
  for (const auto& id : ids) {
    auto it = customers.find(id);
    if (it == customers.end() || !it->second.changed) continue;
    const auto& customer = it->second.customer;
    const domain::HealthView view = domain::Evaluate(*customer.state, policy, now);
    writes.push_back({id, *customer.state, view.score, view.band, customer.reacquaint_time});
    result.health.emplace(id, view);
    if (it->second.move) moves.push_back(SignalMove(id, *it->second.move));
  }
  HealthStore(tx).Save(tenant_id, writes, now);
  if (!moves.empty()) {
    result.transitions = LifecycleStore(tx).ApplyMany(tenant_id, moves).applied;
  }
  return result;
}

}  // namespace lifecycle::storage
