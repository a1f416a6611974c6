#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/checklist.h"

namespace lifecycle::storage {

class Transaction;

// SQL for checklist templates: one per segment, each edit a new version.
class ChecklistTemplateStore {
 public:
  explicit ChecklistTemplateStore(Transaction& tx) : tx_(tx) {}

  // Version 1. ALREADY_EXISTS if the segment has a template.
  domain::ChecklistTemplate Create(const std::string& tenant_id,
                                   const domain::ChecklistTemplate& checklist_template);
  // The current version, or `version`.
  std::optional<domain::ChecklistTemplate> Get(const std::string& tenant_id,
                                               const std::string& segment_id,
                                               std::optional<std::int64_t> version = std::nullopt);
  // Writes `checklist_template` as the next version. NOT_FOUND, ABORTED
  // (VERSION_MISMATCH).
  domain::ChecklistTemplate AddVersion(const std::string& tenant_id,
                                       const domain::ChecklistTemplate& checklist_template,
                                       std::optional<std::int64_t> expected_version);
  // Current versions with segment_id > after, by segment_id.
  std::vector<domain::ChecklistTemplate> List(const std::string& tenant_id,
                                              const std::string& after, int limit);

 private:
  void InsertVersion(const std::string& tenant_id, const domain::ChecklistTemplate& version);

  Transaction& tx_;
};

}  // namespace lifecycle::storage
