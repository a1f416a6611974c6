// Two lifecycled processes on one database, as behind a load balancer
// (docs/scaling.md): a revocation through one reaches the other within
// --auth-cache-ttl-ms, a write retried (or sent at once) on both with one
// request_id is applied once, a watcher on one sees moves made through the
// other, a page token from one works on the other, and a re-segmentation
// job is run once although both instances' job runners poll for it.

#include <google/protobuf/util/message_differencer.h>

#include <barrier>
#include <set>

#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/event_watcher.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using grpc::StatusCode;

constexpr std::chrono::milliseconds kAuthCacheTtl{300};
// What a poll for "within the TTL" allows on top of it: a loaded test
// machine, not the server, decides how long a call takes.
constexpr std::chrono::seconds kSlack{5};

class MultiInstanceE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    // Small batches and a fast poll, so both job runners contend for a job.
    const std::vector<std::string> flags = {
        "--auth-cache-ttl-ms",    std::to_string(kAuthCacheTtl.count()),
        "--job-poll-ms",          "20",
        "--resegment-batch-size", "5"};
    StartServer(flags);
    second_ = std::make_unique<ServerProcess>(db_.dsn(), flags);
    on_b_ = std::make_unique<TestClient>(second_->address(), admin_key_);
    CreateSegment("smb");  // matches customers with attributes.never_set_by_tests
  }

  static v1::TransitionCustomerRequest ToSegmented(const std::string& customer_id,
                                                   const std::string& request_id) {
    v1::TransitionCustomerRequest request;
    request.set_customer_id(customer_id);
    request.set_to_stage(v1::STAGE_SEGMENTED);
    request.set_segment_id("smb");
    request.set_request_id(request_id);
    return request;
  }

  static grpc::Status Send(TestClient& client, const v1::TransitionCustomerRequest& request,
                           v1::TransitionCustomerResponse* response) {
    return client.lifecycle().TransitionCustomer(client.Context().get(), request, response);
  }

  std::string LogRowsOf(const std::string& request_id) {
    return db_.Query("SELECT count(*) FROM stage_transitions WHERE request_id = '" + request_id +
                     "'");
  }

  static StatusCode GetCustomerCode(TestClient& client) {
    v1::GetCustomerRequest request;
    request.set_customer_id("nobody");
    v1::GetCustomerResponse response;
    return client.customers().GetCustomer(client.Context().get(), request, &response).error_code();
  }

  // Instance A is server_ / client_ (the fixture's), B is second_ / on_b_.
  std::unique_ptr<ServerProcess> second_;
  std::unique_ptr<TestClient> on_b_;
};

TEST_F(MultiInstanceE2eTest, AKeyRevokedThroughOneInstanceIsRefusedByTheOtherWithinTheCacheTtl) {
  const std::string key = KeyWithRole(v1::ROLE_SERVICE);
  TestClient key_on_a(server_->address(), key);
  TestClient key_on_b(second_->address(), key);
  // Both instances have the key cached as valid now.
  ASSERT_EQ(GetCustomerCode(key_on_a), StatusCode::NOT_FOUND);
  ASSERT_EQ(GetCustomerCode(key_on_b), StatusCode::NOT_FOUND);

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(key.substr(3, 16));
  revoke.set_request_id(NewRequestId());
  v1::RevokeApiKeyResponse revoked;
  ASSERT_TRUE(client_->admin().RevokeApiKey(client_->Context().get(), revoke, &revoked).ok());

  const auto bound = kAuthCacheTtl + kSlack;
  EXPECT_TRUE(WaitFor([&] { return GetCustomerCode(key_on_b) == StatusCode::UNAUTHENTICATED; },
                      std::chrono::duration_cast<std::chrono::milliseconds>(bound)))
      << "instance B still accepts the key revoked through A";
  EXPECT_TRUE(WaitFor([&] { return GetCustomerCode(key_on_a) == StatusCode::UNAUTHENTICATED; },
                      std::chrono::duration_cast<std::chrono::milliseconds>(bound)));
}

TEST_F(MultiInstanceE2eTest, AWriteRetriedOnTheOtherInstanceReturnsTheFirstResultAndAppliesOnce) {
  client_->CreateCustomer("retried");
  const std::string request_id = NewRequestId();
  v1::TransitionCustomerResponse first;
  ASSERT_TRUE(Send(*client_, ToSegmented("retried", request_id), &first).ok());

  v1::TransitionCustomerResponse retried;
  const grpc::Status status = Send(*on_b_, ToSegmented("retried", request_id), &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried))
      << first.ShortDebugString() << " vs " << retried.ShortDebugString();
  EXPECT_EQ(LogRowsOf(request_id), "1");
  EXPECT_EQ(db_.Query("SELECT version FROM customers WHERE customer_id = 'retried'"),
            std::to_string(first.customer_stage().version()));

  // The same id with another payload is refused on either instance.
  v1::TransitionCustomerRequest other = ToSegmented("retried", request_id);
  other.set_reason("a different request");
  v1::TransitionCustomerResponse refused;
  const grpc::Status mismatch = Send(*on_b_, other, &refused);
  EXPECT_EQ(mismatch.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(mismatch), std::vector<std::string>{"request_id"});
}

TEST_F(MultiInstanceE2eTest, TheSameRequestSentToBothInstancesAtOnceIsAppliedOnce) {
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string customer_id = "race-" + std::to_string(round);
    client_->CreateCustomer(customer_id);
    const auto request = ToSegmented(customer_id, NewRequestId());
    v1::TransitionCustomerResponse responses[2];
    grpc::Status statuses[2];
    std::barrier start(2);
    auto send = [&](int i, TestClient& client) {
      start.arrive_and_wait();
      statuses[i] = Send(client, request, &responses[i]);
    };
    std::thread on_a(send, 0, std::ref(*client_));
    std::thread on_b(send, 1, std::ref(*on_b_));
    on_a.join();
    on_b.join();
    ASSERT_TRUE(statuses[0].ok()) << statuses[0].error_message();
    ASSERT_TRUE(statuses[1].ok()) << statuses[1].error_message();
    EXPECT_TRUE(MessageDifferencer::Equals(responses[0], responses[1])) << customer_id;
    EXPECT_EQ(LogRowsOf(request.request_id()), "1") << customer_id;
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), std::to_string(kRounds));
}

TEST_F(MultiInstanceE2eTest, AWatcherOnOneInstanceSeesTransitionsMadeThroughTheOther) {
  Watcher on_a(*client_, 0);
  Watcher on_b(*on_b_, 0);
  // Alternate the instance that writes: each watcher sees its own and the
  // other's moves, in the tenant's sequence order.
  constexpr int kMoves = 6;
  for (int i = 0; i < kMoves; ++i) {
    TestClient& writer = i % 2 == 0 ? *on_b_ : *client_;
    const std::string id = "watched-" + std::to_string(i);
    writer.CreateCustomer(id);
    ASSERT_TRUE(writer.Transition(id, v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  }
  for (Watcher* watcher : {&on_a, &on_b}) {
    const auto events = watcher->WaitFor(kMoves);
    ASSERT_EQ(events.size(), static_cast<std::size_t>(kMoves));
    for (int i = 0; i < kMoves; ++i) {
      EXPECT_EQ(events[i].sequence(), i + 1);
      EXPECT_EQ(events[i].customer_id(), "watched-" + std::to_string(i));
    }
  }
}

TEST_F(MultiInstanceE2eTest, APageTokenFromOneInstanceIsHonouredByTheOther) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i)
    created.insert(client_->CreateCustomer("p-" + std::to_string(i)).customer_id());
  std::vector<std::string> listed;
  v1::ListCustomersRequest request;
  request.set_page_size(2);
  for (int page = 0; page < 10; ++page) {
    TestClient& client = page % 2 == 0 ? *client_ : *on_b_;  // alternate instances
    v1::ListCustomersResponse response;
    const grpc::Status status =
        client.customers().ListCustomers(client.Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& customer : response.customers()) listed.push_back(customer.customer_id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(listed.size(), created.size()) << "a page repeated or skipped customers";
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), created);
}

TEST_F(MultiInstanceE2eTest, AResegmentationJobIsRunOnceWithBothInstancesPolling) {
  // Customers written behind the servers' backs, so none is placed yet; all
  // match "smb". 500 customers are 100 batches of 5 for two runners.
  constexpr int kCustomers = 500;
  db_.Query("INSERT INTO customers (tenant_id, customer_id, attributes) SELECT '" +
            tenant_.tenant.tenant_id +
            "'::uuid, 'j-' || lpad(i::text, 4, '0'), '{\"never_set_by_tests\": true}'"
            " FROM generate_series(1, " +
            std::to_string(kCustomers) + ") i");
  v1::ResegmentCustomersRequest start;
  start.set_request_id(NewRequestId());
  v1::ResegmentCustomersResponse started;
  ASSERT_TRUE(
      client_->segments().ResegmentCustomers(client_->Context().get(), start, &started).ok());
  ASSERT_EQ(started.job().total_customers(), kCustomers);

  v1::ResegmentJob job;
  const bool finished = WaitFor(
      [&] {
        v1::GetResegmentJobRequest request;
        request.set_job_id(started.job().job_id());
        v1::GetResegmentJobResponse response;
        if (!on_b_->segments().GetResegmentJob(on_b_->Context().get(), request, &response).ok())
          return false;
        job = response.job();
        return job.state() != v1::ResegmentJob::STATE_RUNNING;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(finished) << job.ShortDebugString();
  EXPECT_EQ(job.state(), v1::ResegmentJob::STATE_SUCCEEDED) << job.error();
  EXPECT_EQ(job.processed_customers(), kCustomers);
  EXPECT_EQ(job.changed_customers(), kCustomers);
  ASSERT_EQ(job.moves_size(), 1);
  EXPECT_EQ(job.moves(0).customers(), kCustomers);
  // One log row per customer, sequences 1..n without gaps or repeats.
  const std::string n = std::to_string(kCustomers);
  EXPECT_EQ(db_.Query("SELECT count(*) || ' ' || count(DISTINCT customer_id) || ' ' ||"
                      " min(sequence) || ' ' || max(sequence) FROM stage_transitions"),
            n + " " + n + " 1 " + n);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers WHERE segment_id = 'smb' AND version = 2"),
            n);
}

}  // namespace
}  // namespace lifecycle::testing
