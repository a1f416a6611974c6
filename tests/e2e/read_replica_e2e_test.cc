// --read-dsn against a real streaming replica of the test cluster: which
// calls read there, the staleness bound, read-your-write on the primary,
// and what callers get while the replica is stopped and after it is back.
// One replica serves the whole binary (it copies the whole cluster), so
// ctest runs these tests in one process (tests/CMakeLists.txt).

#include <regex>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_get.h"
#include "tests/support/streaming_replica.h"

namespace lifecycle::testing {
namespace {

StreamingReplica* replica = nullptr;

class ReplicaEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { replica = new StreamingReplica(); }
  void TearDown() override {
    delete replica;
    replica = nullptr;
  }
};
[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ReplicaEnvironment);

constexpr char kUnbounded[] = "600000";  // ten minutes: the replica is always fresh enough

class ReadReplicaE2eTest : public E2eTest {
 protected:
  // The prober logs a change of state just after making it, so a test that
  // saw the state may get there before the line does: wait for the line.
  bool LogSays(const std::string& event) {
    return WaitFor([&] { return server_->Log().find(event) != std::string::npos; });
  }

  void SetUp() override {
    ASSERT_NE(replica, nullptr);
    replica->Start();  // running unless a failed test left it stopped
    replica->ResumeReplay();
    replica->WaitUntilCaughtUp();  // this test's database exists there too
  }

  void StartWithReplica(const std::string& max_lag_ms) {
    StartServer({"--read-dsn", replica->DsnFor(db_.dsn()), "--read-max-lag-ms", max_lag_ms,
                 "--read-probe-ms", "50", "--metrics-listen", "127.0.0.1:0"});
    std::smatch match;
    const std::string log = server_->Log();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("metrics_listening .*port=(\\d+)")))
        << log;
    metrics_port_ = std::stoi(match[1]);
  }

  double Metric(const std::string& series) {
    const std::string scrape = HttpGet(metrics_port_, "/metrics").value_or("");
    const auto at = scrape.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(scrape.substr(at + series.size() + 2));
  }
  double ReplicaReads() {
    return Metric("lifecycled_read_replica_calls_total{served_by=\"replica\"}");
  }
  double PrimaryFallbacks() {
    return Metric("lifecycled_read_replica_calls_total{served_by=\"primary\"}");
  }
  bool ReplicaInUse() { return Metric("lifecycled_read_replica_in_use") == 1; }

  grpc::Status GetCustomer(const std::string& customer_id, v1::Customer* customer,
                           const std::string& consistency = "") {
    v1::GetCustomerRequest request;
    request.set_customer_id(customer_id);
    v1::GetCustomerResponse response;
    auto context = client_->Context();
    if (!consistency.empty()) context->AddMetadata("x-lifecycle-consistency", consistency);
    const grpc::Status status = client_->customers().GetCustomer(context.get(), request, &response);
    if (customer != nullptr) *customer = response.customer();
    return status;
  }
  std::int64_t VersionOf(const std::string& customer_id, const std::string& consistency = "") {
    v1::Customer customer;
    const grpc::Status status = GetCustomer(customer_id, &customer, consistency);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return customer.version();
  }
  v1::Stage StageOf(const std::string& customer_id, const std::string& consistency = "") {
    v1::GetCustomerStageRequest request;
    request.set_customer_id(customer_id);
    v1::GetCustomerStageResponse response;
    auto context = client_->Context();
    if (!consistency.empty()) context->AddMetadata("x-lifecycle-consistency", consistency);
    const grpc::Status status =
        client_->lifecycle().GetCustomerStage(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.customer_stage().stage();
  }
  void Update(const std::string& customer_id, const std::string& attributes_json) {
    v1::UpdateCustomerResponse response;
    const grpc::Status status = client_->UpdateAttributes(customer_id, attributes_json,
                                                          std::nullopt, NewRequestId(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  int metrics_port_ = 0;
};

TEST_F(ReadReplicaE2eTest, ReadsComeFromTheReplicaAndWritesGoToThePrimary) {
  StartWithReplica(kUnbounded);
  client_->CreateCustomer("c-1");  // a write: the replica would refuse it
  replica->WaitUntilCaughtUp();
  ASSERT_TRUE(WaitFor([&] { return ReplicaInUse(); }));

  // With replay paused, only a read on the replica can miss the next write.
  replica->PauseReplay();
  Update("c-1", R"({"plan": "pro"})");
  const double replica_reads = ReplicaReads();
  EXPECT_EQ(VersionOf("c-1"), 1);  // the replica's (stale but within the bound)
  EXPECT_EQ(ReplicaReads(), replica_reads + 1);
  // Read-your-write: the caller asks for the primary.
  EXPECT_EQ(VersionOf("c-1", "primary"), 2);
  // Writes and authentication stay on the primary: a key created now (not
  // yet on the replica) works at once, also for a replica read.
  client_->set_api_key(KeyWithRole(v1::ROLE_READONLY));
  EXPECT_EQ(VersionOf("c-1"), 1);

  replica->ResumeReplay();
  EXPECT_TRUE(WaitFor([&] { return VersionOf("c-1") == 2; }));
}

// GetCustomerStage without as_of takes the batched path (StageLookups),
// which routes its one query per batch the same way.
TEST_F(ReadReplicaE2eTest, BatchedStageLookupsReadOnTheReplicaToo) {
  StartWithReplica(kUnbounded);
  CreateSegment("smb");
  client_->CreateCustomer("c-1");
  replica->WaitUntilCaughtUp();
  ASSERT_TRUE(WaitFor([&] { return ReplicaInUse(); }));

  replica->PauseReplay();
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  const double replica_reads = ReplicaReads();
  EXPECT_EQ(StageOf("c-1"), v1::STAGE_NEW);  // the replica's
  EXPECT_EQ(ReplicaReads(), replica_reads + 1);
  EXPECT_EQ(StageOf("c-1", "primary"), v1::STAGE_SEGMENTED);

  replica->ResumeReplay();
  EXPECT_TRUE(WaitFor([&] { return StageOf("c-1") == v1::STAGE_SEGMENTED; }));
}

TEST_F(ReadReplicaE2eTest, AReplicaBehindTheBoundIsNotRead) {
  StartWithReplica("1000");
  client_->CreateCustomer("c-1");
  ASSERT_TRUE(WaitFor([&] { return ReplicaInUse(); }));

  replica->PauseReplay();
  Update("c-1", R"({"plan": "pro"})");
  // Within the bound a read may still see version 1; past it every read is
  // on the primary, which has version 2.
  ASSERT_TRUE(WaitFor([&] { return !ReplicaInUse(); }));
  const double fallbacks = PrimaryFallbacks();
  EXPECT_EQ(VersionOf("c-1"), 2);
  EXPECT_EQ(PrimaryFallbacks(), fallbacks + 1);
  EXPECT_TRUE(LogSays("read_replica_not_used"));

  replica->ResumeReplay();
  // Once caught up the replica is read again (retried: under load it may
  // fall behind the bound now and then).
  EXPECT_TRUE(WaitFor([&] {
    const double replica_reads = ReplicaReads();
    return VersionOf("c-1") == 2 && ReplicaReads() == replica_reads + 1;
  }));
}

TEST_F(ReadReplicaE2eTest, ReadsFallBackToThePrimaryWhileTheReplicaIsStopped) {
  StartWithReplica(kUnbounded);
  client_->CreateCustomer("c-1");
  replica->WaitUntilCaughtUp();
  ASSERT_TRUE(WaitFor([&] { return ReplicaInUse(); }));
  EXPECT_EQ(VersionOf("c-1"), 1);  // opens a replica connection, which the stop cuts

  replica->Stop();
  // At once: whether a probe or the cut connection notices first, the read
  // is answered by the primary.
  EXPECT_EQ(VersionOf("c-1"), 1);
  Update("c-1", R"({"plan": "pro"})");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(VersionOf("c-1"), 2);
  EXPECT_FALSE(ReplicaInUse());
  EXPECT_GE(PrimaryFallbacks(), 6);
  EXPECT_TRUE(LogSays("read_replica_not_used"));

  replica->Start();
  ASSERT_TRUE(WaitFor([&] { return ReplicaInUse(); }, std::chrono::seconds(60)));
  // With no lag bound the restarted replica is read as soon as it answers,
  // possibly before it has replayed the update: wait for that too.
  replica->WaitUntilCaughtUp();
  const double replica_reads = ReplicaReads();
  EXPECT_EQ(VersionOf("c-1"), 2);
  EXPECT_EQ(ReplicaReads(), replica_reads + 1);
  EXPECT_TRUE(LogSays("read_replica_in_use"));
}

TEST_F(ReadReplicaE2eTest, ConsistencyMetadataIsChecked) {
  StartWithReplica(kUnbounded);
  client_->CreateCustomer("c-1");
  replica->WaitUntilCaughtUp();
  const struct {
    std::string value;
    grpc::StatusCode expected;
  } cases[] = {
      {"primary", grpc::StatusCode::OK},
      {"bounded", grpc::StatusCode::OK},
      {"strong", grpc::StatusCode::INVALID_ARGUMENT},
      {"PRIMARY", grpc::StatusCode::INVALID_ARGUMENT},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    const grpc::Status status = GetCustomer("c-1", nullptr, c.value);
    EXPECT_EQ(status.error_code(), c.expected) << status.error_message();
    if (!status.ok()) {
      EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"x-lifecycle-consistency"});
    }
  }
}

}  // namespace
}  // namespace lifecycle::testing
