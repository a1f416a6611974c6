#include "server/api/lifecycle_watch.h"

#include "server/api/converters.h"
#include "server/api/lifecycle_requests.h"
#include "storage/lifecycle_store.h"

namespace lifecycle::api {
namespace {

constexpr RpcInfo kRpc{"/lifecycle.v1.LifecycleService/WatchLifecycleEvents",
                       domain::Permission::kReadCustomers};

}  // namespace

LifecycleWatch::LifecycleWatch(grpc::CallbackServerContext* context, CallRunner& calls,
                               WatchHub& hub, const v1::WatchLifecycleEventsRequest& request)
    : context_(context), calls_(calls), hub_(hub), request_(request) {
  if (!calls_.BeginCall()) {
    counted_ = false;
    Locked([this] { FinishLocked(CallRunner::Draining()); });
    return;
  }
  Locked([this] { ReadLocked(); });
}

void LifecycleWatch::ReadLocked() {
  state_ = State::kReading;
  if (hub_.closed()) {
    FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              "server shutting down; reconnect with after_sequence"));
    return;
  }
  const std::int64_t cursor = cursor_;
  const bool validated = validated_;
  const bool submitted = calls_.Submit([this, cursor, validated](storage::Session& session) {
    std::vector<v1::StageTransition> page;
    std::uint64_t epoch = 0;
    std::int64_t from = cursor;
    std::string tenant_id;
    std::string request_id;
    const grpc::Status status = calls_.Execute(
        context_, kRpc, session,
        [&](CallScope& call) {
          if (!validated) from = ValidateWatchLifecycleEvents(request_);
          // Read the epoch first: news after this point wakes us again.
          epoch = hub_.Epoch(call.tenant_id());
          const auto rows = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
            return storage::LifecycleStore(tx).After(call.tenant_id(), from, kPageSize);
          });
          for (const auto& row : rows) page.push_back(ToProto(row));
        },
        &tenant_id, &request_id);
    Locked([&] {
      tenant_id_ = tenant_id;
      if (status.ok() && !validated_) {
        validated_ = true;
        cursor_ = from;
      }
      OnPageLocked(status, std::move(page), epoch);
    });
  });
  if (submitted) return;
  // The pool is saturated: a new stream is refused, a running one tries
  // again on the tenant's next news or the hub's next tick.
  if (!validated_) {
    FinishLocked(CallRunner::Busy());
  } else {
    WaitLocked(hub_.Epoch(tenant_id_));
  }
}

void LifecycleWatch::WaitLocked(std::uint64_t epoch) {
  state_ = State::kWaiting;
  ticket_ = hub_.Wait(tenant_id_, epoch, [this] {
    Locked([this] {
      if (state_ == State::kWaiting) ReadLocked();
    });
  });
  if (ticket_ == 0) ReadLocked();  // news arrived meanwhile: look now
}

void LifecycleWatch::OnPageLocked(const grpc::Status& status, std::vector<v1::StageTransition> page,
                                  std::uint64_t epoch) {
  if (cancelled_) {
    FinishLocked(grpc::Status::CANCELLED);
  } else if (!status.ok()) {
    FinishLocked(status);
  } else if (!page.empty()) {
    page_.assign(std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    state_ = State::kWriting;
    WriteNextLocked();
  } else {
    WaitLocked(epoch);
  }
}

void LifecycleWatch::WriteNextLocked() {
  *writing_.mutable_transition() = std::move(page_.front());
  page_.pop_front();
  StartWrite(&writing_);
}

void LifecycleWatch::OnWriteDone(bool ok) {
  Locked([&] {
    if (!ok || cancelled_) {
      FinishLocked(grpc::Status::CANCELLED);
      return;
    }
    cursor_ = writing_.transition().sequence();
    if (page_.empty()) {
      ReadLocked();
    } else {
      WriteNextLocked();
    }
  });
}

void LifecycleWatch::OnCancel() {
  Locked([this] {
    cancelled_ = true;
    // Only a waiting stream has nobody else to finish it; a reading or
    // writing one finishes when that step completes.
    if (state_ == State::kWaiting && hub_.Cancel(ticket_)) {
      FinishLocked(grpc::Status::CANCELLED);
    }
  });
}

void LifecycleWatch::FinishLocked(const grpc::Status& status) {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  CallRunner::Log(kRpc.method, status, started_, tenant_id_, "");
  finish_ = status;
}

void LifecycleWatch::OnDone() {
  if (counted_) calls_.EndCall();
  delete this;
}

}  // namespace lifecycle::api
