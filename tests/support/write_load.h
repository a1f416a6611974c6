#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lifecycle/v1/customer.grpc.pb.h"

namespace lifecycle::testing {

// What one CreateCustomer of the load got back.
struct WriteOutcome {
  std::string customer_id;
  std::string request_id;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string reason;  // google.rpc.ErrorInfo reason, if any
  int phase = 0;       // WriteLoad::phase() when the call started
  v1::Customer customer;

  bool acknowledged() const { return code == grpc::StatusCode::OK; }
  // A failure after which the write may still have been applied: the
  // connection broke during COMMIT, or the client stopped waiting first.
  bool outcome_unknown() const;
};

// Threads that create customers one after another, each with a request id
// of its own, and record every answer; the write side of the fault tests.
// After a failure a thread waits 20 ms, as a client backing off would.
class WriteLoad {
 public:
  WriteLoad(std::string address, std::string api_key, int threads,
            std::chrono::milliseconds deadline);
  ~WriteLoad();  // Stop()

  void Stop();
  // Tags the calls that start from now on (e.g. 1 = database cut).
  void set_phase(int phase) { phase_ = phase; }
  int phase() const { return phase_; }
  int Acknowledged(int phase) const;
  int Answered(int phase) const;
  int Count(const std::function<bool(const WriteOutcome&)>& which) const;
  std::vector<WriteOutcome> Outcomes() const;

  // Sends the same CreateCustomer again (same request id); for retries.
  static grpc::Status Retry(const std::string& address, const std::string& api_key,
                            const WriteOutcome& write, v1::Customer* customer);

 private:
  void Run(int thread);

  const std::string address_;
  const std::string api_key_;
  const std::chrono::milliseconds deadline_;
  std::atomic<int> phase_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<WriteOutcome> outcomes_;
  std::vector<std::thread> threads_;
};

// The customer ids stored in the database at `dsn`.
std::set<std::string> StoredCustomerIds(const std::string& dsn);

}  // namespace lifecycle::testing
