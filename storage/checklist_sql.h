#pragma once

// Step columns shared by the checklist template store and the onboarding
// store: both write and read the same step fields (a checklist copies its
// template's steps).

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "server/domain/checklist.h"

namespace lifecycle::storage {

// Step fields as PostgreSQL array literals, one element per step, for
// multi-row inserts through unnest().
struct StepArrays {
  explicit StepArrays(const std::vector<domain::StepTemplate>& steps);
  std::string step_ids, kinds, titles, channels, due_offsets, required;
};

// The SQL list of step columns StepTemplateFromRow reads, in its order.
#define LC_STEP_TEMPLATE_COLUMNS "step_id, kind, title, channel, due_offset_seconds, required"

// Reads LC_STEP_TEMPLATE_COLUMNS starting at column `first`.
domain::StepTemplate StepTemplateFromRow(const pqxx::row& row, int first);

}  // namespace lifecycle::storage
