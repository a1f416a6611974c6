#include "server/app/config.h"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace lifecycle::app {
namespace {

// Serving must be a deliberate choice between TLS and plaintext: a
// forgotten certificate must not silently expose keys and customer data.
std::optional<std::string> TransportProblem(const Config& c) {
  const bool tls = !c.tls_cert_file.empty() || !c.tls_key_file.empty();
  if (c.plaintext && (tls || !c.tls_client_ca_file.empty())) {
    return "--plaintext cannot be combined with --tls-cert, --tls-key or --tls-client-ca";
  }
  if (c.plaintext) return std::nullopt;
  if (!tls) {
    return "refusing to serve without transport security: pass --tls-cert and --tls-key "
           "(and --tls-client-ca for mutual TLS), or --plaintext for local development";
  }
  if (c.tls_cert_file.empty() || c.tls_key_file.empty()) {
    return "--tls-cert and --tls-key go together";
  }
  return std::nullopt;
}

}  // namespace

ParseResult ParseCommandLine(int argc, char** argv) {
  ParseResult result;
  Config& c = result.config;
  int grace_seconds = static_cast<int>(c.shutdown_grace.count());
  int auth_ttl_ms = static_cast<int>(c.auth_cache_ttl.count());
  int health_ms = static_cast<int>(c.health_interval.count());
  int statement_ms = static_cast<int>(c.statement_timeout.count());
  int watch_poll_ms = static_cast<int>(c.watch_poll_interval.count());
  int sweep_ms = static_cast<int>(c.retention_sweep_interval.count());
  int job_poll_ms = static_cast<int>(c.job_poll_interval.count());
  int idempotency_hours = static_cast<int>(c.idempotency_retention.count());
  int idempotency_purge_ms = static_cast<int>(c.idempotency_purge_interval.count());
  int metrics_refresh_ms = static_cast<int>(c.metrics_refresh_interval.count());
  int read_max_lag_ms = static_cast<int>(c.read_max_lag.count());
  int read_probe_ms = static_cast<int>(c.read_probe_interval.count());

  CLI::App app{
      "lifecycled: the customer reacquaintance lifecycle service (gRPC).\n"
      "Every flag can also be set by the environment variable shown beside it."};
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  app.add_option("--listen", c.listen, "Address to serve gRPC on (host:port; port 0 picks one)")
      ->envname("LIFECYCLE_LISTEN")
      ->capture_default_str();
  app.add_option("--dsn", c.dsn, "PostgreSQL connection string (libpq format)")
      ->envname("LIFECYCLE_DSN");
  app.add_option("--pool-size", c.pool_size, "Database connections = worker threads")
      ->envname("LIFECYCLE_POOL_SIZE")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  app.add_option("--queue-capacity", c.queue_capacity,
                 "Calls that may wait for a worker before RESOURCE_EXHAUSTED")
      ->envname("LIFECYCLE_QUEUE_CAPACITY")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--ingest-concurrency", c.ingest_concurrency,
                 "RecordSignals batches applied at once; more wait in the queue without holding "
                 "a connection (bulk writes past the core count contend in PostgreSQL)")
      ->envname("LIFECYCLE_INGEST_CONCURRENCY")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, critical, off")
      ->envname("LIFECYCLE_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", c.log_format, "text or json (one object per line)")
      ->envname("LIFECYCLE_LOG_FORMAT")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--migrate-on-start", c.migrate_on_start,
                 "Apply pending migrations before serving (true/false)")
      ->envname("LIFECYCLE_MIGRATE_ON_START")
      ->capture_default_str();
  app.add_option("--shutdown-grace", grace_seconds,
                 "Seconds in-flight calls get to finish after SIGTERM/SIGINT")
      ->envname("LIFECYCLE_SHUTDOWN_GRACE")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  app.add_option("--auth-cache-ttl-ms", auth_ttl_ms,
                 "How long a looked-up API key is trusted; a revocation takes effect within it")
      ->envname("LIFECYCLE_AUTH_CACHE_TTL_MS")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  app.add_option("--health-interval-ms", health_ms, "How often database health is checked")
      ->envname("LIFECYCLE_HEALTH_INTERVAL_MS")
      ->capture_default_str()
      ->check(CLI::Range(50, 60000));
  app.add_option("--statement-timeout-ms", statement_ms,
                 "Upper bound for one SQL statement (a call's deadline can only lower it)")
      ->envname("LIFECYCLE_STATEMENT_TIMEOUT_MS")
      ->capture_default_str()
      ->check(CLI::Range(10, 600000));
  app.add_option("--watch-poll-ms", watch_poll_ms,
                 "Event streams re-read the log at least this often (NOTIFY wakes them sooner)")
      ->envname("LIFECYCLE_WATCH_POLL_MS")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  app.add_option("--retention-sweep-ms", sweep_ms,
                 "How often every tenant's retention sweep runs (lapse quiet customers, refresh "
                 "stored health bands); 0 turns it off")
      ->envname("LIFECYCLE_RETENTION_SWEEP_MS")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400000));
  app.add_option("--job-poll-ms", job_poll_ms,
                 "Background jobs (re-segmentation) are looked for at least this often")
      ->envname("LIFECYCLE_JOB_POLL_MS")
      ->capture_default_str()
      ->check(CLI::Range(10, 600000));
  app.add_option("--resegment-batch-size", c.resegment_batch_size,
                 "Customers re-segmented per transaction (smaller: shorter row locks)")
      ->envname("LIFECYCLE_RESEGMENT_BATCH_SIZE")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--resegment-workers", c.resegment_workers,
                 "Re-segmentation workers, each with its own database connection; a new job is "
                 "cut into as many slices so they share it (more: faster jobs, more of the "
                 "database's cores while one runs)")
      ->envname("LIFECYCLE_RESEGMENT_WORKERS")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--rate-limit-per-key", c.rate_limit_per_key,
                 "Calls per second one API key may make on average (per server); past it "
                 "RESOURCE_EXHAUSTED; 0 means no limit")
      ->envname("LIFECYCLE_RATE_LIMIT_PER_KEY")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--rate-limit-burst", c.rate_limit_burst,
                 "Calls one API key may make at once before --rate-limit-per-key applies")
      ->envname("LIFECYCLE_RATE_LIMIT_BURST")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--idempotency-retention-hours", idempotency_hours,
                 "How long a request_id is remembered (a retry within it returns the first "
                 "result)")
      ->envname("LIFECYCLE_IDEMPOTENCY_RETENTION_HOURS")
      ->capture_default_str()
      ->check(CLI::Range(1, 8760));
  app.add_option("--idempotency-purge-ms", idempotency_purge_ms,
                 "How often request ids past their retention are deleted; 0 turns it off")
      ->envname("LIFECYCLE_IDEMPOTENCY_PURGE_MS")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400000));
  app.add_option("--metrics-listen", c.metrics_listen,
                 "Serve Prometheus metrics over HTTP on this host:port (GET /metrics); "
                 "empty means off")
      ->envname("LIFECYCLE_METRICS_LISTEN");
  app.add_option("--metrics-refresh-ms", metrics_refresh_ms,
                 "How often the stage-count gauges are refreshed (one grouped query)")
      ->envname("LIFECYCLE_METRICS_REFRESH_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  app.add_option("--read-dsn", c.read_dsn,
                 "PostgreSQL streaming replica (libpq format) for replica-safe reads; "
                 "empty means every call uses --dsn")
      ->envname("LIFECYCLE_READ_DSN");
  app.add_option("--read-max-lag-ms", read_max_lag_ms,
                 "Reads use the replica only while it provably misses no write older than "
                 "this; otherwise they go to the primary")
      ->envname("LIFECYCLE_READ_MAX_LAG_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  app.add_option("--read-probe-ms", read_probe_ms,
                 "How often the replica's replay position is compared with the primary's")
      ->envname("LIFECYCLE_READ_PROBE_MS")
      ->capture_default_str()
      ->check(CLI::Range(20, 60000));
  app.add_option("--port-file", c.port_file, "Write the bound port here once serving")
      ->envname("LIFECYCLE_PORT_FILE");
  app.add_option("--bench-echo", c.bench_echo,
                 "Also serve lifecycle.bench.v1.EchoService, the gRPC ceiling for "
                 "lifecycled-bench (true/false)")
      ->envname("LIFECYCLE_BENCH_ECHO")
      ->capture_default_str();
  app.add_option("--http-listen", c.http_listen,
                 "Also serve the Connect protocol (browsers) and the support console over HTTP "
                 "on host:port (port 0 picks one); off when empty")
      ->envname("LIFECYCLE_HTTP_LISTEN");
  app.add_option("--http-port-file", c.http_port_file,
                 "Write the bound HTTP port here once serving (before --port-file)")
      ->envname("LIFECYCLE_HTTP_PORT_FILE");
  app.add_option("--http-cors-origins", c.http_cors_origins,
                 "Web origins (scheme://host:port, comma-separated, or *) whose pages may call "
                 "the HTTP API; the console itself is same-origin and always allowed")
      ->envname("LIFECYCLE_HTTP_CORS_ORIGINS")
      ->delimiter(',');
  app.add_option("--http-max-body-bytes", c.http_max_body_bytes,
                 "Larger HTTP request bodies are refused (413, resource_exhausted)")
      ->envname("LIFECYCLE_HTTP_MAX_BODY_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(1, 64 << 20));
  app.add_option("--http-threads", c.http_threads,
                 "HTTP requests served at once (an open event stream holds one)")
      ->envname("LIFECYCLE_HTTP_THREADS")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));

  app.add_option("--tls-cert", c.tls_cert_file, "PEM certificate chain the gRPC port serves")
      ->envname("LIFECYCLE_TLS_CERT");
  app.add_option("--tls-key", c.tls_key_file, "PEM private key of --tls-cert")
      ->envname("LIFECYCLE_TLS_KEY");
  app.add_option("--tls-client-ca", c.tls_client_ca_file,
                 "PEM CA bundle: require and verify a client certificate (mutual TLS)")
      ->envname("LIFECYCLE_TLS_CLIENT_CA");
  app.add_option("--max-message-bytes", c.max_message_bytes,
                 "Largest request accepted; larger ones get RESOURCE_EXHAUSTED unparsed")
      ->envname("LIFECYCLE_MAX_MESSAGE_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(64 * 1024, 64 * 1024 * 1024));
  app.add_flag("--plaintext", c.plaintext, "Serve without TLS (local development on loopback only)")
      ->envname("LIFECYCLE_PLAINTEXT");

  // Subcommands inherit this: `lifecycled migrate --dsn ...` reaches --dsn.
  app.fallthrough();
  auto* migrate = app.add_subcommand("migrate", "Apply pending migrations and exit");
  auto* admin = app.add_subcommand("admin", "Operator tasks");
  admin->require_subcommand(1);
  auto* create_tenant =
      admin->add_subcommand("create-tenant", "Create a tenant and print its first admin key");
  create_tenant->add_option("--name", c.tenant_name, "Tenant name")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    result.exit_code = app.exit(e);
    return result;
  }
  c.shutdown_grace = std::chrono::seconds{grace_seconds};
  c.auth_cache_ttl = std::chrono::milliseconds{auth_ttl_ms};
  c.health_interval = std::chrono::milliseconds{health_ms};
  c.statement_timeout = std::chrono::milliseconds{statement_ms};
  c.watch_poll_interval = std::chrono::milliseconds{watch_poll_ms};
  c.retention_sweep_interval = std::chrono::milliseconds{sweep_ms};
  c.job_poll_interval = std::chrono::milliseconds{job_poll_ms};
  c.idempotency_retention = std::chrono::hours{idempotency_hours};
  c.idempotency_purge_interval = std::chrono::milliseconds{idempotency_purge_ms};
  c.metrics_refresh_interval = std::chrono::milliseconds{metrics_refresh_ms};
  c.read_max_lag = std::chrono::milliseconds{read_max_lag_ms};
  c.read_probe_interval = std::chrono::milliseconds{read_probe_ms};
  if (migrate->parsed()) c.command = Command::kMigrate;
  if (create_tenant->parsed()) c.command = Command::kCreateTenant;
  if (c.dsn.empty()) {
    std::cerr << "--dsn (or LIFECYCLE_DSN) is required\n";
    result.exit_code = 2;
  } else if (c.command == Command::kServe) {
    if (const auto problem = TransportProblem(c)) {
      std::cerr << *problem << "\n";
      result.exit_code = 2;
    }
  }
  return result;
}

}  // namespace lifecycle::app
