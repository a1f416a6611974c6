#include "server/api/call_observer.h"

#include <atomic>

namespace lifecycle::api {
namespace {

std::atomic<CallObserver*> observer{nullptr};

}  // namespace

void SetCallObserver(CallObserver* new_observer) { observer.store(new_observer); }

CallObserver* CurrentCallObserver() { return observer.load(std::memory_order_acquire); }

}  // namespace lifecycle::api
