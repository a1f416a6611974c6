#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>

namespace lifecycle::storage {
class Session;
}

namespace lifecycle::api {

// The reactor of one unary call. It knows which session runs the call, so
// when the client cancels or its deadline passes (gRPC calls OnCancel) the
// SQL in progress is cancelled too, and the worker with its connection is
// free at once rather than when the statement timeout fires.
class CancellableReactor : public grpc::ServerUnaryReactor {
 public:
  // Marks the call as running on `session`. False when the client has
  // already cancelled: the call should not start.
  bool Attach(storage::Session& session);
  // The call no longer uses the session; call before Finish.
  void Detach();

  void OnCancel() override;
  void OnDone() override { delete this; }

 private:
  std::mutex mutex_;
  storage::Session* running_on_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace lifecycle::api
