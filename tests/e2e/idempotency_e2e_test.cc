// Request ids are kept for --idempotency-retention-hours, then the purge
// job forgets them: a retry within the retention returns the first result,
// after the purge the mutation runs again.

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;

class IdempotencyE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    StartServer({"--idempotency-retention-hours", "24", "--idempotency-purge-ms", "100"});
  }

  grpc::Status Create(const std::string& customer_id, const std::string& request_id,
                      v1::CreateCustomerResponse* response) {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_customer_id(customer_id);
    request.set_request_id(request_id);
    return client_->customers().CreateCustomer(client_->Context().get(), request, response);
  }

  bool Remembered(const std::string& request_id) {
    return db_.Query("SELECT count(*) FROM idempotency_keys WHERE request_id = '" + request_id +
                     "'") == "1";
  }
};

TEST_F(IdempotencyE2eTest, ExpiredRequestIdsArePurgedAndFreshOnesKept) {
  v1::CreateCustomerResponse first;
  ASSERT_TRUE(Create("c-old", "req-old", &first).ok());
  ASSERT_TRUE(Create("c-new", "req-new", &first).ok());
  db_.Query(
      "UPDATE idempotency_keys SET created_at = now() - interval '25 hours'"
      " WHERE request_id = 'req-old'");

  EXPECT_TRUE(WaitFor([&] { return !Remembered("req-old"); }));
  EXPECT_TRUE(Remembered("req-new"));

  // Within the retention a retry is answered from the record...
  v1::CreateCustomerResponse retried;
  EXPECT_TRUE(Create("c-new", "req-new", &retried).ok());
  // ...after it the create runs again and finds its customer already there.
  EXPECT_EQ(Create("c-old", "req-old", &retried).error_code(), StatusCode::ALREADY_EXISTS);
}

}  // namespace
}  // namespace lifecycle::testing
