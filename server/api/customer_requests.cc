#include "server/api/customer_requests.h"

#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/stage.h"

namespace lifecycle::api {

CreateCustomerCommand ValidateCreateCustomer(const v1::CreateCustomerRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_customer()) {
    violations.Add("customer", "is required");
    std::move(violations).ThrowIfAny();
  }
  CreateCustomerCommand command;
  command.customer_id = request.customer().customer_id();
  CheckId(violations, "customer.customer_id", command.customer_id);
  command.attributes_json =
      CheckAttributes(violations, "customer.attributes", request.customer().attributes());
  std::move(violations).ThrowIfAny();
  return command;
}

std::string ValidateGetCustomer(const v1::GetCustomerRequest& request) {
  domain::Violations violations;
  CheckId(violations, "customer_id", request.customer_id());
  std::move(violations).ThrowIfAny();
  return request.customer_id();
}

std::string ValidateEraseCustomer(const v1::EraseCustomerRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  CheckId(violations, "customer_id", request.customer_id());
  std::move(violations).ThrowIfAny();
  return request.customer_id();
}

UpdateCustomerCommand ValidateUpdateCustomer(const v1::UpdateCustomerRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_customer()) {
    violations.Add("customer", "is required");
    std::move(violations).ThrowIfAny();
  }
  UpdateCustomerCommand command;
  command.customer_id = request.customer().customer_id();
  CheckId(violations, "customer.customer_id", command.customer_id);
  for (const auto& path : request.update_mask().paths()) {
    if (path != "attributes") {
      violations.Add("update_mask.paths",
                     "'" + path + "' cannot be updated; the only updatable field is 'attributes'");
    }
  }
  command.attributes_json =
      CheckAttributes(violations, "customer.attributes", request.customer().attributes());
  if (request.has_expected_version()) {
    if (request.expected_version() < 1) {
      violations.Add("expected_version", "must be at least 1");
    }
    command.expected_version = request.expected_version();
  }
  std::move(violations).ThrowIfAny();
  return command;
}

ListCustomersQuery ValidateListCustomers(const v1::ListCustomersRequest& request) {
  domain::Violations violations;
  ListCustomersQuery query;
  query.page_size = CheckPageSize(violations, request.page_size());
  if (request.stage() != v1::STAGE_UNSPECIFIED) {
    query.filter.stage = domain::StageFromNumber(request.stage());
    if (!query.filter.stage) {
      violations.Add("stage", "unknown stage " + std::to_string(request.stage()));
    }
  }
  if (!request.segment_id().empty()) {
    CheckId(violations, "segment_id", request.segment_id());
    query.filter.segment_id = request.segment_id();
  }
  query.query_digest =
      "customers;stage=" + std::to_string(request.stage()) + ";segment=" + request.segment_id();
  if (!request.page_token().empty()) {
    try {
      query.after = DecodePageToken(request.page_token(), query.query_digest, 1).front();
    } catch (const domain::Error& error) {
      violations.AddFrom(error);
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

}  // namespace lifecycle::api
