#pragma once

// Validation of CustomerService requests into commands the store runs.
// Each function throws INVALID_ARGUMENT naming every bad field.

#include <cstdint>
#include <optional>
#include <string>

#include "lifecycle/v1/customer.pb.h"
#include "server/domain/customer.h"

namespace lifecycle::api {

struct CreateCustomerCommand {
  std::string customer_id;
  std::string attributes_json;
};

struct UpdateCustomerCommand {
  std::string customer_id;
  std::string attributes_json;
  std::optional<std::int64_t> expected_version;
};

struct ListCustomersQuery {
  domain::CustomerFilter filter;
  int page_size = 0;
  std::string after;         // resume after this customer_id ("" = start)
  std::string query_digest;  // binds page tokens to the filters
};

CreateCustomerCommand ValidateCreateCustomer(const v1::CreateCustomerRequest& request);
std::string ValidateGetCustomer(const v1::GetCustomerRequest& request);
UpdateCustomerCommand ValidateUpdateCustomer(const v1::UpdateCustomerRequest& request);
ListCustomersQuery ValidateListCustomers(const v1::ListCustomersRequest& request);
// The customer id to erase (request_id is checked too).
std::string ValidateEraseCustomer(const v1::EraseCustomerRequest& request);

}  // namespace lifecycle::api
