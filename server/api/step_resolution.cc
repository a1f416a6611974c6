#include "server/api/step_resolution.h"

#include "server/domain/error.h"
#include "storage/onboarding_store.h"

namespace lifecycle::api {

StepOutcome ResolveStep(storage::Transaction& tx, const std::string& tenant_id,
                        const domain::StepResolution& resolution) {
  storage::LifecycleStore lifecycle(tx);
  storage::OnboardingStore checklists(tx);
  // The customer's lock orders this against transitions, which open and
  // close checklists.
  const domain::StageSnapshot customer = lifecycle.Lock(tenant_id, resolution.customer_id);
  auto checklist = checklists.Latest(tenant_id, resolution.customer_id);
  if (!checklist) {
    throw domain::Error::NotFound("onboarding checklist of customer '" + resolution.customer_id +
                                  "'");
  }
  const domain::StepDecision decision = domain::DecideStepResolution(*checklist, resolution);
  checklists.Resolve(tenant_id, *checklist, decision, resolution);

  StepOutcome outcome{.checklist = *checklists.Latest(tenant_id, resolution.customer_id)};
  const bool was_required = checklist->steps.at(decision.index).step.required;
  if (customer.stage == domain::Stage::kOnboarding && was_required &&
      domain::Progress(outcome.checklist).open_required == 0) {
    outcome.moved = lifecycle.Apply(
        tenant_id, domain::TransitionCommand{.customer_id = resolution.customer_id,
                                             .to = domain::Stage::kRetained,
                                             .trigger = domain::Trigger::kChecklistCompleted,
                                             .actor = std::string(domain::kSystemActor),
                                             .request_id = resolution.request_id});
    outcome.checklist = *checklists.Latest(tenant_id, resolution.customer_id);
  }
  return outcome;
}

}  // namespace lifecycle::api
