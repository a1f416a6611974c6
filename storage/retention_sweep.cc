#include "storage/retention_sweep.h"

#include <cmath>
#include <vector>

#include "server/domain/transitions.h"
#include "storage/health_store.h"
#include "storage/lifecycle_store.h"
#include "storage/retention_policy_store.h"

namespace lifecycle::storage {
namespace {

// Scores drift every second; rewriting a row for less would only churn.
constexpr double kRescoreStep = 0.5;

// The stages the lifecycle lets the sweep lapse (from the transition table).
std::vector<domain::Stage> LapsableStages() {
  std::vector<domain::Stage> stages;
  for (const auto& rule : domain::TransitionTable()) {
    const unsigned sweep = 1u << static_cast<int>(domain::Trigger::kLapseSweep);
    if (rule.to == domain::Stage::kLapsed && (rule.triggers & sweep) != 0) {
      stages.push_back(rule.from);
    }
  }
  return stages;
}

domain::TransitionCommand LapseCommand(const std::string& customer_id) {
  domain::TransitionCommand command;
  command.customer_id = customer_id;
  command.to = domain::Stage::kLapsed;
  command.trigger = domain::Trigger::kLapseSweep;
  command.actor = std::string(domain::kSystemActor);
  command.actor_role = domain::Role::kService;
  command.reason = "no purchase or activity within the lapse window";
  return command;
}

struct PageResult {
  int count = 0;  // rows looked at; fewer than the page size ends the sweep
  int changed = 0;
  std::string last;
};

PageResult LapsePage(Transaction& tx, const std::string& tenant_id, domain::Timestamp now,
                     const std::string& after, int page) {
  const auto policy = RetentionPolicyStore(tx).Get(tenant_id);
  HealthStore health(tx);
  const auto stages = LapsableStages();
  const auto due = health.LapseDue(tenant_id, policy, stages, now, after, page);
  if (due.empty()) return {};
  LifecycleStore lifecycle(tx);
  lifecycle.LockStages(tenant_id, due);
  std::vector<domain::TransitionCommand> commands;
  for (const auto& id : health.LapseDue(tenant_id, policy, stages, now, "", page, &due)) {
    commands.push_back(LapseCommand(id));
  }
  const auto outcome = lifecycle.ApplyMany(tenant_id, commands);
  return {static_cast<int>(due.size()), static_cast<int>(outcome.applied.size()), due.back()};
}

PageResult RescorePage(Transaction& tx, const std::string& tenant_id, domain::Timestamp now,
                       const std::string& after, int page) {
  const auto policy = RetentionPolicyStore(tx).Get(tenant_id);
  HealthStore health(tx);
  const auto rows = health.Page(tenant_id, after, page);
  if (rows.empty()) return {};
  std::vector<Rescore> scores;
  for (const auto& row : rows) {
    const auto view = domain::Evaluate(row.state, policy, now);
    if (view.band != row.band || std::abs(view.score - row.score) >= kRescoreStep) {
      scores.push_back({row.customer_id, row.state_update_time, view.score, view.band});
    }
  }
  health.StoreScores(tenant_id, scores, now);
  return {static_cast<int>(rows.size()), static_cast<int>(scores.size()), rows.back().customer_id};
}

template <class PageFn>
int EveryPage(Session& session, const TxOptions& options, int page, PageFn page_fn) {
  int changed = 0;
  std::string after;
  for (;;) {
    const PageResult result =
        session.Run(options, [&](Transaction& tx) { return page_fn(tx, after); });
    changed += result.changed;
    if (result.count < page) return changed;
    after = result.last;
  }
}

}  // namespace

SweepResult SweepTenant(Session& session, const TxOptions& options, const std::string& tenant_id,
                        domain::Timestamp now, int page) {
  SweepResult result;
  result.lapsed = EveryPage(session, options, page, [&](Transaction& tx, const std::string& after) {
    return LapsePage(tx, tenant_id, now, after, page);
  });
  result.rescored =
      EveryPage(session, options, page, [&](Transaction& tx, const std::string& after) {
        return RescorePage(tx, tenant_id, now, after, page);
      });
  return result;
}

}  // namespace lifecycle::storage
