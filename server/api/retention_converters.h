#pragma once

// Domain <-> wire conversions of RetentionService values.

#include <optional>

#include "lifecycle/v1/retention.pb.h"
#include "server/domain/health_score.h"
#include "server/domain/retention_policy.h"
#include "server/domain/stage.h"
#include "storage/health_store.h"

namespace lifecycle::api {

v1::HealthBand ToProto(domain::HealthBand band);
v1::HealthTrend ToProto(domain::Trend trend);
v1::Signal ToProto(const domain::Signal& signal);
v1::SignalEffect ToProto(const domain::Driver& effect);
void AddComponents(const std::vector<domain::ScoreComponent>& components,
                   google::protobuf::RepeatedPtrField<v1::ScoreComponent>* out);

// A customer's health at `at` from its stored row (score, band and terms
// computed now; trend left unset).
v1::CustomerHealth ToProto(const storage::StoredHealth& stored,
                           const domain::RetentionPolicy& policy, domain::Timestamp at);
// The health of a customer without signals: the baseline.
v1::CustomerHealth BaselineHealth(const std::string& customer_id, domain::Stage stage,
                                  const std::string& segment_id,
                                  const domain::RetentionPolicy& policy);

v1::RetentionPolicy ToProto(const domain::RetentionPolicy& policy);

}  // namespace lifecycle::api
