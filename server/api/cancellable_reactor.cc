#include "server/api/cancellable_reactor.h"

#include "storage/session.h"

namespace lifecycle::api {

bool CancellableReactor::Attach(storage::Session& session) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return false;
  running_on_ = &session;
  return true;
}

void CancellableReactor::Detach() {
  std::lock_guard lock(mutex_);
  running_on_ = nullptr;
}

void CancellableReactor::OnCancel() {
  // Under the lock, so the session cannot move on to another call meanwhile.
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (running_on_) running_on_->CancelRunningStatement();
}

}  // namespace lifecycle::api
