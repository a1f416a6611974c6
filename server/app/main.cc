// lifecycled: serve (default), `migrate`, or `admin create-tenant`.

#include <absl/synchronization/mutex.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "server/api/api_key_issuer.h"
#include "server/api/structured_log.h"
#include "server/app/config.h"
#include "server/app/server.h"
#include "storage/migrator.h"

namespace {

using lifecycle::api::LogEvent;

void ConfigureLogging(const lifecycle::app::Config& config) {
  auto logger = spdlog::stderr_color_mt("lifecycled");
  const bool json = config.log_format == "json";
  logger->set_pattern(json ? "%v" : "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
  lifecycle::api::SetLogFormat(json ? lifecycle::api::LogFormat::kJson
                                    : lifecycle::api::LogFormat::kText);
}

void Migrate(const std::string& dsn) {
  const int applied = lifecycle::storage::Migrate(dsn);
  LogEvent(spdlog::level::info, "migrated",
           {{"applied", std::to_string(applied)},
            {"schema_version", std::to_string(lifecycle::storage::LatestSchemaVersion())}});
}

int CreateTenant(const lifecycle::app::Config& config) {
  const auto created = lifecycle::api::CreateTenantWithAdminKey(config.dsn, config.tenant_name);
  std::cout << "tenant_id: " << created.tenant.tenant_id << "\n"
            << "admin_key: " << created.admin_key.token << "\n"
            << "(the key is shown once; store it now)\n";
  return 0;
}

// Serves until SIGTERM or SIGINT. Both are blocked in every thread and
// taken here with sigwait, so no handler runs in an arbitrary thread.
int Serve(const lifecycle::app::Config& config) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (config.migrate_on_start) Migrate(config.dsn);
  lifecycle::app::Server server(config);
  const int port = server.Start();
  LogEvent(spdlog::level::info, "listening",
           {{"address", config.listen},
            {"port", std::to_string(port)},
            {"transport", config.plaintext                    ? "plaintext"
                          : config.tls_client_ca_file.empty() ? "tls"
                                                              : "mutual_tls"}});
  // Written before --port-file, so whoever waits for that finds both.
  if (server.http_port() != 0 && !config.http_port_file.empty()) {
    std::ofstream(config.http_port_file) << server.http_port() << "\n";
  }
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file) << port << "\n";
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent(spdlog::level::info, "signal", {{"signal", strsignal(signal_number)}});
  server.Shutdown();
  LogEvent(spdlog::level::info, "stopped", {});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a vanished peer must not kill the process
  // Debian builds abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detector on: every lock gRPC takes updates a process-wide lock graph
  // (GraphCycles was 2% of the server's CPU answering GetCustomerStage).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto parsed = lifecycle::app::ParseCommandLine(argc, argv);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  const auto& config = parsed.config;
  ConfigureLogging(config);
  try {
    switch (config.command) {
      case lifecycle::app::Command::kMigrate:
        Migrate(config.dsn);
        return 0;
      case lifecycle::app::Command::kCreateTenant:
        return CreateTenant(config);
      case lifecycle::app::Command::kServe:
        return Serve(config);
    }
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::critical, "fatal", {{"error", e.what()}});
    return 1;
  }
  return 1;
}
