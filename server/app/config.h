#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace lifecycle::app {

enum class Command { kServe, kMigrate, kCreateTenant };

// Every setting, from flags or LIFECYCLE_* environment variables.
struct Config {
  Command command = Command::kServe;
  std::string listen = "localhost:50051";
  std::string dsn;
  int pool_size = 8;
  int queue_capacity = 1024;
  int ingest_concurrency = 2;  // RecordSignals batches applied at once
  std::string log_level = "info";
  std::string log_format = "text";
  bool migrate_on_start = true;
  std::chrono::seconds shutdown_grace{10};
  std::chrono::milliseconds auth_cache_ttl{5000};
  std::chrono::milliseconds health_interval{1000};
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds watch_poll_interval{1000};
  // 0 turns the background retention sweep off (RunRetentionSweep still works).
  std::chrono::milliseconds retention_sweep_interval{600000};
  std::chrono::milliseconds job_poll_interval{2000};
  int resegment_batch_size = 10000;
  // Re-segmentation workers (threads, each with a connection), and the
  // slices a new job is cut into so they can share it.
  int resegment_workers = 2;
  // Per API key token bucket for unary calls; 0 calls/s turns it off.
  double rate_limit_per_key = 0;
  double rate_limit_burst = 100;
  // Request ids older than this are forgotten (a retry then runs again).
  std::chrono::hours idempotency_retention{24};
  // 0 turns the purge off.
  std::chrono::milliseconds idempotency_purge_interval{600000};
  // host:port for Prometheus metrics over HTTP; empty: no metrics endpoint.
  std::string metrics_listen;
  std::chrono::milliseconds metrics_refresh_interval{15000};
  std::string port_file;
  bool bench_echo = false;  // serve lifecycle.bench.v1.EchoService
  std::string tenant_name;  // admin create-tenant
  // Browser gateway (Connect protocol + support console); off while empty.
  std::string http_listen;
  std::string http_port_file;
  std::vector<std::string> http_cors_origins;
  int http_max_body_bytes = 1 << 20;
  int http_threads = 16;
  // Transport security of the gRPC port (serve only): TLS from a certificate
  // and key, mutual TLS when a client CA is given too. Plaintext only when
  // asked for; with neither the server refuses to start.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  bool plaintext = false;
  // Largest request message accepted; a bigger one is RESOURCE_EXHAUSTED
  // before it is parsed.
  int max_message_bytes = 4 * 1024 * 1024;
  // A PostgreSQL streaming replica for replica-safe reads; empty: none.
  // Reads use it only while it provably misses no write older than
  // read_max_lag (measured every read_probe_interval); else the primary.
  std::string read_dsn;
  std::chrono::milliseconds read_max_lag{5000};
  std::chrono::milliseconds read_probe_interval{500};
};

// Parses argv. Returns an exit code when the process should stop right away
// (--help, a usage error), after printing what CLI11 says.
struct ParseResult {
  Config config;
  int exit_code = -1;  // -1: carry on
};
ParseResult ParseCommandLine(int argc, char** argv);

}  // namespace lifecycle::app
