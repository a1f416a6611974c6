#include "server/app/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <stdexcept>

#include "grpc/health/v1/health.pb.h"
#include "server/api/call_observer.h"
#include "server/api/malformed_request.h"
#include "server/api/structured_log.h"
#include "server/app/transport_security.h"
#include "server/gateway/registered_services.h"

namespace lifecycle::app {
namespace {

storage::SessionOptions SessionOptionsFrom(const Config& config) {
  return storage::SessionOptions{.dsn = config.dsn,
                                 .default_statement_timeout = config.statement_timeout};
}

// Calls run as lifecycle_app: row-level security confines each transaction
// to the caller's tenant. Background jobs that work across tenants keep the
// login role (SessionOptionsFrom).
storage::SessionOptions RequestSessionOptions(const Config& config) {
  auto options = SessionOptionsFrom(config);
  options.role = std::string(storage::kRequestRole);
  return options;
}

storage::ReadReplicaOptions ReadReplicaOptionsFrom(const Config& config) {
  storage::SessionOptions replica = RequestSessionOptions(config);
  replica.dsn = config.read_dsn;
  storage::SessionOptions replica_probe = SessionOptionsFrom(config);
  replica_probe.dsn = config.read_dsn;
  return storage::ReadReplicaOptions{.replica = std::move(replica),
                                     .primary_probe = SessionOptionsFrom(config),
                                     .replica_probe = std::move(replica_probe),
                                     .max_lag = config.read_max_lag};
}

}  // namespace

Server::Server(const Config& config)
    : config_(config),
      pool_(storage::SessionPoolOptions{
          .session = RequestSessionOptions(config),
          .size = config.pool_size,
          .queue_capacity = static_cast<std::size_t>(config.queue_capacity),
          .bulk_write_limit = config.ingest_concurrency}),
      authenticator_(config.auth_cache_ttl),
      rate_limiter_(api::RateLimit{.calls_per_second = config.rate_limit_per_key,
                                   .burst = config.rate_limit_burst}),
      calls_(pool_, authenticator_),
      watch_hub_(config.watch_poll_interval),
      customer_service_(calls_),
      admin_service_(calls_),
      lifecycle_service_(calls_, watch_hub_),
      retention_service_(calls_),
      segment_service_(calls_, config.resegment_workers,
                       [this] {
                         if (resegment_runner_) resegment_runner_->Wake();
                       }),
      onboarding_service_(calls_),
      cross_sell_service_(calls_) {
  calls_.set_rate_limiter(&rate_limiter_);
}

Server::~Server() { Shutdown(); }

int Server::Start() {
  // Touching the descriptor links grpc/health/v1/health.proto into the
  // binary, so reflection can describe the built-in health service.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, ServerCredentialsFrom(config_), &port);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<api::MalformedRequestInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&customer_service_);
  builder.RegisterService(&admin_service_);
  builder.RegisterService(&lifecycle_service_);
  builder.RegisterService(&retention_service_);
  builder.RegisterService(&segment_service_);
  builder.RegisterService(&onboarding_service_);
  builder.RegisterService(&cross_sell_service_);
  if (config_.bench_echo) builder.RegisterService(&echo_service_);
  gateway::RegisteredServices registered;
  builder.SetOption(registered.option());
  // Before serving: SegmentService wakes it.
  resegment_runner_ =
      std::make_unique<ResegmentRunner>(SessionOptionsFrom(config_), config_.job_poll_interval,
                                        config_.resegment_batch_size, config_.resegment_workers);
  if (!config_.read_dsn.empty()) {
    read_replica_ = std::make_unique<storage::ReadReplica>(ReadReplicaOptionsFrom(config_));
    read_replica_prober_ =
        std::make_unique<ReadReplicaProber>(*read_replica_, config_.read_probe_interval);
    calls_.set_read_replica(read_replica_.get());
  }
  // Before serving, so every call is counted.
  if (!config_.metrics_listen.empty()) {
    metrics_ = std::make_unique<Metrics>(config_.metrics_listen, pool_, SessionOptionsFrom(config_),
                                         config_.metrics_refresh_interval, read_replica_.get());
    api::SetCallObserver(metrics_.get());
    api::LogEvent(
        spdlog::level::info, "metrics_listening",
        {{"address", config_.metrics_listen}, {"port", std::to_string(metrics_->port())}});
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    throw std::runtime_error("cannot listen on " + config_.listen);
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(false);  // until the first database check passes
  health_ = std::make_unique<HealthMonitor>(
      SessionOptionsFrom(config_), config_.health_interval,
      [health](bool serving) { health->SetServingStatus(serving); });
  if (config_.retention_sweep_interval.count() > 0) {
    retention_sweeper_ = std::make_unique<RetentionSweeper>(SessionOptionsFrom(config_),
                                                            config_.retention_sweep_interval);
  }
  if (config_.idempotency_purge_interval.count() > 0) {
    idempotency_purger_ = std::make_unique<IdempotencyPurger>(SessionOptionsFrom(config_),
                                                              config_.idempotency_retention,
                                                              config_.idempotency_purge_interval);
  }
  transition_listener_ = std::make_unique<storage::TransitionListener>(
      config_.dsn, [this](const std::string& tenant_id) { watch_hub_.Notify(tenant_id); });
  if (!config_.http_listen.empty()) {
    http_gateway_ = std::make_unique<gateway::HttpGateway>(
        gateway::HttpGatewayOptions{
            .listen = config_.http_listen,
            .cors_origins = config_.http_cors_origins,
            .max_body_bytes = static_cast<std::size_t>(config_.http_max_body_bytes),
            .threads = config_.http_threads},
        server_->InProcessChannel(grpc::ChannelArguments()), registered.names());
    http_port_ = http_gateway_->Start();
  }
  return port;
}

void Server::Shutdown() {
  if (!server_) return;
  api::LogEvent(spdlog::level::info, "shutdown",
                {{"grace_seconds", std::to_string(config_.shutdown_grace.count())}});
  const auto deadline = std::chrono::system_clock::now() + config_.shutdown_grace;
  if (health_) health_->Stop();
  if (retention_sweeper_) retention_sweeper_->Stop();
  if (idempotency_purger_) idempotency_purger_->Stop();
  server_->GetHealthCheckService()->Shutdown();  // NOT_SERVING for probes
  if (transition_listener_) transition_listener_->Stop();
  // A job stops between batches; it resumes on the next start (or replica).
  if (resegment_runner_) resegment_runner_->Stop();
  // Open event streams end now (clients resume with after_sequence); new
  // calls get UNAVAILABLE; calls in flight finish within the grace period.
  watch_hub_.Close();
  const bool drained = calls_.Drain(deadline);
  // gRPC would otherwise also wait, up to the deadline, for idle clients to
  // drop their connections; with no call left there is nothing to wait for.
  server_->Shutdown(drained ? std::chrono::system_clock::now() : deadline);
  // After gRPC: browser calls still in flight have now finished or been
  // cancelled, so the HTTP workers can be joined.
  if (http_gateway_) http_gateway_->Stop();
  pool_.Shutdown();
  if (read_replica_prober_) read_replica_prober_->Stop();
  if (metrics_) {
    // No call is left to report; the endpoint answers until destruction.
    api::SetCallObserver(nullptr);
    metrics_->Stop();
  }
  server_.reset();
}

}  // namespace lifecycle::app
