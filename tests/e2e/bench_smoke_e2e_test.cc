// Keeps lifecycled-bench from rotting: every scenario runs for a second
// against the real server and must finish without a failed call. Timings
// are printed, never asserted (CI machines are shared and noisy).

#include <cstdio>
#include <string>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

class BenchSmokeTest : public E2eTest {
 protected:
  void SetUp() override { StartServer({"--bench-echo", "true"}); }
};

// Runs `command`, returns its exit status and sets *output to what it printed.
int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output->append(buffer);
  return pclose(pipe);
}

TEST_F(BenchSmokeTest, EveryScenarioRunsWithoutErrors) {
  db_.Query("INSERT INTO customers (tenant_id, customer_id) SELECT '" + tenant_.tenant.tenant_id +
            "', 'cust-' || i FROM generate_series(0, 999) AS i");
  CreateSegment("bench-segment");  // the transition scenario assigns it
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  std::string output;
  const int status = RunCommand(std::string(LIFECYCLE_BENCH_BIN) + " --target " +
                                    server_->address() + " --api-key " + key +
                                    " --customers 1000 --transition-customers 1000 --duration-s 1"
                                    " --warmup-s 0 --threads 1 --inflight 4",
                                &output);
  EXPECT_EQ(status, 0) << output;
  for (const char* scenario : {"echo", "get_stage", "batch_get", "transition", "record_signals"}) {
    EXPECT_NE(output.find(std::string("BENCH scenario=") + scenario + " "), std::string::npos)
        << output;
  }
}

}  // namespace
}  // namespace lifecycle::testing
