#include "server/api/stage_lookups.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "server/api/cancellable_reactor.h"
#include "server/api/converters.h"
#include "server/api/lifecycle_requests.h"
#include "server/api/replica_reads.h"
#include "server/api/status_mapping.h"
#include "server/domain/error.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::api {

grpc::ServerUnaryReactor* StageLookups::Lookup(grpc::CallbackServerContext* context,
                                               const v1::GetCustomerStageRequest* request,
                                               v1::GetCustomerStageResponse* response) {
  auto* reactor = new CancellableReactor();  // deletes itself in OnDone
  Pending lookup{.context = context,
                 .request = request,
                 .response = response,
                 .reactor = reactor,
                 .started = std::chrono::steady_clock::now()};
  if (!calls_.BeginCall()) {
    CallRunner::Log(kGetCustomerStage.method, CallRunner::Draining(), lookup.started, "", "");
    reactor->Finish(CallRunner::Draining());
    return reactor;
  }
  bool start_answering = false;
  {
    std::lock_guard lock(mutex_);
    // The same bound as the pool's queue: past it, overload is refused at
    // once here too rather than piling up.
    if (waiting_.size() < calls_.queue_capacity()) {
      waiting_.push_back(lookup);
      lookup.reactor = nullptr;
      if (answering_ < MaxAnswering()) {
        ++answering_;
        start_answering = true;
      }
    }
  }
  if (lookup.reactor) {
    Finish(lookup, CallRunner::Busy());
  } else if (start_answering) {
    StartAnswering();
  }
  return reactor;
}

std::size_t StageLookups::MaxAnswering() const {
  return std::max<std::size_t>(2, static_cast<std::size_t>(calls_.pool_size()) / 4);
}

void StageLookups::StartAnswering() {
  if (calls_.Submit([this](storage::Session& session) { AnswerWhileWaiting(session); })) return;
  // The pool's queue is full. With no other answering task left, nothing
  // would answer the waiting lookups: they are refused.
  std::deque<Pending> refused;
  {
    std::lock_guard lock(mutex_);
    if (--answering_ == 0) refused.swap(waiting_);
  }
  for (auto& lookup : refused) Finish(lookup, CallRunner::Busy());
}

void StageLookups::AnswerWhileWaiting(storage::Session& session) {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::lock_guard lock(mutex_);
      if (waiting_.empty()) {
        --answering_;
        return;
      }
      const auto taken = static_cast<std::ptrdiff_t>(std::min(waiting_.size(), kMaxBatch));
      batch.assign(std::make_move_iterator(waiting_.begin()),
                   std::make_move_iterator(waiting_.begin() + taken));
      waiting_.erase(waiting_.begin(), waiting_.begin() + taken);
    }
    Answer(session, batch);
  }
}

void StageLookups::Answer(storage::Session& session, std::vector<Pending>& batch) {
  std::vector<Pending*> admitted;
  for (auto& lookup : batch) {
    if (Admit(session, lookup)) admitted.push_back(&lookup);
  }
  // Row-level security scopes a query to one tenant: one query per tenant,
  // and per choice between the read replica and the primary.
  const auto group = [](const Pending* lookup) {
    return std::tie(lookup->tx.tenant_id, lookup->primary_only);
  };
  std::stable_sort(admitted.begin(), admitted.end(),
                   [&](const Pending* a, const Pending* b) { return group(a) < group(b); });
  for (auto first = admitted.begin(); first != admitted.end();) {
    const auto last = std::find_if(first, admitted.end(), [&](const Pending* lookup) {
      return group(lookup) != group(*first);
    });
    ReadAndFinish(session, std::vector<Pending*>(first, last));
    first = last;
  }
}

bool StageLookups::Admit(storage::Session& session, Pending& lookup) {
  // Cancelled while waiting: never reaches the database. Once admitted, a
  // client's cancellation no longer cancels the SQL, which answers others too.
  if (!lookup.reactor->Attach(session)) {
    Finish(lookup, CallRunner::ClientGone());
    return false;
  }
  lookup.reactor->Detach();
  std::string request_id;  // reads carry none
  const grpc::Status status = calls_.Execute(
      lookup.context, kGetCustomerStage, session, calls_.WithRateLimit([&](CallScope& call) {
        lookup.customer_id = ValidateGetCustomerStage(*lookup.request).customer_id;
        lookup.tx = call.SingleRead();
        lookup.primary_only = RequestedConsistency(*lookup.context) == Consistency::kPrimary;
      }),
      &lookup.tenant_id, &request_id);
  if (!status.ok()) Finish(lookup, status);
  return status.ok();
}

void StageLookups::ReadAndFinish(storage::Session& session, const std::vector<Pending*>& lookups) {
  // The longest of their deadlines bounds the one query; a call whose own
  // deadline passes first is ended by gRPC as usual.
  storage::TxOptions tx = lookups.front()->tx;
  std::vector<std::string> ids;
  ids.reserve(lookups.size());
  for (const Pending* lookup : lookups) {
    tx.timeout = std::max(tx.timeout, lookup->tx.timeout);
    ids.push_back(lookup->customer_id);
  }
  std::vector<domain::StageSnapshot> stages;
  const auto read = [&](storage::Session& on) {
    stages = on.Run(tx, [&](storage::Transaction& sql) {
      storage::LifecycleStore store(sql);
      // A lone id keeps the one-row statement: PostgreSQL plans the array
      // form afresh on every call, which costs more than the read itself.
      if (ids.size() > 1) return store.GetStages(tx.tenant_id, ids);
      auto stage = store.GetStage(tx.tenant_id, ids.front());
      return stage ? std::vector{std::move(*stage)} : std::vector<domain::StageSnapshot>{};
    });
  };
  const grpc::Status status = CallRunner::Guarded(kGetCustomerStage.method, [&] {
    if (lookups.front()->primary_only) return read(session);
    calls_.OnReplicaOrPrimary(kGetCustomerStage.method, session, read);
  });
  if (!status.ok()) {
    for (Pending* lookup : lookups) Finish(*lookup, status);
    return;
  }
  std::unordered_map<std::string_view, const domain::StageSnapshot*> by_id;
  for (const auto& stage : stages) by_id.emplace(stage.customer_id, &stage);
  const auto now = std::chrono::system_clock::now();
  for (Pending* lookup : lookups) {
    const auto found = by_id.find(lookup->customer_id);
    if (found == by_id.end()) {
      Finish(*lookup,
             ToGrpcStatus(domain::Error::NotFound("customer '" + lookup->customer_id + "'")));
      continue;
    }
    *lookup->response->mutable_customer_stage() = ToProto(*found->second, now);
    Finish(*lookup, grpc::Status::OK);
  }
}

void StageLookups::Finish(Pending& lookup, const grpc::Status& status) {
  CallRunner::Log(kGetCustomerStage.method, status, lookup.started, lookup.tenant_id, "");
  lookup.reactor->Finish(status);
  calls_.EndCall();
}

}  // namespace lifecycle::api
