#include "storage/transition_listener.h"

#include <chrono>
#include <pqxx/pqxx>

#include "storage/lifecycle_store.h"

namespace lifecycle::storage {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, std::function<void(const std::string&)>& callback)
      : pqxx::notification_receiver(connection, kTransitionChannel), callback_(callback) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override { callback_(payload); }

 private:
  std::function<void(const std::string&)>& callback_;
};

}  // namespace

TransitionListener::TransitionListener(std::string dsn,
                                       std::function<void(const std::string&)> on_notify)
    : dsn_(std::move(dsn)), on_notify_(std::move(on_notify)) {
  thread_ = std::thread([this] { Loop(); });
}

TransitionListener::~TransitionListener() { Stop(); }

void TransitionListener::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void TransitionListener::Loop() {
  while (!stopping_) {
    try {
      pqxx::connection connection(dsn_);
      Receiver receiver(connection, on_notify_);
      connection.get_notifs();  // issues the LISTEN
      on_notify_("");           // missed anything while we were away
      while (!stopping_) connection.await_notification(0, 200'000);
    } catch (const std::exception&) {
      // The database is away; the health monitor reports it. Retry soon.
      for (int i = 0; i < 10 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
}

}  // namespace lifecycle::storage
