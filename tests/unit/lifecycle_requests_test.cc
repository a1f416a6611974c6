// Validation of LifecycleService requests: every bad field is named by its
// exact request path, and valid requests become the right commands.

#include "server/api/lifecycle_requests.h"

#include <google/protobuf/timestamp.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/v1/lifecycle.pb.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/stage.h"
#include "tests/support/request_cases.h"

namespace lifecycle::api {
namespace {

using std::chrono::system_clock;
using validation_testing::Case;
using validation_testing::CaseName;
using validation_testing::Fields;
using validation_testing::Sorted;
using validation_testing::SortFields;
using validation_testing::ViolatedFields;

// Bounds of google.protobuf.Timestamp: 0001-01-01T00:00:00Z and
// 9999-12-31T23:59:59.999999999Z.
constexpr std::int64_t kMinTimestampSeconds = -62135596800;
constexpr std::int64_t kMaxTimestampSeconds = 253402300799;

// ---------------------------------------------------------------- helpers

// The one violation `fn` throws (field and description).
domain::FieldViolation OnlyViolation(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument) << error.message();
    EXPECT_EQ(error.violations().size(), 1u) << error.message();
    if (!error.violations().empty()) return error.violations().front();
    return {};
  }
  ADD_FAILURE() << "expected INVALID_ARGUMENT";
  return {};
}

google::protobuf::Timestamp Time(std::int64_t seconds, std::int32_t nanos) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  time.set_nanos(nanos);
  return time;
}

std::int64_t MicrosSinceEpoch(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

std::vector<std::string> Ids(int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back("cust-" + std::to_string(i));
  return ids;
}

// ------------------------------------------------------ GetCustomerStage

using StageCase = Case<v1::GetCustomerStageRequest>;

class ValidateGetCustomerStageTest : public testing::TestWithParam<StageCase> {};

TEST_P(ValidateGetCustomerStageTest, ReportsExactlyTheBadFields) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("cust-1");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateGetCustomerStage(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateGetCustomerStageTest,
    testing::ValuesIn(SortFields<v1::GetCustomerStageRequest>({
        {"Valid", [](auto&) {}, {}},
        {"ValidAsOf", [](auto& r) { *r.mutable_as_of() = Time(1'700'000'000, 5); }, {}},
        {"AsOfEpoch", [](auto& r) { r.mutable_as_of(); }, {}},
        {"AsOfLargestNanos",
         [](auto& r) { *r.mutable_as_of() = Time(1'700'000'000, 999'999'999); },
         {}},
        {"EmptyId", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
        {"IdWithSpace", [](auto& r) { r.set_customer_id("cust 1"); }, {"customer_id"}},
        {"Id128", [](auto& r) { r.set_customer_id(std::string(128, 'c')); }, {}},
        {"Id129", [](auto& r) { r.set_customer_id(std::string(129, 'c')); }, {"customer_id"}},
        {"IdNonAscii", [](auto& r) { r.set_customer_id("caf\xc3\xa9"); }, {"customer_id"}},
        {"AsOfNanos2e9",
         [](auto& r) { *r.mutable_as_of() = Time(1'700'000'000, 2'000'000'000); },
         {"as_of"}},
        {"AsOfNanos1e9",
         [](auto& r) { *r.mutable_as_of() = Time(1'700'000'000, 1'000'000'000); },
         {"as_of"}},
        {"AsOfNegativeNanos",
         [](auto& r) { *r.mutable_as_of() = Time(1'700'000'000, -1); },
         {"as_of"}},
        {"AsOfAfterYear9999",
         [](auto& r) { *r.mutable_as_of() = Time(kMaxTimestampSeconds + 1, 0); },
         {"as_of"}},
        {"AsOfHugeSeconds",
         [](auto& r) { *r.mutable_as_of() = Time(std::numeric_limits<std::int64_t>::max(), 0); },
         {"as_of"}},
        {"AsOfBeforeYear1",
         [](auto& r) { *r.mutable_as_of() = Time(kMinTimestampSeconds - 1, 0); },
         {"as_of"}},
        {"EmptyIdAndBadAsOf",
         [](auto& r) {
           r.clear_customer_id();
           *r.mutable_as_of() = Time(0, 2'000'000'000);
         },
         {"as_of", "customer_id"}},
    })),
    CaseName<v1::GetCustomerStageRequest>);

TEST(ValidateGetCustomerStageQueryTest, WithoutAsOfAsksForNow) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("ada@example.com");
  const StageQuery query = ValidateGetCustomerStage(request);
  EXPECT_EQ(query.customer_id, "ada@example.com");
  EXPECT_FALSE(query.as_of.has_value());
}

TEST(ValidateGetCustomerStageQueryTest, AsOfIsConvertedToMicroseconds) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("cust-1");
  *request.mutable_as_of() = Time(1'700'000'000, 123'456'789);
  const StageQuery query = ValidateGetCustomerStage(request);
  ASSERT_TRUE(query.as_of.has_value());
  EXPECT_EQ(MicrosSinceEpoch(*query.as_of), 1'700'000'000'123'456);
}

TEST(ValidateGetCustomerStageQueryTest, AsOfBeforeTheEpochIsKept) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("cust-1");
  *request.mutable_as_of() = Time(-86'400, 500'000'000);
  const StageQuery query = ValidateGetCustomerStage(request);
  ASSERT_TRUE(query.as_of.has_value());
  EXPECT_EQ(MicrosSinceEpoch(*query.as_of), -86'399'500'000);
}

// A set as_of of zero is the Unix epoch, not "now".
TEST(ValidateGetCustomerStageQueryTest, ZeroAsOfIsTheEpoch) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("cust-1");
  request.mutable_as_of();
  const StageQuery query = ValidateGetCustomerStage(request);
  ASSERT_TRUE(query.as_of.has_value());
  EXPECT_EQ(MicrosSinceEpoch(*query.as_of), 0);
}

// Valid google.protobuf.Timestamps reach 0001..9999, but system_clock
// (nanoseconds in 64 bits) only spans about 1678..2262. An accepted as_of
// outside that span must not wrap around to some other moment: either it is
// refused on "as_of" or it keeps its side of now.
struct FarAsOfCase {
  std::string name;
  std::int64_t seconds;
  bool future;
};

void PrintTo(const FarAsOfCase& c, std::ostream* os) {
  *os << c.name << " (" << c.seconds << " s)";
}

class GetCustomerStageAsOfRangeTest : public testing::TestWithParam<FarAsOfCase> {};

TEST_P(GetCustomerStageAsOfRangeTest, FarAsOfIsRefusedOrKeepsItsSideOfNow) {
  v1::GetCustomerStageRequest request;
  request.set_customer_id("cust-1");
  *request.mutable_as_of() = Time(GetParam().seconds, 0);
  std::optional<StageQuery> query;
  try {
    query = ValidateGetCustomerStage(request);
  } catch (const domain::Error& error) {
    ASSERT_EQ(error.violations().size(), 1u) << error.message();
    EXPECT_EQ(error.violations().front().field, "as_of");
    return;
  }
  ASSERT_TRUE(query->as_of.has_value());
  const auto now = system_clock::now();
  if (GetParam().future) {
    EXPECT_GT(*query->as_of, now) << "as_of wrapped to " << MicrosSinceEpoch(*query->as_of)
                                  << " us since the epoch";
  } else {
    EXPECT_LT(*query->as_of, now) << "as_of wrapped to " << MicrosSinceEpoch(*query->as_of)
                                  << " us since the epoch";
  }
}

INSTANTIATE_TEST_SUITE_P(Range, GetCustomerStageAsOfRangeTest,
                         testing::Values(FarAsOfCase{"Year2300", 10'413'792'000, true},
                                         FarAsOfCase{"Year9999", kMaxTimestampSeconds, true},
                                         FarAsOfCase{"Year1600", -11'676'096'000, false},
                                         FarAsOfCase{"Year1", kMinTimestampSeconds, false}),
                         [](const testing::TestParamInfo<FarAsOfCase>& info) {
                           return info.param.name;
                         });

// ------------------------------------------------- BatchGetCustomerStages

TEST(ValidateBatchGetCustomerStagesTest, EmptyListIsRefused) {
  v1::BatchGetCustomerStagesRequest request;
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Fields{"customer_ids"});
}

TEST(ValidateBatchGetCustomerStagesTest, ThousandIdsAreAccepted) {
  v1::BatchGetCustomerStagesRequest request;
  for (const auto& id : Ids(kMaxBatchStages)) request.add_customer_ids(id);
  EXPECT_EQ(ValidateBatchGetCustomerStages(request), Ids(kMaxBatchStages));
}

TEST(ValidateBatchGetCustomerStagesTest, ThousandAndOneIdsAreRefusedAsAWhole) {
  v1::BatchGetCustomerStagesRequest request;
  for (const auto& id : Ids(kMaxBatchStages + 1)) request.add_customer_ids(id);
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Fields{"customer_ids"});
}

// Too many ids is one violation, not one per bad id besides.
TEST(ValidateBatchGetCustomerStagesTest, TooManyBadIdsAreOneViolation) {
  v1::BatchGetCustomerStagesRequest request;
  for (int i = 0; i <= kMaxBatchStages; ++i) request.add_customer_ids("bad id");
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Fields{"customer_ids"});
}

// The limit is on the request, before duplicates collapse.
TEST(ValidateBatchGetCustomerStagesTest, ThousandAndOneDuplicatesAreRefused) {
  v1::BatchGetCustomerStagesRequest request;
  for (int i = 0; i <= kMaxBatchStages; ++i) request.add_customer_ids("cust-1");
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Fields{"customer_ids"});
}

TEST(ValidateBatchGetCustomerStagesTest, BadIdIsNamedByIndex) {
  v1::BatchGetCustomerStagesRequest request;
  for (const char* id : {"a", "b", "c", "bad id", "e"}) request.add_customer_ids(id);
  const auto violation = OnlyViolation([&] { ValidateBatchGetCustomerStages(request); });
  EXPECT_EQ(violation.field, "customer_ids[3]");
}

TEST(ValidateBatchGetCustomerStagesTest, EveryBadIdIsNamed) {
  v1::BatchGetCustomerStagesRequest request;
  const std::vector<std::string> ids = {"",           "b", "bad id", "b", std::string(129, 'x'),
                                        "caf\xc3\xa9"};
  for (const auto& id : ids) request.add_customer_ids(id);
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Sorted({"customer_ids[0]", "customer_ids[2]", "customer_ids[4]", "customer_ids[5]"}));
}

// A repeated bad id is reported at each position it occupies.
TEST(ValidateBatchGetCustomerStagesTest, RepeatedBadIdIsNamedAtEachIndex) {
  v1::BatchGetCustomerStagesRequest request;
  for (const char* id : {"bad id", "ok", "bad id"}) request.add_customer_ids(id);
  EXPECT_EQ(ViolatedFields([&] { ValidateBatchGetCustomerStages(request); }),
            Sorted({"customer_ids[0]", "customer_ids[2]"}));
}

TEST(ValidateBatchGetCustomerStagesTest, DuplicatesCollapseInFirstSeenOrder) {
  v1::BatchGetCustomerStagesRequest request;
  for (const char* id : {"b", "a", "b", "c", "a", "c", "d"}) request.add_customer_ids(id);
  EXPECT_EQ(ValidateBatchGetCustomerStages(request),
            (std::vector<std::string>{"b", "a", "c", "d"}));
}

TEST(ValidateBatchGetCustomerStagesTest, IdsDifferingOnlyInCaseAreDistinct) {
  v1::BatchGetCustomerStagesRequest request;
  for (const char* id : {"Ada", "ada", "ADA", "ada"}) request.add_customer_ids(id);
  EXPECT_EQ(ValidateBatchGetCustomerStages(request),
            (std::vector<std::string>{"Ada", "ada", "ADA"}));
}

TEST(ValidateBatchGetCustomerStagesTest, ThousandCopiesOfOneIdAreOneId) {
  v1::BatchGetCustomerStagesRequest request;
  for (int i = 0; i < kMaxBatchStages; ++i) request.add_customer_ids("cust-1");
  EXPECT_EQ(ValidateBatchGetCustomerStages(request), (std::vector<std::string>{"cust-1"}));
}

// ------------------------------------------------------ TransitionCustomer

v1::TransitionCustomerRequest ValidTransition() {
  v1::TransitionCustomerRequest request;
  request.set_request_id("req-1");
  request.set_customer_id("cust-1");
  request.set_to_stage(v1::STAGE_SEGMENTED);
  request.set_reason("first purchase");
  request.set_segment_id("seg-1");
  request.set_expected_version(3);
  return request;
}

using TransitionCase = Case<v1::TransitionCustomerRequest>;

// Rows for a free-text field (reason, override_reason): optional, at most
// 1000 bytes of UTF-8 without control characters.
using TextSetter = std::function<void(v1::TransitionCustomerRequest&, const std::string&)>;

std::vector<TransitionCase> TextCases(const std::string& field, TextSetter set) {
  auto with = [set](std::string text) {
    return std::function<void(v1::TransitionCustomerRequest&)>(
        [set, text](v1::TransitionCustomerRequest& r) { set(r, text); });
  };
  std::string prefix = field == "reason" ? "Reason" : "OverrideReason";
  return {
      {prefix + "Empty", with(""), {}},
      {prefix + "Unicode",
       with("R\xc3\xbc"
            "ckerstattung \xe2\x82\xac"
            "5"),
       {}},
      {prefix + "Exactly1000Bytes", with(std::string(1000, 'r')), {}},
      {prefix + "1001Bytes", with(std::string(1001, 'r')), {field}},
      {prefix + "FarTooLong", with(std::string(100'000, 'r')), {field}},
      // 999 ASCII bytes and a two-byte character: 1001 bytes, 1000 characters.
      {prefix + "1001BytesIn1000Chars", with(std::string(999, 'r') + "\xc3\xa9"), {field}},
      {prefix + "Newline", with("line one\nline two"), {field}},
      {prefix + "Tab", with("a\tb"), {field}},
      {prefix + "Escape", with("red \x1b[31m text"), {field}},
      {prefix + "Nul", with(std::string("a\0b", 3)), {field}},
      {prefix + "Delete", with("a\x7f"), {field}},
      {prefix + "C1Control",
       with("a\xc2\x85"
            "b"),
       {field}},
      {prefix + "InvalidUtf8", with("a\xff"), {field}},
      {prefix + "TruncatedUtf8", with("a\xc3"), {field}},
  };
}

std::vector<TransitionCase> TransitionCases() {
  using R = v1::TransitionCustomerRequest;
  std::vector<TransitionCase> cases = {
      {"Valid", [](R&) {}, {}},
      {"MissingRequestId", [](R& r) { r.clear_request_id(); }, {"request_id"}},
      {"RequestIdWithSpace", [](R& r) { r.set_request_id("req 1"); }, {"request_id"}},
      {"RequestId129", [](R& r) { r.set_request_id(std::string(129, 'q')); }, {"request_id"}},
      {"EmptyCustomerId", [](R& r) { r.clear_customer_id(); }, {"customer_id"}},
      {"CustomerIdWithSpace", [](R& r) { r.set_customer_id("cust 1"); }, {"customer_id"}},
      {"CustomerIdWithNewline", [](R& r) { r.set_customer_id("cust\n1"); }, {"customer_id"}},
      {"CustomerId129", [](R& r) { r.set_customer_id(std::string(129, 'c')); }, {"customer_id"}},
      {"CustomerId128", [](R& r) { r.set_customer_id(std::string(128, 'c')); }, {}},
      {"ToStageUnspecified", [](R& r) { r.set_to_stage(v1::STAGE_UNSPECIFIED); }, {"to_stage"}},
      {"ToStage99", [](R& r) { r.set_to_stage(static_cast<v1::Stage>(99)); }, {"to_stage"}},
      {"ToStage7", [](R& r) { r.set_to_stage(static_cast<v1::Stage>(7)); }, {"to_stage"}},
      {"ToStageNegative", [](R& r) { r.set_to_stage(static_cast<v1::Stage>(-1)); }, {"to_stage"}},
      {"ToStageNew", [](R& r) { r.set_to_stage(v1::STAGE_NEW); }, {}},
      {"ToStageLapsed", [](R& r) { r.set_to_stage(v1::STAGE_LAPSED); }, {}},
      {"NoSegmentId", [](R& r) { r.clear_segment_id(); }, {}},
      {"SegmentIdWithSpace", [](R& r) { r.set_segment_id("seg 1"); }, {"segment_id"}},
      {"SegmentId129", [](R& r) { r.set_segment_id(std::string(129, 's')); }, {"segment_id"}},
      {"SegmentIdNonAscii", [](R& r) { r.set_segment_id("s\xc3\xa9g"); }, {"segment_id"}},
      {"NoExpectedVersion", [](R& r) { r.clear_expected_version(); }, {}},
      {"ExpectedVersion1", [](R& r) { r.set_expected_version(1); }, {}},
      {"ExpectedVersion0", [](R& r) { r.set_expected_version(0); }, {"expected_version"}},
      {"ExpectedVersionMinus1", [](R& r) { r.set_expected_version(-1); }, {"expected_version"}},
      {"ExpectedVersionMin",
       [](R& r) { r.set_expected_version(std::numeric_limits<std::int64_t>::min()); },
       {"expected_version"}},
      {"EveryFieldBad",
       [](R& r) {
         r.clear_request_id();
         r.set_customer_id("bad id");
         r.set_to_stage(static_cast<v1::Stage>(99));
         r.set_reason("a\nb");
         r.set_override_reason(std::string(1001, 'o'));
         r.set_segment_id("bad segment");
         r.set_expected_version(0);
       },
       {"customer_id", "expected_version", "override_reason", "reason", "request_id", "segment_id",
        "to_stage"}},
      {"IdAndStageBad",
       [](R& r) {
         r.clear_customer_id();
         r.set_to_stage(v1::STAGE_UNSPECIFIED);
       },
       {"customer_id", "to_stage"}},
  };
  for (auto& c : TextCases("reason", [](R&r, const std::string&t) { r.set_reason(t); })) {
    cases.push_back(std::move(c));
  }
  for (auto& c :
       TextCases("override_reason", [](R&r, const std::string&t) { r.set_override_reason(t); })) {
    cases.push_back(std::move(c));
  }
  return SortFields(std::move(cases));
}

class ValidateTransitionCustomerTest : public testing::TestWithParam<TransitionCase> {};

TEST_P(ValidateTransitionCustomerTest, ReportsExactlyTheBadFields) {
  v1::TransitionCustomerRequest request = ValidTransition();
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateTransitionCustomer(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateTransitionCustomerTest,
                         testing::ValuesIn(TransitionCases()),
                         CaseName<v1::TransitionCustomerRequest>);

TEST(ValidateTransitionCustomerCommandTest, CarriesEveryRequestField) {
  v1::TransitionCustomerRequest request = ValidTransition();
  request.set_override_reason("vip customer");
  const domain::TransitionCommand command = ValidateTransitionCustomer(request);
  EXPECT_EQ(command.customer_id, "cust-1");
  EXPECT_EQ(command.to, domain::Stage::kSegmented);
  EXPECT_EQ(command.trigger, domain::Trigger::kManual);
  EXPECT_EQ(command.reason, "first purchase");
  EXPECT_EQ(command.override_reason, "vip customer");
  EXPECT_EQ(command.request_id, "req-1");
  EXPECT_EQ(command.segment_id, "seg-1");
  EXPECT_EQ(command.expected_version, std::optional<std::int64_t>(3));
  // Who is calling comes from the principal, never from the request.
  EXPECT_EQ(command.actor, "");
  EXPECT_EQ(command.actor_role, domain::Role::kReadonly);
}

TEST(ValidateTransitionCustomerCommandTest, OptionalFieldsStayEmpty) {
  v1::TransitionCustomerRequest request = ValidTransition();
  request.clear_reason();
  request.clear_segment_id();
  request.clear_expected_version();
  const domain::TransitionCommand command = ValidateTransitionCustomer(request);
  EXPECT_EQ(command.reason, "");
  EXPECT_EQ(command.override_reason, "");
  EXPECT_EQ(command.segment_id, "");
  EXPECT_EQ(command.expected_version, std::nullopt);
}

TEST(ValidateTransitionCustomerCommandTest, EveryWireStageMapsToItsDomainStage) {
  const std::vector<std::pair<v1::Stage, domain::Stage>> stages = {
      {v1::STAGE_NEW, domain::Stage::kNew},
      {v1::STAGE_SEGMENTED, domain::Stage::kSegmented},
      {v1::STAGE_ONBOARDING, domain::Stage::kOnboarding},
      {v1::STAGE_RETAINED, domain::Stage::kRetained},
      {v1::STAGE_EXTENDED, domain::Stage::kExtended},
      {v1::STAGE_LAPSED, domain::Stage::kLapsed},
  };
  for (const auto& [wire, stage] : stages) {
    v1::TransitionCustomerRequest request = ValidTransition();
    request.set_to_stage(wire);
    EXPECT_EQ(ValidateTransitionCustomer(request).to, stage) << v1::Stage_Name(wire);
  }
}

TEST(ValidateTransitionCustomerCommandTest, ExpectedVersionOneIsKept) {
  v1::TransitionCustomerRequest request = ValidTransition();
  request.set_expected_version(1);
  EXPECT_EQ(ValidateTransitionCustomer(request).expected_version, std::optional<std::int64_t>(1));
}

TEST(ValidateTransitionCustomerMessageTest, UnspecifiedStageIsRequired) {
  v1::TransitionCustomerRequest request = ValidTransition();
  request.set_to_stage(v1::STAGE_UNSPECIFIED);
  const auto violation = OnlyViolation([&] { ValidateTransitionCustomer(request); });
  EXPECT_EQ(violation.field, "to_stage");
  EXPECT_EQ(violation.description, "is required");
}

TEST(ValidateTransitionCustomerMessageTest, UnknownStageIsNamed) {
  v1::TransitionCustomerRequest request = ValidTransition();
  request.set_to_stage(static_cast<v1::Stage>(99));
  const auto violation = OnlyViolation([&] { ValidateTransitionCustomer(request); });
  EXPECT_EQ(violation.field, "to_stage");
  EXPECT_NE(violation.description.find("99"), std::string::npos) << violation.description;
}

// ------------------------------------------------------ ListStageHistory

constexpr char kHistoryDigest[] = "history;cust-1";

using HistoryCase = Case<v1::ListStageHistoryRequest>;

class ValidateListStageHistoryTest : public testing::TestWithParam<HistoryCase> {};

TEST_P(ValidateListStageHistoryTest, ReportsExactlyTheBadFields) {
  v1::ListStageHistoryRequest request;
  request.set_customer_id("cust-1");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateListStageHistory(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateListStageHistoryTest,
    testing::ValuesIn(SortFields<v1::ListStageHistoryRequest>({
        {"Valid", [](auto&) {}, {}},
        {"EmptyId", [](auto& r) { r.clear_customer_id(); }, {"customer_id"}},
        {"IdWithSpace", [](auto& r) { r.set_customer_id("cust 1"); }, {"customer_id"}},
        {"Id129", [](auto& r) { r.set_customer_id(std::string(129, 'h')); }, {"customer_id"}},
        {"PageSize1", [](auto& r) { r.set_page_size(1); }, {}},
        {"PageSize1000", [](auto& r) { r.set_page_size(1000); }, {}},
        {"PageSizeMinus1", [](auto& r) { r.set_page_size(-1); }, {"page_size"}},
        {"PageSize1001", [](auto& r) { r.set_page_size(1001); }, {"page_size"}},
        {"PageSizeIntMin",
         [](auto& r) { r.set_page_size(std::numeric_limits<std::int32_t>::min()); },
         {"page_size"}},
        {"BadIdAndPageSize",
         [](auto& r) {
           r.set_customer_id("");
           r.set_page_size(-1);
         },
         {"customer_id", "page_size"}},
        {"ValidToken",
         [](auto& r) { r.set_page_token(EncodePageToken(kHistoryDigest, {"17"})); },
         {}},
        {"TokenNotBase64", [](auto& r) { r.set_page_token("not a token!"); }, {"page_token"}},
        {"TokenPadded",
         [](auto& r) { r.set_page_token(EncodePageToken(kHistoryDigest, {"17"}) + "="); },
         {"page_token"}},
        {"TokenGarbageBytes", [](auto& r) { r.set_page_token("QUJDREVGRw"); }, {"page_token"}},
        {"TokenTruncated",
         [](auto& r) {
           const std::string token = EncodePageToken(kHistoryDigest, {"17"});
           r.set_page_token(token.substr(0, token.size() - 3));
         },
         {"page_token"}},
        {"TokenForAnotherCustomer",
         [](auto& r) { r.set_page_token(EncodePageToken("history;cust-2", {"17"})); },
         {"page_token"}},
        {"TokenForCustomerList",
         [](auto& r) { r.set_page_token(EncodePageToken("customers;stage=0;segment=", {"a"})); },
         {"page_token"}},
        {"TokenWithTwoPositions",
         [](auto& r) {
           r.set_page_token(EncodePageToken(kHistoryDigest, {"17", "18"}));
         },
         {"page_token"}},
        {"TokenWithNoPosition",
         [](auto& r) { r.set_page_token(EncodePageToken(kHistoryDigest, {})); },
         {"page_token"}},
        {"TokenNotANumber",
         [](auto& r) { r.set_page_token(EncodePageToken(kHistoryDigest, {"seventeen"})); },
         {"page_token"}},
        {"TokenEmptyPosition",
         [](auto& r) { r.set_page_token(EncodePageToken(kHistoryDigest, {""})); },
         {"page_token"}},
        {"TokenOverflows",
         [](auto& r) {
           r.set_page_token(EncodePageToken(kHistoryDigest, {"99999999999999999999"}));
         },
         {"page_token"}},
    })),
    CaseName<v1::ListStageHistoryRequest>);

TEST(ValidateListStageHistoryQueryTest, DefaultsToFiftyFromTheNewest) {
  v1::ListStageHistoryRequest request;
  request.set_customer_id("cust-1");
  const HistoryQuery query = ValidateListStageHistory(request);
  EXPECT_EQ(query.customer_id, "cust-1");
  EXPECT_EQ(query.page_size, kDefaultPageSize);
  EXPECT_EQ(query.page_size, 50);
  EXPECT_EQ(query.before, std::nullopt);
  EXPECT_EQ(query.query_digest, kHistoryDigest);
}

TEST(ValidateListStageHistoryQueryTest, KeepsPageSize) {
  for (int page_size : {1, 7, 1000}) {
    v1::ListStageHistoryRequest request;
    request.set_customer_id("cust-1");
    request.set_page_size(page_size);
    EXPECT_EQ(ValidateListStageHistory(request).page_size, page_size);
  }
}

TEST(ValidateListStageHistoryQueryTest, TokenResumesBelowItsSequence) {
  v1::ListStageHistoryRequest request;
  request.set_customer_id("cust-1");
  request.set_page_size(10);
  request.set_page_token(EncodePageToken(kHistoryDigest, {"9007199254740993"}));
  const HistoryQuery query = ValidateListStageHistory(request);
  EXPECT_EQ(query.before, std::optional<std::int64_t>(9'007'199'254'740'993));
  EXPECT_EQ(query.page_size, 10);
}

// The token may change the page size (AIP), not the customer.
TEST(ValidateListStageHistoryQueryTest, TokenSurvivesAPageSizeChange) {
  v1::ListStageHistoryRequest request;
  request.set_customer_id("cust-1");
  request.set_page_size(3);
  request.set_page_token(EncodePageToken(kHistoryDigest, {"5"}));
  EXPECT_EQ(ValidateListStageHistory(request).before, std::optional<std::int64_t>(5));
}

// A page token is opaque and server-issued, with a canonical encoding so
// one position has one token (server/api/page_token.cc). The sequence inside
// must be canonical too (no blanks, sign or trailing junk): a tampered token
// is refused as malformed, not read as some other position.
class ListStageHistoryTokenTest : public testing::TestWithParam<std::string> {};

TEST_P(ListStageHistoryTokenTest, NonCanonicalSequenceIsMalformed) {
  v1::ListStageHistoryRequest request;
  request.set_customer_id("cust-1");
  request.set_page_token(EncodePageToken(kHistoryDigest, {GetParam()}));
  EXPECT_EQ(ViolatedFields([&] { ValidateListStageHistory(request); }), Fields{"page_token"});
}

INSTANTIATE_TEST_SUITE_P(Positions, ListStageHistoryTokenTest,
                         testing::Values("17abc", " 17", "+17", "-17"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           switch (info.index) {
                             case 0:
                               return std::string("TrailingJunk");
                             case 1:
                               return std::string("LeadingSpace");
                             case 2:
                               return std::string("PlusSign");
                             default:
                               return std::string("Negative");
                           }
                         });

// --------------------------------------------------- WatchLifecycleEvents

TEST(ValidateWatchLifecycleEventsTest, NegativeAfterSequenceIsRefused) {
  for (std::int64_t after : {std::int64_t{-1}, std::numeric_limits<std::int64_t>::min()}) {
    v1::WatchLifecycleEventsRequest request;
    request.set_after_sequence(after);
    EXPECT_EQ(ViolatedFields([&] { ValidateWatchLifecycleEvents(request); }),
              Fields{"after_sequence"})
        << after;
  }
}

TEST(ValidateWatchLifecycleEventsTest, ReturnsTheStartingSequence) {
  for (std::int64_t after : {std::int64_t{0}, std::int64_t{1}, std::int64_t{42},
                             std::numeric_limits<std::int64_t>::max()}) {
    v1::WatchLifecycleEventsRequest request;
    request.set_after_sequence(after);
    EXPECT_EQ(ValidateWatchLifecycleEvents(request), after);
  }
}

}  // namespace
}  // namespace lifecycle::api
