#include "server/api/call.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "server/api/authenticator.h"
#include "server/api/call_observer.h"
#include "server/api/cancellable_reactor.h"
#include "server/api/rate_limiter.h"
#include "server/api/replica_reads.h"
#include "server/api/status_mapping.h"
#include "server/api/structured_log.h"
#include "server/domain/error.h"
#include "storage/idempotency_store.h"
#include "storage/read_replica.h"
#include "storage/session_pool.h"

namespace lifecycle::api {
namespace {

// SHA-256 of the deterministic encoding: equal requests give equal digests.
std::string RequestDigest(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string AuthorizationHeader(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

std::chrono::milliseconds CallScope::TimeLeft() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::system_clock::now());
  if (left <= std::chrono::milliseconds{0}) {
    throw domain::Error::DeadlineExceeded("deadline exceeded before the database call");
  }
  return left;  // Session caps it at --statement-timeout-ms
}

storage::TxOptions CallScope::Tx() const {
  return storage::TxOptions{.timeout = TimeLeft(), .tenant_id = principal_.tenant_id};
}

storage::TxOptions CallScope::SingleRead() const {
  return storage::TxOptions{
      .timeout = TimeLeft(), .single_read = true, .tenant_id = principal_.tenant_id};
}

void CallScope::Idempotent(const google::protobuf::Message& request, const std::string& request_id,
                           google::protobuf::Message* response,
                           const std::function<void(storage::Transaction&)>& mutate,
                           const std::function<void(google::protobuf::Message&)>& redact) {
  set_request_id(request_id);
  const storage::IdempotencyKey key{principal_.tenant_id, request_id, std::string(method_),
                                    RequestDigest(request)};
  session_.Run(Tx(), [&](storage::Transaction& tx) {
    storage::IdempotencyStore records(tx);
    if (auto stored = records.Claim(key)) {
      response->ParseFromString(*stored);
      return;
    }
    mutate(tx);
    if (redact) {
      std::unique_ptr<google::protobuf::Message> kept(response->New());
      kept->CopyFrom(*response);
      redact(*kept);
      records.Complete(key, kept->SerializeAsString());
    } else {
      records.Complete(key, response->SerializeAsString());
    }
  });
}

grpc::Status CallRunner::Guarded(std::string_view method, const std::function<void()>& body) {
  try {
    body();
    return grpc::Status::OK;
  } catch (const domain::Error& error) {
    if (error.code() == domain::ErrorCode::kInternal) {
      LogEvent(spdlog::level::err, "internal_error",
               {{"method", std::string(method)}, {"error", error.message()}});
    }
    return ToGrpcStatus(error);
  } catch (const std::exception& error) {
    LogEvent(spdlog::level::err, "internal_error",
             {{"method", std::string(method)}, {"error", error.what()}});
    return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
}

grpc::Status CallRunner::Execute(grpc::CallbackServerContext* context, const RpcInfo& rpc,
                                 storage::Session& session,
                                 const std::function<void(CallScope&)>& handler,
                                 std::string* tenant_id, std::string* request_id) {
  domain::Principal principal;
  std::optional<CallScope> scope;
  const grpc::Status status = Guarded(rpc.method, [&] {
    principal = authenticator_.Authenticate(AuthorizationHeader(*context), session);
    *tenant_id = principal.tenant_id;
    if (!domain::Allows(principal.role, rpc.permission)) {
      throw domain::Error::PermissionDenied("role '" +
                                            std::string(domain::RoleName(principal.role)) +
                                            "' may not call " + std::string(rpc.method));
    }
    scope.emplace(principal, session, context->deadline(), rpc.method);
    RequestedConsistency(*context);  // a bad value is refused on every call
    handler(*scope);
  });
  if (scope) *request_id = scope->request_id();
  return status;
}

std::function<void(CallScope&)> CallRunner::WithReadReplica(
    grpc::CallbackServerContext* context, const RpcInfo& rpc,
    std::function<void(CallScope&)> handler) {
  if (!read_replica_ || !ReadsFromReplica(rpc.method)) return handler;
  return [this, context, handler = std::move(handler)](CallScope& call) {
    if (RequestedConsistency(*context) == Consistency::kPrimary) return handler(call);
    OnReplicaOrPrimary(call.method(), call.session(), [&](storage::Session& session) {
      if (&session == &call.session()) return handler(call);
      CallScope on_replica = call.WithSession(session);
      handler(on_replica);
    });
  };
}

void CallRunner::OnReplicaOrPrimary(std::string_view method, storage::Session& primary,
                                    const std::function<void(storage::Session&)>& read) {
  if (!read_replica_) return read(primary);
  auto lease = read_replica_->TryLease();
  if (!lease) {
    read_replica_->CountFallback();
    return read(primary);
  }
  try {
    return read(lease->session());
  } catch (const domain::Error& error) {
    // A listed read throws ABORTED only when a replica query was cancelled
    // by a conflict with replay. UNAVAILABLE: the replica went away; reads
    // stay on the primary until a probe proves it fresh again. Either way
    // the read runs again on the primary, and nothing from the failed
    // attempt is answered.
    if (error.code() == domain::ErrorCode::kUnavailable) {
      LogEvent(spdlog::level::warn, "read_replica_lost",
               {{"method", std::string(method)}, {"error", error.message()}});
      read_replica_->ReportUnavailable();
    } else if (error.code() != domain::ErrorCode::kAborted) {
      throw;
    }
  }
  read_replica_->CountFallback();
  read(primary);
}

bool CallRunner::Submit(std::function<void(storage::Session&)> task, storage::Lane lane) {
  return pool_.TrySubmit(std::move(task), lane);
}

void CallRunner::Log(std::string_view method, const grpc::Status& status,
                     std::chrono::steady_clock::time_point started, const std::string& tenant_id,
                     const std::string& request_id) {
  const std::chrono::duration<double> latency = std::chrono::steady_clock::now() - started;
  if (auto* observer = CurrentCallObserver())
    observer->OnCall(method, status.error_code(), latency);
  const double millis = std::chrono::duration<double, std::milli>(latency).count();
  char latency_text[32];
  std::snprintf(latency_text, sizeof latency_text, "%.3f", millis);
  LogEvent(spdlog::level::info, "rpc",
           {{"method", std::string(method)},
            {"code", std::string(StatusCodeName(status.error_code()))},
            {"latency_ms", latency_text},
            {"tenant", tenant_id},
            {"request_id", request_id}});
}

grpc::Status CallRunner::Busy() {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "server busy: too many calls in flight; retry with backoff");
}

std::function<void(CallScope&)> CallRunner::WithRateLimit(std::function<void(CallScope&)> handler) {
  if (!rate_limiter_ || !rate_limiter_->enabled()) return handler;
  return [this, handler = std::move(handler)](CallScope& call) {
    if (!rate_limiter_->TryAcquire(call.principal().key_id)) {
      throw domain::Error::ResourceExhausted(
          "rate limit of this API key exceeded; retry with backoff")
          .WithReason("RATE_LIMITED");
    }
    handler(call);
  };
}

grpc::Status CallRunner::ClientGone() {
  return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled before it ran");
}

bool CallRunner::BeginCall() {
  std::lock_guard lock(drain_mutex_);
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void CallRunner::EndCall() {
  std::lock_guard lock(drain_mutex_);
  if (--in_flight_ == 0) drained_.notify_all();
}

bool CallRunner::Drain(std::chrono::system_clock::time_point deadline) {
  std::unique_lock lock(drain_mutex_);
  draining_ = true;
  return drained_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
}

grpc::Status CallRunner::Draining() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "server shutting down; retry on another instance");
}

grpc::ServerUnaryReactor* CallRunner::Unary(grpc::CallbackServerContext* context,
                                            const RpcInfo& rpc,
                                            std::function<void(CallScope&)> handler) {
  auto* reactor = new CancellableReactor();  // deletes itself in OnDone
  const auto started = std::chrono::steady_clock::now();
  if (!BeginCall()) {
    Log(rpc.method, Draining(), started, "", "");
    reactor->Finish(Draining());
    return reactor;
  }
  // Rate limit outside: a read rerun on the primary is still one call.
  handler = WithRateLimit(WithReadReplica(context, rpc, std::move(handler)));
  auto run = [this, context, reactor, rpc, started,
              handler = std::move(handler)](storage::Session& session) {
    std::string tenant_id;
    std::string request_id;
    grpc::Status status = ClientGone();
    if (reactor->Attach(session)) {
      status = Execute(context, rpc, session, handler, &tenant_id, &request_id);
      reactor->Detach();
    }
    Log(rpc.method, status, started, tenant_id, request_id);
    reactor->Finish(status);
    EndCall();
  };
  if (!Submit(std::move(run), rpc.lane)) {
    Log(rpc.method, Busy(), started, "", "");
    reactor->Finish(Busy());
    EndCall();
  }
  return reactor;
}

}  // namespace lifecycle::api
