#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "server/api/admin_service.h"
#include "server/api/authenticator.h"
#include "server/api/call.h"
#include "server/api/cross_sell_service.h"
#include "server/api/customer_service.h"
#include "server/api/echo_service.h"
#include "server/api/lifecycle_service.h"
#include "server/api/onboarding_service.h"
#include "server/api/rate_limiter.h"
#include "server/api/retention_service.h"
#include "server/api/segment_service.h"
#include "server/api/watch_hub.h"
#include "server/app/config.h"
#include "server/app/health_monitor.h"
#include "server/app/idempotency_purger.h"
#include "server/app/metrics.h"
#include "server/app/read_replica_prober.h"
#include "server/app/resegment_runner.h"
#include "server/app/retention_sweeper.h"
#include "server/gateway/http_gateway.h"
#include "storage/session_pool.h"
#include "storage/transition_listener.h"

namespace lifecycle::app {

// The assembled service: session pool, call pipeline, gRPC services,
// health and reflection. Start() binds and serves; Shutdown() drains.
class Server {
 public:
  explicit Server(const Config& config);
  ~Server();

  // Binds the listen address; returns the port actually bound.
  int Start();
  // The HTTP gateway's port once started (0: --http-listen not set).
  int http_port() const { return http_port_; }
  // Stops accepting, lets in-flight calls finish within the grace period,
  // then closes the pool.
  void Shutdown();

 private:
  const Config config_;
  storage::SessionPool pool_;
  api::Authenticator authenticator_;
  api::RateLimiter rate_limiter_;
  api::CallRunner calls_;
  api::WatchHub watch_hub_;
  api::CustomerService customer_service_;
  api::AdminService admin_service_;
  api::LifecycleService lifecycle_service_;
  api::RetentionService retention_service_;
  api::SegmentService segment_service_;
  api::OnboardingService onboarding_service_;
  api::CrossSellService cross_sell_service_;
  api::EchoService echo_service_;  // registered only with --bench-echo
  std::unique_ptr<storage::TransitionListener> transition_listener_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthMonitor> health_;
  std::unique_ptr<RetentionSweeper> retention_sweeper_;
  std::unique_ptr<ResegmentRunner> resegment_runner_;
  std::unique_ptr<gateway::HttpGateway> http_gateway_;
  int http_port_ = 0;
  std::unique_ptr<IdempotencyPurger> idempotency_purger_;
  std::unique_ptr<Metrics> metrics_;                    // with --metrics-listen
  std::unique_ptr<storage::ReadReplica> read_replica_;  // with --read-dsn
  std::unique_ptr<ReadReplicaProber> read_replica_prober_;
};

}  // namespace lifecycle::app
