// LifecycleService through the real server: the whole path, guards and
// overrides, stage reads (now, as of, in bulk), history, concurrency.

#include <google/protobuf/util/time_util.h>

#include <atomic>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::util::TimeUtil;
using grpc::StatusCode;

class LifecycleE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    CreateSegment("smb");
  }

  v1::CustomerStage Stage(const std::string& customer_id) {
    v1::GetCustomerStageRequest request;
    request.set_customer_id(customer_id);
    v1::GetCustomerStageResponse response;
    const grpc::Status status =
        client_->lifecycle().GetCustomerStage(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.customer_stage();
  }

  std::vector<v1::StageTransition> History(const std::string& customer_id, int page_size) {
    std::vector<v1::StageTransition> all;
    v1::ListStageHistoryRequest request;
    request.set_customer_id(customer_id);
    request.set_page_size(page_size);
    do {
      v1::ListStageHistoryResponse response;
      const grpc::Status status =
          client_->lifecycle().ListStageHistory(client_->Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), response.transitions().begin(), response.transitions().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }
};

TEST_F(LifecycleE2eTest, FullPathFromNewToExtendedAndBackThroughLapsed) {
  client_->CreateCustomer("c-1");
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_ONBOARDING).ok());
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_RETAINED).ok());
  // Extending needs a cross-sold product; none is held, so an admin
  // overrides the guard with a reason, and the override is recorded.
  grpc::Status guarded = client_->Transition("c-1", v1::STAGE_EXTENDED);
  EXPECT_EQ(guarded.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(guarded), "GUARD_FAILED");
  EXPECT_EQ(ErrorMetadata(guarded).at("from"), "RETAINED");
  EXPECT_EQ(ErrorMetadata(guarded).at("to"), "EXTENDED");
  v1::TransitionCustomerResponse extended;
  ASSERT_TRUE(
      client_->Transition("c-1", v1::STAGE_EXTENDED, &extended, "", "", "bought add-on in store")
          .ok());
  EXPECT_EQ(extended.transition().override_reason(), "bought add-on in store");
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_LAPSED, nullptr, "no purchase in 90 days").ok());
  v1::TransitionCustomerResponse back;
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_ONBOARDING, &back, "win-back call").ok());

  EXPECT_EQ(back.customer_stage().stage(), v1::STAGE_ONBOARDING);
  EXPECT_EQ(back.customer_stage().segment_id(), "smb");
  EXPECT_EQ(back.customer_stage().version(), 7);
  EXPECT_EQ(back.transition().sequence(), 6);
  EXPECT_EQ(back.transition().from_stage(), v1::STAGE_LAPSED);
  EXPECT_EQ(back.transition().trigger(), v1::TRIGGER_MANUAL);
  EXPECT_EQ(back.transition().actor(), tenant_.admin_key.key.key_id);

  const auto history = History("c-1", 4);
  ASSERT_EQ(history.size(), 6u);
  const std::vector<v1::Stage> newest_first = {v1::STAGE_ONBOARDING, v1::STAGE_LAPSED,
                                               v1::STAGE_EXTENDED,   v1::STAGE_RETAINED,
                                               v1::STAGE_ONBOARDING, v1::STAGE_SEGMENTED};
  for (std::size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].to_stage(), newest_first[i]) << i;
    EXPECT_EQ(history[i].sequence(), static_cast<int64_t>(6 - i));
    EXPECT_GE(TimeUtil::DurationToMicroseconds(history[i].time_in_previous_stage()), 0);
  }
  EXPECT_EQ(history.back().from_stage(), v1::STAGE_NEW);
}

TEST_F(LifecycleE2eTest, DisallowedMovesAndGuardsExplainThemselves) {
  client_->CreateCustomer("c-1");
  grpc::Status skip = client_->Transition("c-1", v1::STAGE_RETAINED);
  EXPECT_EQ(skip.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(skip), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(ErrorMetadata(skip).at("from"), "NEW");

  grpc::Status no_segment = client_->Transition("c-1", v1::STAGE_SEGMENTED);
  EXPECT_EQ(ErrorReason(no_segment), "GUARD_FAILED");
  EXPECT_EQ(ErrorMetadata(no_segment).at("missing"), "segment_id");

  // A service key may not override; support may, with a reason.
  TestClient service = ClientWithKey(KeyWithRole(v1::ROLE_SERVICE));
  EXPECT_EQ(
      ErrorReason(service.Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "", "trust me")),
      "GUARD_FAILED");
  TestClient support = ClientWithKey(KeyWithRole(v1::ROLE_SUPPORT));
  EXPECT_TRUE(
      support.Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "", "segment pending review")
          .ok());
  // Backwards needs a reason.
  EXPECT_EQ(ErrorReason(client_->Transition("c-1", v1::STAGE_NEW)), "REASON_REQUIRED");
  EXPECT_TRUE(client_->Transition("c-1", v1::STAGE_NEW, nullptr, "wrong segment").ok());
  // Readonly keys cannot move customers at all.
  TestClient readonly = ClientWithKey(KeyWithRole(v1::ROLE_READONLY));
  EXPECT_EQ(readonly.Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "2");
}

TEST_F(LifecycleE2eTest, ConcurrentTransitionsWithOneExpectedVersionExactlyOneWins) {
  client_->CreateCustomer("c-1");
  constexpr int kCallers = 50;
  std::atomic<int> ok{0};
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&] {
      v1::TransitionCustomerRequest request;
      request.set_customer_id("c-1");
      request.set_to_stage(v1::STAGE_SEGMENTED);
      request.set_segment_id("smb");
      request.set_expected_version(1);
      request.set_request_id(NewRequestId());
      v1::TransitionCustomerResponse response;
      const grpc::Status status =
          client_->lifecycle().TransitionCustomer(client_->Context().get(), request, &response);
      if (status.ok()) ++ok;
      if (status.error_code() == StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kCallers - 1);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "1");
  EXPECT_EQ(Stage("c-1").version(), 2);
}

TEST_F(LifecycleE2eTest, RetriedTransitionReturnsTheFirstResult) {
  client_->CreateCustomer("c-1");
  v1::TransitionCustomerRequest request;
  request.set_customer_id("c-1");
  request.set_to_stage(v1::STAGE_SEGMENTED);
  request.set_segment_id("smb");
  request.set_request_id("move-once");
  v1::TransitionCustomerResponse first;
  v1::TransitionCustomerResponse retry;
  ASSERT_TRUE(
      client_->lifecycle().TransitionCustomer(client_->Context().get(), request, &first).ok());
  ASSERT_TRUE(
      client_->lifecycle().TransitionCustomer(client_->Context().get(), request, &retry).ok());
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "1");
}

TEST_F(LifecycleE2eTest, StageNowAsOfAndInBulk) {
  client_->CreateCustomer("c-1");
  client_->CreateCustomer("c-2");
  // TimeUtil::GetCurrentTime() has whole seconds only in protobuf 3.21.
  const auto before_move =
      TimeUtil::MicrosecondsToTimestamp(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());

  const v1::CustomerStage now = Stage("c-1");
  EXPECT_EQ(now.stage(), v1::STAGE_SEGMENTED);
  EXPECT_EQ(now.segment_id(), "smb");
  EXPECT_EQ(now.version(), 2);
  EXPECT_GE(TimeUtil::DurationToMicroseconds(now.time_in_stage()), 0);

  v1::GetCustomerStageRequest as_of;
  as_of.set_customer_id("c-1");
  *as_of.mutable_as_of() = before_move;
  v1::GetCustomerStageResponse then;
  const grpc::Status then_status =
      client_->lifecycle().GetCustomerStage(client_->Context().get(), as_of, &then);
  ASSERT_TRUE(then_status.ok()) << then_status.error_message();
  EXPECT_EQ(then.customer_stage().stage(), v1::STAGE_NEW);

  *as_of.mutable_as_of() = TimeUtil::SecondsToTimestamp(1);  // 1970: did not exist
  EXPECT_EQ(
      client_->lifecycle().GetCustomerStage(client_->Context().get(), as_of, &then).error_code(),
      StatusCode::NOT_FOUND);

  v1::BatchGetCustomerStagesRequest batch;
  for (const char* id : {"c-1", "nobody", "c-2", "c-1"}) batch.add_customer_ids(id);
  v1::BatchGetCustomerStagesResponse stages;
  ASSERT_TRUE(
      client_->lifecycle().BatchGetCustomerStages(client_->Context().get(), batch, &stages).ok());
  EXPECT_EQ(stages.customer_stages_size(), 2);
  ASSERT_EQ(stages.missing_customer_ids_size(), 1);
  EXPECT_EQ(stages.missing_customer_ids(0), "nobody");
}

TEST_F(LifecycleE2eTest, BadInputNamesTheField) {
  client_->CreateCustomer("c-1");
  v1::TransitionCustomerRequest transition;
  transition.set_customer_id("c 1");
  transition.set_to_stage(static_cast<v1::Stage>(42));
  transition.set_reason(std::string(1001, 'r'));
  v1::TransitionCustomerResponse moved;
  const grpc::Status status =
      client_->lifecycle().TransitionCustomer(client_->Context().get(), transition, &moved);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  auto fields = ViolatedFields(status);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"customer_id", "reason", "request_id", "to_stage"}));

  v1::BatchGetCustomerStagesRequest batch;
  for (int i = 0; i < 1001; ++i) batch.add_customer_ids("c-" + std::to_string(i));
  v1::BatchGetCustomerStagesResponse stages;
  const grpc::Status too_many =
      client_->lifecycle().BatchGetCustomerStages(client_->Context().get(), batch, &stages);
  EXPECT_EQ(ViolatedFields(too_many), std::vector<std::string>{"customer_ids"});

  v1::ListStageHistoryRequest history;
  history.set_customer_id("c-1");
  history.set_page_token("bm90LWEtdG9rZW4");
  v1::ListStageHistoryResponse listed;
  EXPECT_EQ(ViolatedFields(
                client_->lifecycle().ListStageHistory(client_->Context().get(), history, &listed)),
            std::vector<std::string>{"page_token"});
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "0");
}

TEST_F(LifecycleE2eTest, AnotherTenantCannotReadOrMoveThisTenantsCustomers) {
  client_->CreateCustomer("c-1");
  TestClient other = ClientWithKey(NewTenantKey("Globex"));
  EXPECT_EQ(other.Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").error_code(),
            StatusCode::NOT_FOUND);
  v1::GetCustomerStageRequest get;
  get.set_customer_id("c-1");
  v1::GetCustomerStageResponse stage;
  EXPECT_EQ(other.lifecycle().GetCustomerStage(other.Context().get(), get, &stage).error_code(),
            StatusCode::NOT_FOUND);
  v1::ListStageHistoryRequest history;
  history.set_customer_id("c-1");
  v1::ListStageHistoryResponse listed;
  EXPECT_EQ(
      other.lifecycle().ListStageHistory(other.Context().get(), history, &listed).error_code(),
      StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lifecycle::testing
