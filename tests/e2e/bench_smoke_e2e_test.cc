// Keeps lifecycled-bench from rotting: every scenario runs for a second
// against the real server and must finish without a failed call. Timings
// are printed, never asserted (CI machines are shared and noisy).

#include <string>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/shell_command.h"

namespace lifecycle::testing {
namespace {

class BenchSmokeTest : public E2eTest {
 protected:
  void SetUp() override { StartServer({"--bench-echo", "true"}); }
};

TEST_F(BenchSmokeTest, EveryScenarioRunsWithoutErrors) {
  db_.Query("INSERT INTO customers (tenant_id, customer_id) SELECT '" + tenant_.tenant.tenant_id +
            "', 'cust-' || i FROM generate_series(0, 999) AS i");
  CreateSegment("bench-segment");  // the transition scenario assigns it
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  const CommandResult bench = RunShell(
      std::string(LIFECYCLE_BENCH_BIN) + " --target " + server_->address() + " --api-key " + key +
      " --customers 1000 --transition-customers 1000 --duration-s 1"
      " --warmup-s 0 --threads 1 --inflight 4");
  EXPECT_EQ(bench.exit_code, 0) << bench.output;
  const std::string& output = bench.output;
  for (const char* scenario : {"echo", "get_stage", "batch_get", "transition", "record_signals"}) {
    EXPECT_NE(output.find(std::string("BENCH scenario=") + scenario + " "), std::string::npos)
        << output;
  }
}

}  // namespace
}  // namespace lifecycle::testing
