// SegmentService through the real server: segments and their versions,
// placement at customer create/update, previews, re-segmentation jobs (their
// matrix, each customer's segment and history, the event stream), a job that
// survives a killed server, roles, retries and bad input.

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/request_cases.h"

namespace lifecycle::testing {
namespace {

using grpc::StatusCode;
using validation_testing::Case;
using validation_testing::Fields;
using validation_testing::Sorted;

using Matrix = std::map<std::pair<std::string, std::string>, std::int64_t>;

// ------------------------------------------------------------ rule builders

v1::RuleValue Str(const std::string& text) {
  v1::RuleValue value;
  value.set_string_value(text);
  return value;
}
v1::RuleValue Num(double number) {
  v1::RuleValue value;
  value.set_number_value(number);
  return value;
}
v1::RuleValue Seconds(std::int64_t seconds) {
  v1::RuleValue value;
  value.mutable_timestamp_value()->set_seconds(seconds);
  return value;
}

v1::Rule Cond(const std::string& field, v1::RuleOperator op,
              std::vector<v1::RuleValue> values = {}) {
  v1::Rule rule;
  auto* condition = rule.mutable_condition();
  condition->set_field(field);
  condition->set_op(op);
  for (auto& value : values) *condition->add_values() = std::move(value);
  return rule;
}
v1::Rule AllOf(std::vector<v1::Rule> rules) {
  v1::Rule rule;
  auto* group = rule.mutable_all();
  for (auto& child : rules) *group->add_rules() = std::move(child);
  return rule;
}
v1::Rule AnyOf(std::vector<v1::Rule> rules) {
  v1::Rule rule;
  auto* group = rule.mutable_any();
  for (auto& child : rules) *group->add_rules() = std::move(child);
  return rule;
}
v1::Rule NotOf(v1::Rule child) {
  v1::Rule rule;
  *rule.mutable_not_() = std::move(child);
  return rule;
}

v1::Rule CountryIn(const std::vector<std::string>& countries) {
  std::vector<v1::RuleValue> values;
  for (const auto& country : countries) values.push_back(Str(country));
  return Cond("attributes.country", v1::RULE_OPERATOR_IN, std::move(values));
}
v1::Rule SpendAtLeast(double spend) {
  return Cond("attributes.spend", v1::RULE_OPERATOR_GE, {Num(spend)});
}

// A rule segment, or the default when `rule` is unset.
v1::Segment Seg(const std::string& id, int priority, std::optional<v1::Rule> rule) {
  v1::Segment segment;
  segment.set_segment_id(id);
  segment.set_display_name("Segment " + id);
  segment.set_basis(v1::SEGMENT_BASIS_GEOGRAPHIC);
  segment.set_story("who " + id + " are");
  segment.set_goal("what we want for " + id);
  segment.set_priority(priority);
  if (rule) {
    *segment.mutable_rule() = std::move(*rule);
  } else {
    segment.set_is_default(true);
  }
  return segment;
}

// ------------------------------------------------------------ the population

// Customer i: spends 150 every fourth, lives in FR, US, DE in turn.
std::string Id(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "c-%02d", i);
  return id;
}
std::string Country(int i) { return i % 3 == 0 ? "FR" : i % 3 == 1 ? "US" : "DE"; }
bool Big(int i) { return i % 4 == 0; }
std::string AttributesOf(int i) {
  return "{\"country\": \"" + Country(i) + "\", \"spend\": " + (Big(i) ? "150" : "10") + "}";
}
// Where the standard segments (big 20, eu 10, default rest) put customer i:
// an oracle that shares no code with the server.
std::string Standard(int i) {
  if (Big(i)) return "big";
  return Country(i) == "US" ? "rest" : "eu";
}

std::string Stringify(const Matrix& matrix) {
  std::string out;
  for (const auto& [move, count] : matrix) {
    out += "'" + move.first + "'->'" + move.second + "':" + std::to_string(count) + " ";
  }
  return out;
}

class SegmentE2eTest : public E2eTest {
 protected:
  void SetUp() override { StartServer({"--job-poll-ms=50"}); }

  grpc::Status CreateSegment(const v1::Segment& segment, v1::CreateSegmentResponse* response,
                             const std::string& request_id, TestClient* client = nullptr) {
    v1::CreateSegmentRequest request;
    *request.mutable_segment() = segment;
    request.set_request_id(request_id);
    TestClient& caller = client != nullptr ? *client : *client_;
    return caller.segments().CreateSegment(caller.Context().get(), request, response);
  }

  v1::Segment MustCreate(const v1::Segment& segment) {
    v1::CreateSegmentResponse response;
    const grpc::Status status = CreateSegment(segment, &response, NewRequestId());
    EXPECT_TRUE(status.ok()) << segment.segment_id() << ": " << status.error_message();
    return response.segment();
  }

  void CreateStandardSegments() {
    MustCreate(Seg("big", 20, SpendAtLeast(100)));
    MustCreate(Seg("eu", 10, CountryIn({"FR", "DE"})));
    MustCreate(Seg("rest", 0, std::nullopt));
  }

  void CreateStandardCustomers(int count) {
    for (int i = 0; i < count; ++i) client_->CreateCustomer(Id(i), AttributesOf(i));
  }

  grpc::Status GetSegment(const std::string& id, std::int64_t version, v1::Segment* out) {
    v1::GetSegmentRequest request;
    request.set_segment_id(id);
    request.set_version(version);
    v1::GetSegmentResponse response;
    const grpc::Status status =
        client_->segments().GetSegment(client_->Context().get(), request, &response);
    if (out != nullptr) *out = response.segment();
    return status;
  }

  v1::Segment MustGet(const std::string& id, std::int64_t version = 0) {
    v1::Segment segment;
    const grpc::Status status = GetSegment(id, version, &segment);
    EXPECT_TRUE(status.ok()) << id << " v" << version << ": " << status.error_message();
    return segment;
  }

  grpc::Status UpdateSegment(const v1::Segment& segment, const std::vector<std::string>& paths,
                             v1::UpdateSegmentResponse* response,
                             std::optional<std::int64_t> expected_version = std::nullopt) {
    v1::UpdateSegmentRequest request;
    *request.mutable_segment() = segment;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    if (expected_version) request.set_expected_version(*expected_version);
    request.set_request_id(NewRequestId());
    v1::UpdateSegmentResponse ignored;
    return client_->segments().UpdateSegment(client_->Context().get(), request,
                                             response != nullptr ? response : &ignored);
  }

  grpc::Status Retire(const std::string& id, v1::RetireSegmentResponse* response = nullptr) {
    v1::RetireSegmentRequest request;
    request.set_segment_id(id);
    request.set_request_id(NewRequestId());
    v1::RetireSegmentResponse ignored;
    return client_->segments().RetireSegment(client_->Context().get(), request,
                                             response != nullptr ? response : &ignored);
  }

  v1::PreviewSegmentResponse Preview(const v1::Segment& segment, int sample_size = 0) {
    v1::PreviewSegmentRequest request;
    *request.mutable_segment() = segment;
    request.set_sample_size(sample_size);
    v1::PreviewSegmentResponse response;
    const grpc::Status status =
        client_->segments().PreviewSegment(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response;
  }

  v1::ResegmentJob StartResegment(v1::ResegmentCustomersRequest request = {}) {
    if (request.request_id().empty()) request.set_request_id(NewRequestId());
    v1::ResegmentCustomersResponse response;
    const grpc::Status status =
        client_->segments().ResegmentCustomers(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response.job();
  }

  grpc::Status GetJob(const std::string& job_id, v1::ResegmentJob* job) {
    v1::GetResegmentJobRequest request;
    request.set_job_id(job_id);
    v1::GetResegmentJobResponse response;
    const grpc::Status status =
        client_->segments().GetResegmentJob(client_->Context().get(), request, &response);
    *job = response.job();
    return status;
  }

  // Polls until the job leaves RUNNING.
  v1::ResegmentJob WaitForJob(const std::string& job_id,
                              std::chrono::seconds timeout = std::chrono::seconds(60)) {
    v1::ResegmentJob job;
    const bool finished = WaitFor(
        [&] { return GetJob(job_id, &job).ok() && job.state() != v1::ResegmentJob::STATE_RUNNING; },
        timeout);
    EXPECT_TRUE(finished) << "job " << job_id << " still " << job.ShortDebugString();
    EXPECT_EQ(job.state(), v1::ResegmentJob::STATE_SUCCEEDED) << job.error();
    return job;
  }

  v1::ResegmentJob Resegment(v1::ResegmentCustomersRequest request = {}) {
    return WaitForJob(StartResegment(std::move(request)).job_id());
  }

  v1::Customer GetCustomer(const std::string& id) {
    v1::GetCustomerRequest request;
    request.set_customer_id(id);
    v1::GetCustomerResponse response;
    const grpc::Status status =
        client_->customers().GetCustomer(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    return response.customer();
  }

  v1::Customer UpdateCustomer(const std::string& id, const std::string& attributes_json,
                              const std::string& request_id = NewRequestId()) {
    v1::UpdateCustomerResponse response;
    const grpc::Status status =
        client_->UpdateAttributes(id, attributes_json, std::nullopt, request_id, &response);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    return response.customer();
  }

  // A customer's history, newest first.
  std::vector<v1::StageTransition> History(const std::string& id) {
    v1::ListStageHistoryRequest request;
    request.set_customer_id(id);
    request.set_page_size(1000);
    v1::ListStageHistoryResponse response;
    const grpc::Status status =
        client_->lifecycle().ListStageHistory(client_->Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    return {response.transitions().begin(), response.transitions().end()};
  }

  // customer_id -> segment_id of every customer, through ListCustomers.
  std::map<std::string, std::string> Membership() {
    std::map<std::string, std::string> out;
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    do {
      v1::ListCustomersResponse response;
      const grpc::Status status =
          client_->customers().ListCustomers(client_->Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& customer : response.customers()) {
        out[customer.customer_id()] = customer.segment_id();
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return out;
  }

  static Matrix MatrixOf(const v1::ResegmentJob& job) {
    Matrix matrix;
    for (const auto& move : job.moves()) {
      matrix[{move.from_segment_id(), move.to_segment_id()}] += move.customers();
    }
    return matrix;
  }

  static std::vector<std::pair<std::string, std::int64_t>> VersionsOf(const v1::ResegmentJob& job) {
    std::vector<std::pair<std::string, std::int64_t>> versions;
    for (const auto& ref : job.segment_versions()) {
      versions.emplace_back(ref.segment_id(), ref.version());
    }
    return versions;
  }

  std::int64_t LastSequence() {
    const std::string last = db_.Query("SELECT max(sequence) FROM stage_transitions");
    return last.empty() ? 0 : std::stoll(last);
  }
};

// ------------------------------------------------------------ placement

TEST_F(SegmentE2eTest, CustomersArePlacedWhenCreatedAndWhenUpdated) {
  // No segment yet: the customer stays NEW, in no segment, with no history.
  const v1::Customer early = client_->CreateCustomer("c-early", R"({"country": "FR"})");
  EXPECT_EQ(early.stage(), v1::STAGE_NEW);
  EXPECT_EQ(early.segment_id(), "");
  EXPECT_EQ(early.version(), 1);
  EXPECT_TRUE(History("c-early").empty());

  CreateStandardSegments();
  // Creating segments moves nobody.
  EXPECT_EQ(GetCustomer("c-early").segment_id(), "");

  v1::CreateCustomerRequest create;
  create.mutable_customer()->set_customer_id("c-fr");
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(R"({"country": "FR", "spend": 10})",
                                                  create.mutable_customer()->mutable_attributes())
          .ok());
  create.set_request_id("create-fr");
  v1::CreateCustomerResponse created;
  ASSERT_TRUE(client_->customers().CreateCustomer(client_->Context().get(), create, &created).ok());
  EXPECT_EQ(created.customer().stage(), v1::STAGE_SEGMENTED);
  EXPECT_EQ(created.customer().segment_id(), "eu");
  EXPECT_EQ(created.customer().version(), 2);

  const auto placed = History("c-fr");
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].sequence(), 1);
  EXPECT_EQ(placed[0].from_stage(), v1::STAGE_NEW);
  EXPECT_EQ(placed[0].to_stage(), v1::STAGE_SEGMENTED);
  EXPECT_EQ(placed[0].trigger(), v1::TRIGGER_SEGMENTATION);
  EXPECT_EQ(placed[0].actor(), "system");
  EXPECT_EQ(placed[0].request_id(), "create-fr");
  EXPECT_EQ(placed[0].segment_id(), "eu");
  EXPECT_EQ(placed[0].previous_segment_id(), "");
  EXPECT_EQ(placed[0].segment_version(), 1);

  EXPECT_EQ(client_->CreateCustomer("c-big", R"({"country": "US", "spend": 500})").segment_id(),
            "big");
  EXPECT_EQ(client_->CreateCustomer("c-us", R"({"country": "US"})").segment_id(), "rest");

  // An update that changes the answer moves the customer, keeping the stage.
  const v1::Customer moved = UpdateCustomer("c-us", R"({"country": "DE"})", "update-us");
  EXPECT_EQ(moved.segment_id(), "eu");
  EXPECT_EQ(moved.stage(), v1::STAGE_SEGMENTED);
  auto history = History("c-us");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].from_stage(), v1::STAGE_SEGMENTED);
  EXPECT_EQ(history[0].to_stage(), v1::STAGE_SEGMENTED);
  EXPECT_EQ(history[0].trigger(), v1::TRIGGER_SEGMENTATION);
  EXPECT_EQ(history[0].previous_segment_id(), "rest");
  EXPECT_EQ(history[0].segment_id(), "eu");
  EXPECT_EQ(history[0].segment_version(), 1);
  EXPECT_EQ(history[0].request_id(), "update-us");
  // One that does not, records nothing.
  UpdateCustomer("c-us", R"({"country": "FR", "note": "moved"})");
  EXPECT_EQ(History("c-us").size(), 2u);

  // The customer created before any segment is placed on its next update.
  const v1::Customer late = UpdateCustomer("c-early", R"({"country": "FR"})");
  EXPECT_EQ(late.segment_id(), "eu");
  EXPECT_EQ(late.stage(), v1::STAGE_SEGMENTED);

  // After an edit, placements name the new version.
  v1::Segment edit;
  edit.set_segment_id("eu");
  *edit.mutable_rule() = CountryIn({"DE"});
  ASSERT_TRUE(UpdateSegment(edit, {"rule"}, nullptr).ok());
  EXPECT_EQ(client_->CreateCustomer("c-de", R"({"country": "DE"})").segment_id(), "eu");
  EXPECT_EQ(History("c-de")[0].segment_version(), 2);
  // c-fr no longer matches eu v2: its next update moves it to the default.
  EXPECT_EQ(UpdateCustomer("c-fr", R"({"country": "FR", "spend": 11})").segment_id(), "rest");
  history = History("c-fr");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].previous_segment_id(), "eu");
  EXPECT_EQ(history[0].segment_id(), "rest");
  EXPECT_EQ(history[0].segment_version(), 1);

  // eu: c-us (DE), c-early (FR, placed by v1 and not updated since), c-de.
  EXPECT_EQ(MustGet("eu").member_count(), 3);
  EXPECT_EQ(MustGet("rest").member_count(), 1);
  EXPECT_EQ(MustGet("big").member_count(), 1);

  // A retired segment's member leaves it on its next update.
  ASSERT_TRUE(Retire("big").ok());
  EXPECT_EQ(GetCustomer("c-big").segment_id(), "big");
  EXPECT_EQ(UpdateCustomer("c-big", R"({"country": "US", "spend": 600})").segment_id(), "rest");
  EXPECT_EQ(History("c-big")[0].previous_segment_id(), "big");
}

// ------------------------------------------------------------ versions

TEST_F(SegmentE2eTest, UpdatesAreNewVersionsAndOldVersionsStayReadable) {
  const v1::Segment v1_segment = MustCreate(Seg("eu", 10, CountryIn({"FR"})));
  EXPECT_EQ(v1_segment.version(), 1);
  EXPECT_EQ(v1_segment.state(), v1::SEGMENT_STATE_ACTIVE);
  EXPECT_EQ(v1_segment.story(), "who eu are");

  v1::Segment edit;
  edit.set_segment_id("eu");
  *edit.mutable_rule() = AnyOf({CountryIn({"FR", "DE"}), NotOf(SpendAtLeast(5))});
  edit.set_priority(30);
  edit.set_display_name("ignored: not in the mask");
  v1::UpdateSegmentResponse updated;
  ASSERT_TRUE(UpdateSegment(edit, {"rule", "priority"}, &updated, 1).ok());
  EXPECT_EQ(updated.segment().version(), 2);
  EXPECT_EQ(updated.segment().priority(), 30);
  EXPECT_EQ(updated.segment().display_name(), "Segment eu");
  EXPECT_EQ(updated.segment().story(), "who eu are");
  EXPECT_EQ(updated.segment().rule().SerializeAsString(), edit.rule().SerializeAsString());

  const v1::Segment old = MustGet("eu", 1);
  EXPECT_EQ(old.version(), 1);
  EXPECT_EQ(old.priority(), 10);
  EXPECT_EQ(old.rule().SerializeAsString(), CountryIn({"FR"}).SerializeAsString());
  const v1::Segment current = MustGet("eu");
  EXPECT_EQ(current.version(), 2);
  EXPECT_EQ(current.rule().SerializeAsString(), edit.rule().SerializeAsString());
  EXPECT_EQ(current.create_time().SerializeAsString(), old.create_time().SerializeAsString());
  EXPECT_EQ(GetSegment("eu", 3, nullptr).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(GetSegment("nope", 0, nullptr).error_code(), StatusCode::NOT_FOUND);

  // A stale expected_version is ABORTED and changes nothing.
  const grpc::Status stale = UpdateSegment(edit, {"priority"}, nullptr, 1);
  EXPECT_EQ(stale.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(stale), "VERSION_MISMATCH");
  EXPECT_EQ(MustGet("eu").version(), 2);

  // Retired: readable, not editable, not retirable twice.
  v1::RetireSegmentResponse retired;
  ASSERT_TRUE(Retire("eu", &retired).ok());
  EXPECT_EQ(retired.segment().state(), v1::SEGMENT_STATE_RETIRED);
  EXPECT_TRUE(retired.segment().has_retire_time());
  const grpc::Status edit_retired = UpdateSegment(edit, {"priority"}, nullptr);
  EXPECT_EQ(edit_retired.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(edit_retired), "SEGMENT_RETIRED");
  EXPECT_EQ(ErrorReason(Retire("eu")), "SEGMENT_RETIRED");
  EXPECT_EQ(MustGet("eu", 1).state(), v1::SEGMENT_STATE_RETIRED);
  EXPECT_EQ(Retire("nope").error_code(), StatusCode::NOT_FOUND);
  v1::Segment missing;
  missing.set_segment_id("nope");
  missing.set_priority(1);
  EXPECT_EQ(UpdateSegment(missing, {"priority"}, nullptr).error_code(), StatusCode::NOT_FOUND);

  // One active default.
  MustCreate(Seg("rest", 0, std::nullopt));
  v1::CreateSegmentResponse ignored;
  const grpc::Status second_default =
      CreateSegment(Seg("others", 0, std::nullopt), &ignored, NewRequestId());
  EXPECT_EQ(second_default.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(second_default), "DEFAULT_SEGMENT_EXISTS");
  EXPECT_EQ(ErrorMetadata(second_default)["default_segment_id"], "rest");
  EXPECT_EQ(CreateSegment(Seg("rest", 5, CountryIn({"X"})), &ignored, NewRequestId()).error_code(),
            StatusCode::ALREADY_EXISTS);
}

// Concurrent edits of different fields: each new version changes only the
// field its request names, on top of the version before it, so none is lost.
TEST_F(SegmentE2eTest, ConcurrentEditsOfDifferentFieldsLoseNothing) {
  MustCreate(Seg("eu", 0, CountryIn({"FR"})));
  // Two editors change the priority, two the goal, each to values of its own.
  constexpr int kEditors = 4;
  constexpr int kEdits = 25;
  std::vector<std::thread> editors;
  for (int editor = 0; editor < kEditors; ++editor) {
    editors.emplace_back([&, editor] {
      for (int n = 1; n <= kEdits; ++n) {
        v1::Segment edit;
        edit.set_segment_id("eu");
        edit.set_priority(editor * 1000 + n);
        edit.set_goal("goal " + std::to_string(editor * 1000 + n));
        const grpc::Status status =
            UpdateSegment(edit, {editor % 2 == 0 ? "priority" : "goal"}, nullptr);
        EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
      }
    });
  }
  for (auto& editor : editors) editor.join();

  const v1::Segment last = MustGet("eu");
  EXPECT_EQ(last.version(), 1 + kEditors * kEdits);
  v1::Segment before = MustGet("eu", 1);
  for (std::int64_t version = 2; version <= last.version(); ++version) {
    const v1::Segment current = MustGet("eu", version);
    const bool priority_changed = current.priority() != before.priority();
    const bool goal_changed = current.goal() != before.goal();
    EXPECT_NE(priority_changed, goal_changed)
        << "version " << version << ": priority " << before.priority() << " -> "
        << current.priority() << ", goal '" << before.goal() << "' -> '" << current.goal() << "'";
    before = current;
  }
}

// Racing to create the default: one wins, the others are told why.
TEST_F(SegmentE2eTest, ConcurrentDefaultsOneWinsTheOthersAreToldWhy) {
  constexpr int kCallers = 8;
  std::vector<grpc::Status> statuses(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      v1::CreateSegmentResponse response;
      statuses[i] = CreateSegment(Seg("default-" + std::to_string(i), 0, std::nullopt), &response,
                                  NewRequestId());
    });
  }
  for (auto& caller : callers) caller.join();
  int ok = 0;
  for (const auto& status : statuses) {
    if (status.ok()) {
      ++ok;
      continue;
    }
    EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION) << status.error_message();
    EXPECT_EQ(ErrorReason(status), "DEFAULT_SEGMENT_EXISTS") << status.error_message();
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segments"), "1");
}

TEST_F(SegmentE2eTest, ListSegmentsIsInDecisionOrderWithMemberCounts) {
  CreateStandardSegments();
  MustCreate(Seg("low", -5, CountryIn({"US"})));
  MustCreate(Seg("gone", 99, CountryIn({"US"})));
  MustCreate(Seg("bottom", std::numeric_limits<std::int32_t>::min(), CountryIn({"ZZ"})));
  ASSERT_TRUE(Retire("gone").ok());
  CreateStandardCustomers(12);  // big: 0 4 8; eu: 2 3 5 6 9 11; low: 1 7 10

  for (const bool show_retired : {false, true}) {
    v1::ListSegmentsRequest request;
    request.set_page_size(2);
    request.set_show_retired(show_retired);
    std::vector<std::string> ids;
    std::map<std::string, std::int64_t> members;
    for (int pages = 0; pages < 10; ++pages) {
      v1::ListSegmentsResponse response;
      const grpc::Status status =
          client_->segments().ListSegments(client_->Context().get(), request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const auto& segment : response.segments()) {
        ids.push_back(segment.segment_id());
        members[segment.segment_id()] = segment.member_count();
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    EXPECT_EQ(ids, show_retired
                       ? (std::vector<std::string>{"gone", "big", "eu", "low", "bottom", "rest"})
                       : (std::vector<std::string>{"big", "eu", "low", "bottom", "rest"}));
    EXPECT_EQ(members["big"], 3);
    EXPECT_EQ(members["eu"], 6);
    EXPECT_EQ(members["low"], 3);
    EXPECT_EQ(members["rest"], 0);
  }
}

// ------------------------------------------------------------ preview

TEST_F(SegmentE2eTest, PreviewCountsWhatResegmentationThenDoes) {
  CreateStandardSegments();
  CreateStandardCustomers(12);
  const auto today = Membership();
  for (int i = 0; i < 12; ++i) ASSERT_EQ(today.at(Id(i)), Standard(i)) << Id(i);

  // Edit eu to take the Americans instead.
  v1::Segment edit = Seg("eu", 10, CountryIn({"US"}));
  const v1::PreviewSegmentResponse preview = Preview(edit, 2);
  EXPECT_EQ(preview.total_customers(), 12);
  EXPECT_EQ(preview.matching_count(), 4);  // 1 4 7 10
  EXPECT_EQ(preview.member_count(), 3);    // 4 is big
  EXPECT_EQ(preview.entering_count(), 3);
  EXPECT_EQ(preview.leaving_count(), 6);
  EXPECT_EQ(
      std::vector<std::string>(preview.entering_sample().begin(), preview.entering_sample().end()),
      (std::vector<std::string>{"c-01", "c-07"}));
  EXPECT_EQ(
      std::vector<std::string>(preview.leaving_sample().begin(), preview.leaving_sample().end()),
      (std::vector<std::string>{"c-02", "c-03"}));
  // The default sample is 10: all six leavers.
  EXPECT_EQ(Preview(edit).leaving_sample_size(), 6);
  // Previewing changed nothing.
  EXPECT_EQ(Membership(), today);
  EXPECT_EQ(MustGet("eu").version(), 1);

  // Make the edit and apply it: exactly the previewed customers move.
  ASSERT_TRUE(UpdateSegment(edit, {"rule"}, nullptr).ok());
  const v1::ResegmentJob job = Resegment();
  const auto after = Membership();
  std::set<std::string> entered, left;
  for (const auto& [id, segment] : after) {
    if (segment == "eu" && today.at(id) != "eu") entered.insert(id);
    if (segment != "eu" && today.at(id) == "eu") left.insert(id);
  }
  EXPECT_EQ(static_cast<std::int64_t>(entered.size()), preview.entering_count());
  EXPECT_EQ(static_cast<std::int64_t>(left.size()), preview.leaving_count());
  EXPECT_EQ(job.changed_customers(), 9);
  EXPECT_EQ(MatrixOf(job), (Matrix{{{"big", "big"}, 3}, {{"eu", "rest"}, 6}, {{"rest", "eu"}, 3}}))
      << Stringify(MatrixOf(job));

  // A new default previews as everyone no rule takes.
  const v1::PreviewSegmentResponse fallback = Preview(Seg("others", 0, std::nullopt));
  EXPECT_EQ(fallback.matching_count(), 12);
  EXPECT_EQ(fallback.member_count(), 6);
  EXPECT_EQ(fallback.entering_count(), 6);
  EXPECT_EQ(fallback.leaving_count(), 0);
}

// The first segment a tenant makes may be the default alone.
TEST_F(SegmentE2eTest, ADefaultAloneCanBePreviewedAndApplied) {
  CreateStandardCustomers(5);
  const v1::PreviewSegmentResponse preview = Preview(Seg("rest", 0, std::nullopt), 3);
  EXPECT_EQ(preview.member_count(), 5);
  EXPECT_EQ(preview.entering_count(), 5);
  MustCreate(Seg("rest", 0, std::nullopt));
  const v1::ResegmentJob job = Resegment();
  EXPECT_EQ(MatrixOf(job), (Matrix{{{"", "rest"}, 5}}));
  for (const auto& [id, segment] : Membership()) EXPECT_EQ(segment, "rest") << id;
  EXPECT_EQ(GetCustomer("c-00").stage(), v1::STAGE_SEGMENTED);
}

// ------------------------------------------------------------ re-segmentation

TEST_F(SegmentE2eTest, ResegmentationAppliesEditsAndRetirementsAndRecordsEveryMove) {
  CreateStandardSegments();
  CreateStandardCustomers(12);
  const std::int64_t placed = LastSequence();
  ASSERT_EQ(placed, 12);

  // Americans become "eu" (v2, above big); Germans get a segment of their own.
  v1::Segment edit = Seg("eu", 30, CountryIn({"US"}));
  ASSERT_TRUE(UpdateSegment(edit, {"rule", "priority"}, nullptr).ok());
  MustCreate(Seg("de", 5, CountryIn({"DE"})));
  // Nobody moved yet.
  for (int i = 0; i < 12; ++i) EXPECT_EQ(GetCustomer(Id(i)).segment_id(), Standard(i));
  const auto edited = [](int i) -> std::string {
    if (Country(i) == "US") return "eu";
    if (Big(i)) return "big";
    return Country(i) == "DE" ? "de" : "rest";
  };

  // The stream, from just after the placements.
  auto watch_context = client_->Context();
  watch_context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
  v1::WatchLifecycleEventsRequest watch;
  watch.set_after_sequence(placed);
  auto stream = client_->lifecycle().WatchLifecycleEvents(watch_context.get(), watch);

  const v1::ResegmentJob first = Resegment();
  EXPECT_EQ(first.total_customers(), 12);
  EXPECT_EQ(first.processed_customers(), 12);
  EXPECT_TRUE(first.has_finish_time());
  EXPECT_EQ(VersionsOf(first), (std::vector<std::pair<std::string, std::int64_t>>{
                                   {"eu", 2}, {"big", 1}, {"de", 1}, {"rest", 1}}));
  Matrix expected;
  std::int64_t changed = 0;
  for (int i = 0; i < 12; ++i) {
    ++expected[{Standard(i), edited(i)}];
    if (Standard(i) != edited(i)) ++changed;
  }
  EXPECT_EQ(MatrixOf(first), expected) << Stringify(MatrixOf(first));
  EXPECT_EQ(first.changed_customers(), changed);

  std::map<std::string, v1::StageTransition> moves;
  for (int i = 0; i < 12; ++i) {
    const v1::Customer customer = GetCustomer(Id(i));
    EXPECT_EQ(customer.segment_id(), edited(i)) << Id(i);
    EXPECT_EQ(customer.stage(), v1::STAGE_SEGMENTED) << Id(i);
    const auto history = History(Id(i));
    if (Standard(i) == edited(i)) {
      EXPECT_EQ(history.size(), 1u) << Id(i);
      continue;
    }
    ASSERT_EQ(history.size(), 2u) << Id(i);
    const v1::StageTransition& row = history[0];
    EXPECT_EQ(row.from_stage(), v1::STAGE_SEGMENTED);
    EXPECT_EQ(row.to_stage(), v1::STAGE_SEGMENTED);
    EXPECT_EQ(row.trigger(), v1::TRIGGER_SEGMENTATION);
    EXPECT_EQ(row.actor(), "system");
    EXPECT_EQ(row.previous_segment_id(), Standard(i)) << Id(i);
    EXPECT_EQ(row.segment_id(), edited(i)) << Id(i);
    EXPECT_EQ(row.segment_version(), edited(i) == "eu" ? 2 : 1) << Id(i);
    EXPECT_GT(row.sequence(), placed);
    moves[Id(i)] = row;
  }
  EXPECT_EQ(LastSequence(), placed + changed);

  // Every move reached the stream, as logged.
  for (std::int64_t n = 0; n < changed; ++n) {
    v1::WatchLifecycleEventsResponse event;
    ASSERT_TRUE(stream->Read(&event)) << "only " << n << " of " << changed << " events";
    const v1::StageTransition& got = event.transition();
    EXPECT_EQ(got.sequence(), placed + n + 1);
    ASSERT_TRUE(moves.contains(got.customer_id())) << got.customer_id();
    EXPECT_EQ(got.SerializeAsString(), moves[got.customer_id()].SerializeAsString());
  }
  watch_context->TryCancel();
  stream->Finish();

  // Retiring "big" moves nobody until the next job, which takes its members
  // to their next match (or the default).
  ASSERT_TRUE(Retire("big").ok());
  EXPECT_EQ(GetCustomer(Id(0)).segment_id(), "big");
  EXPECT_EQ(MustGet("big").member_count(), 2);  // 0 and 8; 4 is American
  const v1::ResegmentJob second = Resegment();
  EXPECT_EQ(MatrixOf(second), (Matrix{{{"eu", "eu"}, 4},
                                      {{"big", "rest"}, 1},
                                      {{"big", "de"}, 1},
                                      {{"de", "de"}, 3},
                                      {{"rest", "rest"}, 3}}))
      << Stringify(MatrixOf(second));
  EXPECT_EQ(second.changed_customers(), 2);
  for (const int i : {0, 8}) {
    const auto history = History(Id(i));
    ASSERT_EQ(history.size(), 2u) << Id(i);
    EXPECT_EQ(history[0].previous_segment_id(), "big");
    EXPECT_EQ(history[0].segment_id(), i == 0 ? "rest" : "de");
  }
  EXPECT_EQ(MustGet("big").member_count(), 0);
}

TEST_F(SegmentE2eTest, ResegmentationScopeLimitsWhoIsLookedAt) {
  CreateStandardCustomers(12);  // placed nowhere: no segments yet
  CreateStandardSegments();

  v1::ResegmentCustomersRequest french;
  *french.mutable_filter() = Cond("attributes.country", v1::RULE_OPERATOR_EQ, {Str("FR")});
  const v1::ResegmentJob first = Resegment(french);
  EXPECT_EQ(first.total_customers(), 4);
  EXPECT_EQ(MatrixOf(first), (Matrix{{{"", "big"}, 1}, {{"", "eu"}, 3}}));

  v1::ResegmentCustomersRequest unplaced;
  unplaced.add_segment_ids("");
  const v1::ResegmentJob second = Resegment(unplaced);
  EXPECT_EQ(second.total_customers(), 8);
  EXPECT_EQ(second.changed_customers(), 8);
  const auto membership = Membership();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(membership.at(Id(i)), Standard(i)) << Id(i);
}

// A job survives its server: killed mid-job (or stopped), the next start
// resumes after the last committed batch, and nobody is moved (or logged)
// twice.
TEST_F(SegmentE2eTest, AJobInterruptedByAKilledServerFinishesAfterARestart) {
  const std::vector<std::string> flags = {"--resegment-batch-size=5", "--job-poll-ms=50"};
  StartServer(flags);
  constexpr int kCustomers = 3000;
  db_.Query(
      "INSERT INTO customers (tenant_id, customer_id, attributes)"
      " SELECT '" +
      tenant_.tenant.tenant_id +
      "'::uuid, 'r-' || lpad(i::text, 5, '0'),"
      " jsonb_build_object('country', (ARRAY['FR', 'US', 'DE'])[i % 3 + 1])"
      " FROM generate_series(0, " +
      std::to_string(kCustomers - 1) + ") i");
  MustCreate(Seg("eu", 10, CountryIn({"FR", "DE"})));
  MustCreate(Seg("rest", 0, std::nullopt));

  const v1::ResegmentJob started = StartResegment();
  ASSERT_EQ(started.total_customers(), kCustomers);
  // Kill the server once some batches are in, if the job is still running.
  v1::ResegmentJob seen;
  WaitFor([&] { return GetJob(started.job_id(), &seen).ok() && seen.processed_customers() > 0; },
          std::chrono::seconds(30));
  server_->Kill();
  const std::string at_kill =
      db_.Query("SELECT state || ' ' || processed FROM resegment_jobs WHERE job_id = '" +
                started.job_id() + "'");
  // Not an assertion: on a slow machine the job may finish first; the
  // restart must then leave it alone.
  std::printf("killed the server at: %s of %d customers\n", at_kill.c_str(), kCustomers);
  if (at_kill.starts_with("RUNNING")) {
    EXPECT_LT(std::stoi(at_kill.substr(8)), kCustomers);
    EXPECT_LT(std::stoll(db_.Query("SELECT count(*) FROM stage_transitions")), kCustomers);
  }

  // Restarted, it goes on; stopped gracefully (SIGTERM) it finishes the
  // batch in hand and exits cleanly; the next start finishes the job.
  StartServer(flags);
  v1::ResegmentJob resumed;
  WaitFor([&] {
    return GetJob(started.job_id(), &resumed).ok() &&
           (resumed.state() != v1::ResegmentJob::STATE_RUNNING ||
            resumed.processed_customers() > seen.processed_customers() + 100);
  });
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
  std::printf("stopped the server at: %s\n",
              db_.Query("SELECT state || ' ' || processed FROM resegment_jobs").c_str());
  StartServer(flags);
  const v1::ResegmentJob done = WaitForJob(started.job_id());
  EXPECT_EQ(done.total_customers(), kCustomers);
  EXPECT_EQ(done.processed_customers(), kCustomers);
  EXPECT_EQ(done.changed_customers(), kCustomers);
  EXPECT_EQ(MatrixOf(done), (Matrix{{{"", "eu"}, 2000}, {{"", "rest"}, 1000}}));
  // One log row per customer, sequences 1..n without gaps.
  EXPECT_EQ(db_.Query("SELECT count(*) || ' ' || count(DISTINCT customer_id) || ' ' ||"
                      " min(sequence) || ' ' || max(sequence) FROM stage_transitions"),
            "3000 3000 1 3000");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers WHERE stage <> 'SEGMENTED' OR segment_id"
                      " IS DISTINCT FROM CASE WHEN attributes->>'country' = 'US' THEN 'rest'"
                      " ELSE 'eu' END"),
            "0");
}

// Batches lock only their own customers, briefly: customer writes and reads
// go on during a job, and afterwards every customer is where its final
// attributes put it, with a history whose rows chain without gaps.
TEST_F(SegmentE2eTest, CustomerWritesDuringAJobEndConsistent) {
  StartServer({"--resegment-batch-size=5", "--job-poll-ms=50"});
  constexpr int kCustomers = 1500;
  db_.Query(
      "INSERT INTO customers (tenant_id, customer_id, attributes)"
      " SELECT '" +
      tenant_.tenant.tenant_id +
      "'::uuid, 'w-' || lpad(i::text, 5, '0'),"
      " jsonb_build_object('country', (ARRAY['FR', 'US', 'DE'])[i % 3 + 1])"
      " FROM generate_series(0, " +
      std::to_string(kCustomers - 1) + ") i");
  MustCreate(Seg("eu", 10, CountryIn({"FR", "DE"})));
  MustCreate(Seg("rest", 0, std::nullopt));
  const std::string job_id = StartResegment().job_id();

  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < 2; ++writer) {
    threads.emplace_back([&, writer] {
      const char* countries[] = {"US", "FR", "DE", "IT"};
      for (int n = 0; n < 150; ++n) {
        char id[16];
        std::snprintf(id, sizeof id, "w-%05d", (n * 97 + writer * 7) % kCustomers);
        v1::UpdateCustomerRequest request;
        request.mutable_customer()->set_customer_id(id);
        (*request.mutable_customer()->mutable_attributes()->mutable_fields())["country"]
            .set_string_value(countries[(n + writer) % 4]);
        request.set_request_id(NewRequestId());
        v1::UpdateCustomerResponse response;
        const grpc::Status status =
            client_->customers().UpdateCustomer(client_->Context().get(), request, &response);
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << "update " << id << ": " << status.error_code() << " "
                        << status.error_message();
        }
      }
    });
  }
  threads.emplace_back([&] {
    while (!done) {
      v1::GetCustomerRequest request;
      request.set_customer_id("w-00001");
      v1::GetCustomerResponse response;
      if (!client_->customers().GetCustomer(client_->Context().get(), request, &response).ok()) {
        ++failures;
      }
    }
  });
  const v1::ResegmentJob job = WaitForJob(job_id);
  done = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(job.total_customers(), kCustomers);

  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers WHERE segment_id IS DISTINCT FROM"
                      " CASE WHEN attributes->>'country' IN ('FR', 'DE') THEN 'eu' ELSE 'rest'"
                      " END"),
            "0");
  EXPECT_EQ(db_.Query("SELECT (count(*) = max(sequence) AND min(sequence) = 1)::text"
                      " FROM stage_transitions"),
            "true");
  // Each row leaves the segment the row before entered; the last one
  // entered the segment the customer is in.
  EXPECT_EQ(db_.Query("SELECT count(*) FROM (SELECT coalesce(previous_segment_id, '') AS left_,"
                      " coalesce(lag(segment_id) OVER (PARTITION BY customer_id ORDER BY"
                      " sequence), '') AS entered_before FROM stage_transitions) t"
                      " WHERE left_ <> entered_before"),
            "0");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM customers c JOIN LATERAL (SELECT segment_id FROM"
                      " stage_transitions t WHERE t.customer_id = c.customer_id ORDER BY sequence"
                      " DESC LIMIT 1) last ON true WHERE last.segment_id IS DISTINCT FROM"
                      " c.segment_id"),
            "0");
}

// ------------------------------------------------------------ roles, retries

TEST_F(SegmentE2eTest, OnlyAdminsManageSegmentsAndAnyKeyReadsThem) {
  CreateStandardSegments();
  const std::string job_id = StartResegment().job_id();
  for (const v1::Role role : {v1::ROLE_READONLY, v1::ROLE_SERVICE, v1::ROLE_SUPPORT}) {
    SCOPED_TRACE(v1::Role_Name(role));
    TestClient caller = ClientWithKey(KeyWithRole(role));
    v1::CreateSegmentResponse created;
    EXPECT_EQ(CreateSegment(Seg("mine", 1, CountryIn({"X"})), &created, NewRequestId(), &caller)
                  .error_code(),
              StatusCode::PERMISSION_DENIED);
    v1::UpdateSegmentRequest update;
    update.mutable_segment()->set_segment_id("eu");
    update.mutable_update_mask()->add_paths("priority");
    update.set_request_id(NewRequestId());
    v1::UpdateSegmentResponse updated;
    EXPECT_EQ(
        caller.segments().UpdateSegment(caller.Context().get(), update, &updated).error_code(),
        StatusCode::PERMISSION_DENIED);
    v1::RetireSegmentRequest retire;
    retire.set_segment_id("eu");
    retire.set_request_id(NewRequestId());
    v1::RetireSegmentResponse retired;
    EXPECT_EQ(
        caller.segments().RetireSegment(caller.Context().get(), retire, &retired).error_code(),
        StatusCode::PERMISSION_DENIED);
    v1::PreviewSegmentRequest preview;
    *preview.mutable_segment() = Seg("eu", 1, CountryIn({"X"}));
    v1::PreviewSegmentResponse previewed;
    EXPECT_EQ(
        caller.segments().PreviewSegment(caller.Context().get(), preview, &previewed).error_code(),
        StatusCode::PERMISSION_DENIED);
    v1::ResegmentCustomersRequest resegment;
    resegment.set_request_id(NewRequestId());
    v1::ResegmentCustomersResponse job;
    EXPECT_EQ(
        caller.segments().ResegmentCustomers(caller.Context().get(), resegment, &job).error_code(),
        StatusCode::PERMISSION_DENIED);

    v1::GetSegmentRequest get;
    get.set_segment_id("eu");
    v1::GetSegmentResponse got;
    EXPECT_TRUE(caller.segments().GetSegment(caller.Context().get(), get, &got).ok());
    v1::ListSegmentsResponse listed;
    EXPECT_TRUE(caller.segments().ListSegments(caller.Context().get(), {}, &listed).ok());
    EXPECT_EQ(listed.segments_size(), 3);
    v1::GetResegmentJobRequest get_job;
    get_job.set_job_id(job_id);
    v1::GetResegmentJobResponse job_read;
    EXPECT_TRUE(caller.segments().GetResegmentJob(caller.Context().get(), get_job, &job_read).ok());
  }
  // Another tenant sees none of it.
  TestClient stranger = ClientWithKey(NewTenantKey("Globex"));
  v1::GetSegmentRequest get;
  get.set_segment_id("eu");
  v1::GetSegmentResponse got;
  EXPECT_EQ(stranger.segments().GetSegment(stranger.Context().get(), get, &got).error_code(),
            StatusCode::NOT_FOUND);
  v1::ListSegmentsResponse listed;
  ASSERT_TRUE(stranger.segments().ListSegments(stranger.Context().get(), {}, &listed).ok());
  EXPECT_EQ(listed.segments_size(), 0);
  v1::GetResegmentJobRequest get_job;
  get_job.set_job_id(job_id);
  v1::GetResegmentJobResponse job_read;
  EXPECT_EQ(stranger.segments()
                .GetResegmentJob(stranger.Context().get(), get_job, &job_read)
                .error_code(),
            StatusCode::NOT_FOUND);
  // The stranger's default does not clash with ours.
  v1::CreateSegmentResponse created;
  EXPECT_TRUE(
      CreateSegment(Seg("rest", 0, std::nullopt), &created, NewRequestId(), &stranger).ok());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segments"), "4");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM resegment_jobs"), "1");
}

TEST_F(SegmentE2eTest, RetriesWithTheSameRequestIdReturnTheFirstResult) {
  const v1::Segment segment = Seg("eu", 10, CountryIn({"FR"}));
  v1::CreateSegmentResponse first, retry;
  ASSERT_TRUE(CreateSegment(segment, &first, "create-eu").ok());
  ASSERT_TRUE(CreateSegment(segment, &retry, "create-eu").ok());
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  EXPECT_EQ(retry.segment().version(), 1);
  v1::Segment different = segment;
  different.set_priority(11);
  const grpc::Status reused = CreateSegment(different, &retry, "create-eu");
  EXPECT_EQ(reused.error_code(), StatusCode::INVALID_ARGUMENT) << reused.error_message();
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segment_versions"), "1");

  v1::UpdateSegmentRequest update;
  update.mutable_segment()->set_segment_id("eu");
  update.mutable_segment()->set_priority(20);
  update.mutable_update_mask()->add_paths("priority");
  update.set_request_id("update-eu");
  v1::UpdateSegmentResponse updated, updated_again;
  ASSERT_TRUE(client_->segments().UpdateSegment(client_->Context().get(), update, &updated).ok());
  ASSERT_TRUE(
      client_->segments().UpdateSegment(client_->Context().get(), update, &updated_again).ok());
  EXPECT_EQ(updated.SerializeAsString(), updated_again.SerializeAsString());
  EXPECT_EQ(updated_again.segment().version(), 2);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segment_versions"), "2");

  v1::ResegmentCustomersRequest request;
  request.set_request_id("reseg-once");
  const v1::ResegmentJob job = StartResegment(request);
  const v1::ResegmentJob again = StartResegment(request);
  EXPECT_EQ(again.job_id(), job.job_id());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM resegment_jobs"), "1");
}

// ------------------------------------------------------------ bad input

// A valid request spoiled one way per case; every field the server must name.
v1::CreateSegmentRequest ValidCreate() {
  v1::CreateSegmentRequest request;
  *request.mutable_segment() = Seg("s-1", 1, CountryIn({"FR"}));
  request.set_request_id("create-1");
  return request;
}

// Replaces the rule.
std::function<void(v1::CreateSegmentRequest&)> WithRule(v1::Rule rule) {
  return [rule](v1::CreateSegmentRequest& request) {
    *request.mutable_segment()->mutable_rule() = rule;
  };
}

v1::Rule NestedNots(int levels, v1::Rule leaf) {
  for (int i = 0; i < levels; ++i) leaf = NotOf(std::move(leaf));
  return leaf;
}

const std::vector<Case<v1::CreateSegmentRequest>>& BadCreateCases() {
  static const auto* cases = new std::vector<Case<v1::CreateSegmentRequest>>{
      {"EmptyNode",
       WithRule(AllOf({CountryIn({"FR"}), v1::Rule()})),
       {"segment.rule.all.rules[1]"}},
      {"EmptyGroup", WithRule(AnyOf({})), {"segment.rule.any.rules"}},
      {"EmptyNot", WithRule(NotOf(v1::Rule())), {"segment.rule.not"}},
      {"UnknownField",
       WithRule(AllOf({CountryIn({"FR"}), Cond("colour", v1::RULE_OPERATOR_EQ, {Str("red")})})),
       {"segment.rule.all.rules[1].condition.field"}},
      {"UnknownSignalKind",
       WithRule(Cond("signal_count.HUG", v1::RULE_OPERATOR_GT, {Num(1)})),
       {"segment.rule.condition.field"}},
      {"MissingOp",
       WithRule(Cond("attributes.country", v1::RULE_OPERATOR_UNSPECIFIED, {Str("FR")})),
       {"segment.rule.condition.op"}},
      {"UnknownOp",
       WithRule(Cond("attributes.country", static_cast<v1::RuleOperator>(99), {Str("FR")})),
       {"segment.rule.condition.op"}},
      {"TypeMismatch",
       WithRule(AnyOf({NotOf(Cond("health_score", v1::RULE_OPERATOR_GT, {Str("high")}))})),
       {"segment.rule.any.rules[0].not.condition.values[0]"}},
      {"OpDoesNotFitField",
       WithRule(Cond("created_at", v1::RULE_OPERATOR_CONTAINS, {Seconds(1)})),
       {"segment.rule.condition.op"}},
      {"EmptyInList",
       WithRule(Cond("attributes.country", v1::RULE_OPERATOR_IN)),
       {"segment.rule.condition.values"}},
      {"MixedInTypes",
       WithRule(Cond("attributes.country", v1::RULE_OPERATOR_IN, {Str("FR"), Num(1)})),
       {"segment.rule.condition.values[1]"}},
      {"BetweenWithOneValue",
       WithRule(Cond("attributes.spend", v1::RULE_OPERATOR_BETWEEN, {Num(1)})),
       {"segment.rule.condition.values"}},
      {"BetweenUpsideDown",
       WithRule(Cond("attributes.spend", v1::RULE_OPERATOR_BETWEEN, {Num(9), Num(1)})),
       {"segment.rule.condition.values"}},
      {"ExistsWithValues",
       WithRule(Cond("attributes.country", v1::RULE_OPERATOR_EXISTS, {Str("FR")})),
       {"segment.rule.condition.values"}},
      {"TooDeep",
       WithRule(NestedNots(8, CountryIn({"FR"}))),
       {"segment.rule.not.not.not.not.not.not.not.not"}},
      {"BadStageName",
       WithRule(Cond("stage", v1::RULE_OPERATOR_IN, {Str("NEW"), Str("ACTIVE")})),
       {"segment.rule.condition.values[1]"}},
      {"TimestampOnAttribute",
       WithRule(Cond("attributes.signup", v1::RULE_OPERATOR_GT, {Seconds(1'700'000'000)})),
       {"segment.rule.condition.values[0]"}},
      {"BadTimestamp",
       WithRule(Cond("created_at", v1::RULE_OPERATOR_GT, {Seconds(std::int64_t{1} << 50)})),
       {"segment.rule.condition.values[0].timestamp_value"}},
      {"NotANumber",
       WithRule(Cond("attributes.spend", v1::RULE_OPERATOR_GT,
                     {Num(std::numeric_limits<double>::quiet_NaN())})),
       {"segment.rule.condition.values[0]"}},
      {"EmptyValue",
       WithRule(Cond("attributes.spend", v1::RULE_OPERATOR_GT, {v1::RuleValue()})),
       {"segment.rule.condition.values[0]"}},
      {"OrderingBooleans",
       WithRule(Cond("attributes.vip", v1::RULE_OPERATOR_LT, {[] {
                       v1::RuleValue value;
                       value.set_bool_value(true);
                       return value;
                     }()})),
       {"segment.rule.condition.values[0]"}},
      {"MissingDisplayName",
       [](v1::CreateSegmentRequest& r) { r.mutable_segment()->clear_display_name(); },
       {"segment.display_name"}},
      {"BasisUnspecified",
       [](v1::CreateSegmentRequest& r) {
         r.mutable_segment()->set_basis(v1::SEGMENT_BASIS_UNSPECIFIED);
       },
       {"segment.basis"}},
      {"DefaultWithARule",
       [](v1::CreateSegmentRequest& r) { r.mutable_segment()->set_is_default(true); },
       {"segment.rule"}},
      {"RuleSegmentWithoutARule",
       [](v1::CreateSegmentRequest& r) { r.mutable_segment()->clear_rule(); },
       {"segment.rule"}},
      {"BadSegmentId",
       [](v1::CreateSegmentRequest& r) { r.mutable_segment()->set_segment_id("two words"); },
       {"segment.segment_id"}},
      {"MissingRequestId",
       [](v1::CreateSegmentRequest& r) { r.clear_request_id(); },
       {"request_id"}},
      {"SeveralAtOnce",
       [](v1::CreateSegmentRequest& r) {
         r.mutable_segment()->clear_display_name();
         *r.mutable_segment()->mutable_rule() =
             AllOf({Cond("nope", v1::RULE_OPERATOR_EQ, {Str("x")}),
                    Cond("attributes.a", v1::RULE_OPERATOR_BETWEEN, {Num(1)})});
       },
       {"segment.display_name", "segment.rule.all.rules[0].condition.field",
        "segment.rule.all.rules[1].condition.values"}},
  };
  return *cases;
}

TEST_F(SegmentE2eTest, BadSegmentsNameEveryBadFieldAndRulesThePathOfTheBadNode) {
  {
    v1::CreateSegmentResponse response;
    const v1::CreateSegmentRequest valid = ValidCreate();
    ASSERT_TRUE(CreateSegment(valid.segment(), &response, "valid-one").ok())
        << "the base request must be valid";
  }
  for (const auto& c : BadCreateCases()) {
    SCOPED_TRACE(c.name);
    v1::CreateSegmentRequest request = ValidCreate();
    c.mutate(request);
    v1::CreateSegmentResponse response;
    const grpc::Status status =
        client_->segments().CreateSegment(client_->Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(Sorted(ViolatedFields(status)), Sorted(c.fields)) << status.error_message();
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segments"), "1");
}

TEST_F(SegmentE2eTest, BadQueriesAndEditsNameTheBadField) {
  CreateStandardSegments();
  const auto fields_of = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
    return Sorted(ViolatedFields(status));
  };

  v1::Segment edit;
  edit.set_segment_id("eu");
  edit.set_priority(3);
  EXPECT_EQ(fields_of(UpdateSegment(edit, {"priority", "state"}, nullptr)),
            Fields{"update_mask.paths"});
  EXPECT_EQ(fields_of(UpdateSegment(edit, {}, nullptr)), Fields{"update_mask"});
  EXPECT_EQ(fields_of(UpdateSegment(edit, {"rule"}, nullptr)), Fields{"segment.rule"});
  *edit.mutable_rule() = Cond("attributes.x", v1::RULE_OPERATOR_EXISTS, {Num(1)});
  EXPECT_EQ(fields_of(UpdateSegment(edit, {"rule"}, nullptr)),
            Fields{"segment.rule.condition.values"});
  v1::Segment give_rule_to_default;
  give_rule_to_default.set_segment_id("rest");
  *give_rule_to_default.mutable_rule() = CountryIn({"FR"});
  EXPECT_EQ(fields_of(UpdateSegment(give_rule_to_default, {"rule"}, nullptr)),
            Fields{"segment.rule"});
  EXPECT_EQ(fields_of(UpdateSegment(edit, {"priority"}, nullptr, 0)), Fields{"expected_version"});

  v1::ListSegmentsRequest list;
  list.set_page_token("not-a-token");
  v1::ListSegmentsResponse listed;
  EXPECT_EQ(fields_of(client_->segments().ListSegments(client_->Context().get(), list, &listed)),
            Fields{"page_token"});
  // A token is bound to its query.
  list.clear_page_token();
  list.set_page_size(1);
  ASSERT_TRUE(client_->segments().ListSegments(client_->Context().get(), list, &listed).ok());
  ASSERT_FALSE(listed.next_page_token().empty());
  list.set_page_token(listed.next_page_token());
  list.set_show_retired(true);
  EXPECT_EQ(fields_of(client_->segments().ListSegments(client_->Context().get(), list, &listed)),
            Fields{"page_token"});
  list.clear_page_token();
  list.set_page_size(1001);
  EXPECT_EQ(fields_of(client_->segments().ListSegments(client_->Context().get(), list, &listed)),
            Fields{"page_size"});

  for (const int sample_size : {-1, 101}) {
    v1::PreviewSegmentRequest preview;
    *preview.mutable_segment() = Seg("eu", 1, CountryIn({"FR"}));
    preview.set_sample_size(sample_size);
    v1::PreviewSegmentResponse previewed;
    EXPECT_EQ(fields_of(client_->segments().PreviewSegment(client_->Context().get(), preview,
                                                           &previewed)),
              Fields{"sample_size"})
        << sample_size;
  }
  v1::PreviewSegmentRequest bad_preview;
  *bad_preview.mutable_segment() = Seg("eu", 1, Cond("stage", v1::RULE_OPERATOR_GT, {Str("NEW")}));
  v1::PreviewSegmentResponse previewed;
  EXPECT_EQ(fields_of(client_->segments().PreviewSegment(client_->Context().get(), bad_preview,
                                                         &previewed)),
            Fields{"segment.rule.condition.op"});

  v1::ResegmentCustomersRequest resegment;
  resegment.set_request_id(NewRequestId());
  *resegment.mutable_filter() = AllOf({Cond("attributes.", v1::RULE_OPERATOR_EXISTS)});
  resegment.add_segment_ids("bad id");
  v1::ResegmentCustomersResponse job;
  EXPECT_EQ(
      fields_of(client_->segments().ResegmentCustomers(client_->Context().get(), resegment, &job)),
      (Fields{"filter.all.rules[0].condition.field", "segment_ids[0]"}));

  EXPECT_EQ(fields_of(GetSegment("eu", -1, nullptr)), Fields{"version"});
  v1::ResegmentJob missing_job;
  EXPECT_EQ(GetJob("no-such-job", &missing_job).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segment_versions"), "3");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM resegment_jobs"), "0");
}

}  // namespace
}  // namespace lifecycle::testing
