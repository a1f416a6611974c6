// The lifecycled command line: --help, migrate, admin create-tenant.

#include <regex>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

TEST(CliE2eTest, HelpListsEveryFlagWithItsEnvironmentVariable) {
  const CommandResult help = RunLifecycled({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"--listen", "LIFECYCLE_LISTEN"},
      {"--dsn", "LIFECYCLE_DSN"},
      {"--pool-size", "LIFECYCLE_POOL_SIZE"},
      {"--queue-capacity", "LIFECYCLE_QUEUE_CAPACITY"},
      {"--ingest-concurrency", "LIFECYCLE_INGEST_CONCURRENCY"},
      {"--log-level", "LIFECYCLE_LOG_LEVEL"},
      {"--log-format", "LIFECYCLE_LOG_FORMAT"},
      {"--migrate-on-start", "LIFECYCLE_MIGRATE_ON_START"},
      {"--shutdown-grace", "LIFECYCLE_SHUTDOWN_GRACE"},
      {"--auth-cache-ttl-ms", "LIFECYCLE_AUTH_CACHE_TTL_MS"},
      {"--health-interval-ms", "LIFECYCLE_HEALTH_INTERVAL_MS"},
      {"--statement-timeout-ms", "LIFECYCLE_STATEMENT_TIMEOUT_MS"},
      {"--watch-poll-ms", "LIFECYCLE_WATCH_POLL_MS"},
      {"--port-file", "LIFECYCLE_PORT_FILE"},
      {"--bench-echo", "LIFECYCLE_BENCH_ECHO"},
      {"--http-listen", "LIFECYCLE_HTTP_LISTEN"},
      {"--http-port-file", "LIFECYCLE_HTTP_PORT_FILE"},
      {"--http-cors-origins", "LIFECYCLE_HTTP_CORS_ORIGINS"},
      {"--http-max-body-bytes", "LIFECYCLE_HTTP_MAX_BODY_BYTES"},
      {"--http-threads", "LIFECYCLE_HTTP_THREADS"},
      {"--tls-cert", "LIFECYCLE_TLS_CERT"},
      {"--tls-key", "LIFECYCLE_TLS_KEY"},
      {"--tls-client-ca", "LIFECYCLE_TLS_CLIENT_CA"},
      {"--plaintext", "LIFECYCLE_PLAINTEXT"},
      {"--max-message-bytes", "LIFECYCLE_MAX_MESSAGE_BYTES"},
  };
  for (const auto& [flag, env] : flags) {
    EXPECT_TRUE(std::regex_search(help.output, std::regex(flag + "\\b.*Env:" + env + "\\b")))
        << flag << " / " << env << " missing from:\n"
        << help.output;
  }
}

TEST(CliE2eTest, MissingDsnIsAUsageError) {
  const CommandResult result = RunLifecycled({"migrate"}, {"LIFECYCLE_DSN="});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("LIFECYCLE_DSN"), std::string::npos) << result.output;
}

TEST(CliE2eTest, MigrateThenCreateTenantPrintsAWorkingKey) {
  TestDatabase db;
  // Start from an empty schema, as a brand-new database would be.
  db.Query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  const CommandResult migrate = RunLifecycled({"migrate", "--dsn", db.dsn()});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
  // Env instead of the flag: both must work.
  const CommandResult created =
      RunLifecycled({"admin", "create-tenant", "--name", "Initech"}, {"LIFECYCLE_DSN=" + db.dsn()});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  std::smatch key;
  ASSERT_TRUE(std::regex_search(created.output, key, std::regex("admin_key: (lc_\\S+)")))
      << created.output;

  ServerProcess server(db.dsn());
  TestClient client(server.address(), key[1]);
  v1::GetTenantResponse tenant;
  ASSERT_TRUE(client.admin().GetTenant(client.Context().get(), {}, &tenant).ok());
  EXPECT_EQ(tenant.tenant().name(), "Initech");
}

TEST(CliE2eTest, CreateTenantRejectsAnEmptyName) {
  TestDatabase db;
  const CommandResult created =
      RunLifecycled({"admin", "create-tenant", "--name", "", "--dsn", db.dsn()});
  EXPECT_NE(created.exit_code, 0);
  EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), "0");
}

}  // namespace
}  // namespace lifecycle::testing
