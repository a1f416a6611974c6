#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/checklist.h"
#include "server/domain/checklist_rules.h"

namespace lifecycle::storage {

class Transaction;

// A pending step past due, for the support work queue.
struct OverdueStep {
  std::string customer_id;
  std::string segment_id;
  std::int64_t onboarding_number = 0;
  int position = 0;  // in the checklist
  domain::ChecklistStep step;
};

// Where an overdue page starts: after this (due time, customer, position).
struct OverduePosition {
  domain::Timestamp due_time;
  std::string customer_id;
  int position = 0;
};

// SQL for customers' onboarding checklists and their steps. Checklists are
// opened and closed by LifecycleStore::Write, with the customer's row
// locked; steps are resolved with it locked too.
class OnboardingStore {
 public:
  explicit OnboardingStore(Transaction& tx) : tx_(tx) {}

  // The customer's next checklist, from the segment's current template (an
  // empty one without a segment or template), started at `start`.
  void Open(const std::string& tenant_id, const std::string& customer_id,
            const std::string& segment_id, domain::Timestamp start);
  // Closes the open checklist, if any: the customer left ONBOARDING for `to`.
  void Close(const std::string& tenant_id, const std::string& customer_id, domain::Stage to,
             domain::Timestamp at);
  // The customer's most recent checklist (open or closed), with its steps.
  std::optional<domain::Checklist> Latest(const std::string& tenant_id,
                                          const std::string& customer_id);
  // Required steps still pending on the open checklist (0 without one).
  int OpenRequiredSteps(const std::string& tenant_id, const std::string& customer_id);
  // Writes a decision of domain::DecideStepResolution.
  void Resolve(const std::string& tenant_id, const domain::Checklist& checklist,
               const domain::StepDecision& decision, const domain::StepResolution& resolution);
  // Pending steps due before `now` on open checklists (optionally of one
  // segment), oldest due first, after `after`.
  std::vector<OverdueStep> Overdue(const std::string& tenant_id,
                                   const std::optional<std::string>& segment_id,
                                   domain::Timestamp now,
                                   const std::optional<OverduePosition>& after, int limit);

 private:
  Transaction& tx_;
};

}  // namespace lifecycle::storage
