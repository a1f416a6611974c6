// Prometheus metrics on their own port (--metrics-listen), scraped over
// HTTP like Prometheus does, after a few known calls.

#include <regex>

#include "lifecycle/v1/retention.grpc.pb.h"
#include "server/api/converters.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_get.h"
#include "tests/support/row_lock.h"

namespace lifecycle::testing {
namespace {

class MetricsE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    StartServer({"--metrics-listen", "127.0.0.1:0", "--metrics-refresh-ms", "100"});
    std::smatch match;
    const std::string log = server_->Log();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("metrics_listening .*port=(\\d+)")))
        << log;
    metrics_port_ = std::stoi(match[1]);
  }

  std::string Scrape() {
    auto body = HttpGet(metrics_port_, "/metrics");
    EXPECT_TRUE(body.has_value());
    return body.value_or("");
  }

  // The value of one series (name with labels, as Prometheus prints it), or
  // nullopt when the scrape does not have it.
  static std::optional<double> Value(const std::string& scrape, const std::string& series) {
    const auto at = scrape.find("\n" + series + " ");
    if (at == std::string::npos) return std::nullopt;
    return std::stod(scrape.substr(at + series.size() + 2));
  }

  int metrics_port_ = 0;
};

constexpr char kCreate[] = "/lifecycle.v1.CustomerService/CreateCustomer";
constexpr char kGet[] = "/lifecycle.v1.CustomerService/GetCustomer";

std::string Series(const std::string& name, const std::string& labels) {
  return name + "{" + labels + "}";
}

TEST_F(MetricsE2eTest, CountsCallsLatencySignalsPoolAndStages) {
  client_->CreateCustomer("c-1");
  client_->CreateCustomer("c-2");
  v1::GetCustomerRequest get;
  get.set_customer_id("nobody");
  v1::GetCustomerResponse got;
  ASSERT_EQ(client_->customers().GetCustomer(client_->Context().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto retention = v1::RetentionService::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  v1::RecordSignalsRequest signals;
  for (const char* event : {"ev-1", "ev-2", "ev-1"}) {  // the repeat is a duplicate
    auto* signal = signals.add_signals();
    signal->set_event_id(event);
    signal->set_customer_id("c-1");
    signal->set_kind(v1::SIGNAL_KIND_ACTIVITY);
    *signal->mutable_occur_time() = api::ToProto(std::chrono::system_clock::now());
  }
  v1::RecordSignalsResponse recorded;
  ASSERT_TRUE(retention->RecordSignals(client_->Context().get(), signals, &recorded).ok());

  const std::string scrape = Scrape();
  EXPECT_EQ(Value(scrape, Series("lifecycled_rpc_calls_total",
                                 std::string("code=\"OK\",method=\"") + kCreate + "\"")),
            2)
      << scrape;
  EXPECT_EQ(Value(scrape, Series("lifecycled_rpc_calls_total",
                                 std::string("code=\"NOT_FOUND\",method=\"") + kGet + "\"")),
            1);
  EXPECT_EQ(Value(scrape, Series("lifecycled_rpc_latency_seconds_count",
                                 std::string("method=\"") + kCreate + "\"")),
            2);
  EXPECT_EQ(Value(scrape, Series("lifecycled_rpc_latency_seconds_bucket",
                                 std::string("method=\"") + kCreate + "\",le=\"+Inf\"")),
            2);
  EXPECT_EQ(Value(scrape, "lifecycled_signals_accepted_total"), 2);
  // 8 workers by default. The worker of the last call may still be between
  // its answer and its next wait, so "all idle" is waited for.
  const auto in_use = Value(scrape, Series("lifecycled_db_pool_connections", "state=\"in_use\""));
  const auto idle = Value(scrape, Series("lifecycled_db_pool_connections", "state=\"idle\""));
  ASSERT_TRUE(in_use && idle);
  EXPECT_EQ(*in_use + *idle, 8);
  EXPECT_TRUE(WaitFor([&] {
    return Value(Scrape(), Series("lifecycled_db_pool_connections", "state=\"idle\"")) == 8;
  }));
  EXPECT_EQ(Value(scrape, "lifecycled_db_pool_waiting_calls"), 0);
  EXPECT_EQ(Value(scrape, Series("lifecycled_db_errors_total", "kind=\"connect_failed\"")), 0);
  EXPECT_EQ(Value(scrape, "lifecycled_stage_counts_stale"), 0);

  // The stage gauges follow within a refresh.
  EXPECT_TRUE(WaitFor([&] {
    const std::string later = Scrape();
    return Value(later, Series("lifecycled_customers", "stage=\"NEW\"")) == 2 &&
           Value(later, Series("lifecycled_customers", "stage=\"LAPSED\"")) == 0;
  })) << Scrape();
}

TEST_F(MetricsE2eTest, DatabaseErrorsAreCounted) {
  client_->CreateCustomer("c-1");
  const auto timeouts = [&] {
    return Value(Scrape(), Series("lifecycled_db_errors_total", "kind=\"statement_timeout\""));
  };
  EXPECT_EQ(timeouts(), 0);
  // An update blocked on a row lock until its deadline ends the statement.
  RowLock lock(db_.dsn(), "customers");
  auto context = client_->Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_customer_id("c-1");
  update.mutable_update_mask()->add_paths("attributes");
  update.set_request_id(NewRequestId());
  v1::UpdateCustomerResponse response;
  ASSERT_EQ(client_->customers().UpdateCustomer(context.get(), update, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(WaitFor([&] { return timeouts() == 1; })) << Scrape();
}

TEST(MetricsOffTest, NoEndpointUnlessAsked) {
  TestDatabase db;
  ServerProcess server(db.dsn());
  EXPECT_EQ(server.Log().find("metrics_listening"), std::string::npos);
}

}  // namespace
}  // namespace lifecycle::testing
