#include "tests/support/write_load.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "tests/support/grpc_test_client.h"

namespace lifecycle::testing {
namespace {

v1::CreateCustomerRequest CreateRequest(const std::string& customer_id,
                                        const std::string& request_id) {
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_customer_id(customer_id);
  (*request.mutable_customer()->mutable_attributes()->mutable_fields())["source"].set_string_value(
      "load");
  request.set_request_id(request_id);
  return request;
}

grpc::Status Create(v1::CustomerService::Stub& stub, const std::string& api_key,
                    std::chrono::milliseconds deadline, const v1::CreateCustomerRequest& request,
                    v1::Customer* customer) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + api_key);
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  v1::CreateCustomerResponse response;
  const grpc::Status status = stub.CreateCustomer(&context, request, &response);
  *customer = response.customer();
  return status;
}

}  // namespace

bool WriteOutcome::outcome_unknown() const {
  return reason == "COMMIT_OUTCOME_UNKNOWN" || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED;
}

WriteLoad::WriteLoad(std::string address, std::string api_key, int threads,
                     std::chrono::milliseconds deadline)
    : address_(std::move(address)), api_key_(std::move(api_key)), deadline_(deadline) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

WriteLoad::~WriteLoad() { Stop(); }

void WriteLoad::Stop() {
  stopping_ = true;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void WriteLoad::Run(int thread) {
  auto stub = v1::CustomerService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  for (int n = 0; !stopping_; ++n) {
    WriteOutcome write;
    write.customer_id = "load-" + std::to_string(thread) + "-" + std::to_string(n);
    write.request_id = NewRequestId();
    write.phase = phase_;
    const grpc::Status status =
        Create(*stub, api_key_, deadline_, CreateRequest(write.customer_id, write.request_id),
               &write.customer);
    write.code = status.error_code();
    write.message = status.error_message();
    write.reason = ErrorReason(status);
    {
      std::lock_guard lock(mutex_);
      outcomes_.push_back(std::move(write));
    }
    if (!status.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int WriteLoad::Count(const std::function<bool(const WriteOutcome&)>& which) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(outcomes_.begin(), outcomes_.end(), which));
}

int WriteLoad::Acknowledged(int phase) const {
  return Count([&](const WriteOutcome& w) { return w.phase == phase && w.acknowledged(); });
}

int WriteLoad::Answered(int phase) const {
  return Count([&](const WriteOutcome& w) { return w.phase == phase; });
}

std::vector<WriteOutcome> WriteLoad::Outcomes() const {
  std::lock_guard lock(mutex_);
  return outcomes_;
}

grpc::Status WriteLoad::Retry(const std::string& address, const std::string& api_key,
                              const WriteOutcome& write, v1::Customer* customer) {
  auto stub = v1::CustomerService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  return Create(*stub, api_key, std::chrono::seconds(10),
                CreateRequest(write.customer_id, write.request_id), customer);
}

std::set<std::string> StoredCustomerIds(const std::string& dsn) {
  pqxx::connection connection(dsn);
  pqxx::nontransaction tx(connection);
  std::set<std::string> ids;
  for (const auto& row : tx.exec("SELECT customer_id FROM customers")) {
    ids.insert(row[0].as<std::string>());
  }
  return ids;
}

}  // namespace lifecycle::testing
