// No personal data in the server log: a representative flow with marker
// values in every attribute and note, plus refused and failing calls that
// carry them, must leave no marker in the log, at the most verbose level
// and in both formats.

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"
#include "tests/support/personal_data_flow.h"

namespace lifecycle::testing {
namespace {

constexpr const char* kMarker = "pii-9e4b71";

class LogPrivacyE2eTest : public E2eTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override { StartServer({"--log-level", "trace", "--log-format", GetParam()}); }
};

TEST_P(LogPrivacyE2eTest, AFullFlowLogsNoAttributeOrNote) {
  GenericClient admin(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                      admin_key_);
  RunPersonalDataFlow(admin, "c-1", "everyone", kMarker);
  ASSERT_FALSE(HasFailure());
  // Refused and failing calls carrying personal data.
  const std::string bad_attributes =
      std::string(R"({"customer":{"customer_id":"c-1","attributes":{"name":")") + kMarker +
      R"("}},"request_id":"dup"})";
  const auto* create = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      "lifecycle.v1.CustomerService.CreateCustomer");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(admin.CallJson(*create, bad_attributes).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  GenericClient anonymous(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()), "");
  EXPECT_EQ(anonymous.CallJson(*create, bad_attributes).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::EraseCustomerRequest erase;
  erase.set_customer_id("c-1");
  erase.set_request_id(NewRequestId());
  v1::EraseCustomerResponse erased;
  ASSERT_TRUE(client_->customers().EraseCustomer(client_->Context().get(), erase, &erased).ok());

  server_->Stop();  // flushes the log
  const std::string log = server_->Log();
  EXPECT_NE(log.find("CustomerService/CreateCustomer"), std::string::npos)
      << "the calls were logged:\n"
      << log;
  EXPECT_EQ(log.find(kMarker), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Formats, LogPrivacyE2eTest, ::testing::Values("text", "json"));

}  // namespace
}  // namespace lifecycle::testing
