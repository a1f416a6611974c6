#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "server/domain/role.h"
#include "storage/session.h"
#include "storage/session_pool.h"

namespace google::protobuf {
class Message;
}

namespace lifecycle::storage {
class ReadReplica;
class SessionPool;
}  // namespace lifecycle::storage

namespace lifecycle::api {

class Authenticator;
class RateLimiter;

// What the pipeline needs to know about an RPC before running it.
struct RpcInfo {
  std::string_view method;  // "/lifecycle.v1.CustomerService/GetCustomer"
  domain::Permission permission;
  storage::Lane lane = storage::Lane::kDefault;  // kBulkWrite: big batches, limited at once
};

// Everything a handler may use while it runs on a pool worker.
class CallScope {
 public:
  CallScope(const domain::Principal& principal, storage::Session& session,
            std::chrono::system_clock::time_point deadline, std::string_view method)
      : principal_(principal), session_(session), deadline_(deadline), method_(method) {}

  const domain::Principal& principal() const { return principal_; }
  const std::string& tenant_id() const { return principal_.tenant_id; }
  storage::Session& session() { return session_; }
  std::string_view method() const { return method_; }
  // The same call on another connection (the read replica's).
  CallScope WithSession(storage::Session& session) const {
    return CallScope(principal_, session, deadline_, method_);
  }

  // Transaction options bounded by the client's deadline.
  storage::TxOptions Tx() const;
  storage::TxOptions SingleRead() const;

  // Runs `mutate` (which fills *response) at most once per request id, in
  // one transaction with its idempotency record. A retry with the same id
  // and request gets the stored response; a different request under the
  // same id is INVALID_ARGUMENT. `redact`, when given, strips what must not
  // be stored (a secret) from the copy kept for retries.
  void Idempotent(const google::protobuf::Message& request, const std::string& request_id,
                  google::protobuf::Message* response,
                  const std::function<void(storage::Transaction&)>& mutate,
                  const std::function<void(google::protobuf::Message&)>& redact = nullptr);

  void set_request_id(std::string_view request_id) { request_id_ = request_id; }
  const std::string& request_id() const { return request_id_; }

 private:
  std::chrono::milliseconds TimeLeft() const;

  const domain::Principal& principal_;
  storage::Session& session_;
  std::chrono::system_clock::time_point deadline_;
  std::string_view method_;
  std::string request_id_;
};

// The choke point every unary RPC goes through: it queues the call on the
// session pool (RESOURCE_EXHAUSTED when full), authenticates, checks the
// role, runs the handler, turns any error into a status with details, logs
// one line (method, code, latency, tenant, request id) and finishes the
// reactor. Handlers throw domain::Error for anything that is not OK.
class CallRunner {
 public:
  CallRunner(storage::SessionPool& pool, Authenticator& authenticator)
      : pool_(pool), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const RpcInfo& rpc,
                                  std::function<void(CallScope&)> handler);

  // The steps of a call that run on a pool worker: authenticate, check the
  // role, run the handler, map any error. Streaming calls use it for each
  // piece of work, so they get the same checks and the same statuses.
  grpc::Status Execute(grpc::CallbackServerContext* context, const RpcInfo& rpc,
                       storage::Session& session, const std::function<void(CallScope&)>& handler,
                       std::string* tenant_id, std::string* request_id);

  // Runs `body`, turning whatever it throws into the call's status (the
  // mapping in status_mapping.cc); an INTERNAL error is logged with its
  // cause, which never reaches the client. Execute's error handling.
  static grpc::Status Guarded(std::string_view method, const std::function<void()>& body);

  // `handler`, run on the read replica when the RPC is replica-safe
  // (server/api/replica_reads.h), the caller did not ask for the primary
  // and the replica is fresh enough; on the primary otherwise, and again on
  // the primary when the replica fails during the call.
  std::function<void(CallScope&)> WithReadReplica(grpc::CallbackServerContext* context,
                                                  const RpcInfo& rpc,
                                                  std::function<void(CallScope&)> handler);

  // Runs `read` on a read replica connection when a replica is configured
  // and fresh enough, else on `primary`; again on `primary` when the
  // replica fails during it. Only for reads a caller may get up to
  // --read-max-lag-ms old. WithReadReplica's routing, for callers that
  // read outside one handler (StageLookups).
  void OnReplicaOrPrimary(std::string_view method, storage::Session& primary,
                          const std::function<void(storage::Session&)>& read);

  // `handler`, counted first against its API key's rate limit when one is
  // set (server/api/rate_limiter.h); over it RESOURCE_EXHAUSTED.
  std::function<void(CallScope&)> WithRateLimit(std::function<void(CallScope&)> handler);

  // Queues work on the session pool; false when the queue is full.
  // queue_capacity() is that bound.
  std::size_t queue_capacity() const { return pool_.capacity(); }
  int pool_size() const { return pool_.size(); }
  bool Submit(std::function<void(storage::Session&)> task,
              storage::Lane lane = storage::Lane::kDefault);

  // Unary calls are then counted against their API key's rate limit.
  void set_rate_limiter(RateLimiter* limiter) { rate_limiter_ = limiter; }
  // Replica-safe reads (server/api/replica_reads.h) then run on the read
  // replica while it is fresh enough; everything else stays on the primary.
  void set_read_replica(storage::ReadReplica* replica) { read_replica_ = replica; }

  // The one log line per call.
  static void Log(std::string_view method, const grpc::Status& status,
                  std::chrono::steady_clock::time_point started, const std::string& tenant_id,
                  const std::string& request_id);

  static grpc::Status Busy();
  // A queued call whose client cancelled (or whose deadline passed) before
  // a worker took it: it never touches the database.
  static grpc::Status ClientGone();

  // In-flight accounting for graceful shutdown. BeginCall returns false once
  // draining has begun; the caller then answers UNAVAILABLE.
  bool BeginCall();
  void EndCall();
  // Refuses new calls from now on, then waits until every call in flight
  // has finished or `deadline` passes. Returns true when none is left.
  bool Drain(std::chrono::system_clock::time_point deadline);
  static grpc::Status Draining();

 private:
  storage::SessionPool& pool_;
  Authenticator& authenticator_;
  RateLimiter* rate_limiter_ = nullptr;
  storage::ReadReplica* read_replica_ = nullptr;
  std::mutex drain_mutex_;
  std::condition_variable drained_;
  bool draining_ = false;
  int in_flight_ = 0;
};

}  // namespace lifecycle::api
