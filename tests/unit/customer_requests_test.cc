#include "server/api/customer_requests.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/v1/customer.pb.h"
#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/domain/error.h"
#include "server/domain/stage.h"
#include "tests/support/request_cases.h"

namespace lifecycle::api {
namespace {

using google::protobuf::Value;
using validation_testing::Case;
using validation_testing::CaseName;
using validation_testing::Fields;
using validation_testing::Sorted;
using validation_testing::ViolatedFields;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------- helpers

Value Number(double number) {
  Value value;
  value.set_number_value(number);
  return value;
}

Value Text(std::string text) {
  Value value;
  value.set_string_value(std::move(text));
  return value;
}

Value ListOf(std::vector<Value> items) {
  Value value;
  for (auto& item : items) *value.mutable_list_value()->add_values() = std::move(item);
  return value;
}

// `containers` nested objects around the number 1: {"n":{"n":...1}}.
Value NestedObjects(int containers) {
  Value value = Number(1);
  for (int i = 0; i < containers; ++i) {
    Value outer;
    (*outer.mutable_struct_value()->mutable_fields())["n"] = std::move(value);
    value = std::move(outer);
  }
  return value;
}

// `containers` nested lists around the number 1: [[...[1]]].
Value NestedLists(int containers) {
  Value value = Number(1);
  for (int i = 0; i < containers; ++i) value = ListOf({std::move(value)});
  return value;
}

void SetAttribute(v1::Customer* customer, const std::string& key, Value value) {
  (*customer->mutable_attributes()->mutable_fields())[key] = std::move(value);
}

// JSON of {"k":"<n chars>"} is n + 8 bytes.
Value TextForJsonSize(std::size_t json_bytes) { return Text(std::string(json_bytes - 8, 'x')); }

v1::CreateCustomerRequest ValidCreate() {
  v1::CreateCustomerRequest request;
  request.set_request_id("req-1");
  request.mutable_customer()->set_customer_id("cust-1");
  SetAttribute(request.mutable_customer(), "plan", Text("pro"));
  return request;
}

v1::UpdateCustomerRequest ValidUpdate() {
  v1::UpdateCustomerRequest request;
  request.set_request_id("req-2");
  request.mutable_customer()->set_customer_id("cust-1");
  SetAttribute(request.mutable_customer(), "plan", Text("enterprise"));
  request.mutable_update_mask()->add_paths("attributes");
  request.set_expected_version(3);
  return request;
}

Value Null() {
  Value value;
  value.set_null_value(google::protobuf::NULL_VALUE);
  return value;
}

Value Bool(bool flag) {
  Value value;
  value.set_bool_value(flag);
  return value;
}

Value Object(const std::string& key, Value child) {
  Value value;
  (*value.mutable_struct_value()->mutable_fields())[key] = std::move(child);
  return value;
}

// Rows shared by the Create and Update tables (both carry a customer and a
// request_id); each mutates an otherwise valid request.
template <class Request>
std::vector<Case<Request>> CustomerCases() {
  const std::string id = "customer.customer_id";
  const std::string attrs = "customer.attributes";
  auto attr = [](std::string key, Value value) {
    return std::function<void(Request&)>(
        [key, value](Request& r) { SetAttribute(r.mutable_customer(), key, value); });
  };
  auto only_attr = [](std::string key, Value value) {
    return std::function<void(Request&)>([key, value](Request& r) {
      r.mutable_customer()->clear_attributes();
      SetAttribute(r.mutable_customer(), key, value);
    });
  };
  auto set_id = [](std::string value) {
    return std::function<void(Request&)>(
        [value](Request& r) { r.mutable_customer()->set_customer_id(value); });
  };
  auto set_request_id = [](std::string value) {
    return std::function<void(Request&)>([value](Request& r) { r.set_request_id(value); });
  };
  std::vector<Case<Request>> cases = {
      {"Valid", [](Request&) {}, {}},
      {"MissingCustomer", [](Request& r) { r.clear_customer(); }, {"customer"}},
      {"MissingCustomerAndRequestId",
       [](Request& r) {
         r.clear_customer();
         r.clear_request_id();
       },
       {"customer", "request_id"}},
      {"EmptyCustomerId", set_id(""), {id}},
      {"CustomerId128", set_id(std::string(128, 'c')), {}},
      {"CustomerId129", set_id(std::string(129, 'c')), {id}},
      {"CustomerIdWithSpace", set_id("cust 1"), {id}},
      {"CustomerIdLeadingSpace", set_id(" cust1"), {id}},
      {"CustomerIdWithNewline", set_id("cust\n1"), {id}},
      {"CustomerIdNonAscii", set_id("j\xc3\xbcrgen"), {id}},
      {"EmptyRequestId", set_request_id(""), {"request_id"}},
      {"RequestIdWithSpace", set_request_id("req 1"), {"request_id"}},
      {"RequestId128", set_request_id(std::string(128, 'r')), {}},
      {"RequestId129", set_request_id(std::string(129, 'r')), {"request_id"}},
      {"NoAttributes", [](Request& r) { r.mutable_customer()->clear_attributes(); }, {}},
      {"EmptyAttributes",
       [](Request& r) {
         r.mutable_customer()->clear_attributes();
         r.mutable_customer()->mutable_attributes();
       },
       {}},
      {"AllJsonKinds",
       attr("mixed", ListOf({Text("a"), Number(1.5), Null(), Bool(true), Number(-2),
                             Object("o", Number(0))})),
       {}},
      {"NaN", attr("score", Number(kNaN)), {attrs + ".score"}},
      {"PositiveInfinity", attr("spend", Number(kInf)), {attrs + ".spend"}},
      {"NegativeInfinity", attr("spend", Number(-kInf)), {attrs + ".spend"}},
      {"LargestFiniteNumber", attr("spend", Number(std::numeric_limits<double>::max())), {}},
      {"NaNInsideList", attr("history", ListOf({Number(1), Number(kNaN)})), {attrs + ".history"}},
      {"InfinityInsideObject",
       attr("profile", Object("stats", Object("ltv", Number(kInf)))),
       {attrs + ".profile"}},
      {"NoKind", attr("empty", Value()), {attrs + ".empty"}},
      {"NoKindInsideList", attr("list", ListOf({Number(1), Value()})), {attrs + ".list"}},
      {"NoKindInsideObject", attr("profile", Object("x", Value())), {attrs + ".profile"}},
      // kMaxAttributesDepth (16) levels of JSON objects, counting the
      // attributes object itself, are fine; 17 are not.
      {"Depth16Objects", attr("deep", NestedObjects(kMaxAttributesDepth - 1)), {}},
      {"Depth17Objects", attr("deep", NestedObjects(kMaxAttributesDepth)), {attrs + ".deep"}},
      {"Depth16Lists", attr("deep", NestedLists(kMaxAttributesDepth - 1)), {}},
      {"Depth17Lists", attr("deep", NestedLists(kMaxAttributesDepth)), {attrs + ".deep"}},
      {"VeryDeep", attr("deep", NestedObjects(200)), {attrs + ".deep"}},
      {"JsonExactly64KiB", only_attr("k", TextForJsonSize(kMaxAttributesBytes)), {}},
      {"JsonOver64KiB", only_attr("k", TextForJsonSize(kMaxAttributesBytes + 1)), {attrs}},
      {"JsonFarOver64KiB", attr("blob", Text(std::string(1 << 20, 'x'))), {attrs}},
      {"EveryFieldBad",
       [](Request& r) {
         r.set_request_id("");
         r.mutable_customer()->set_customer_id("bad id");
         SetAttribute(r.mutable_customer(), "score", Number(kNaN));
       },
       {attrs + ".score", id, "request_id"}},
  };
  for (auto& c : cases) c.fields = Sorted(c.fields);
  return cases;
}

// ---------------------------------------------------------------- Create

using CreateCase = Case<v1::CreateCustomerRequest>;

class ValidateCreateCustomerTest : public testing::TestWithParam<CreateCase> {};

TEST_P(ValidateCreateCustomerTest, ReportsExactlyTheBadFields) {
  v1::CreateCustomerRequest request = ValidCreate();
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateCreateCustomer(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateCreateCustomerTest,
                         testing::ValuesIn(CustomerCases<v1::CreateCustomerRequest>()),
                         CaseName<v1::CreateCustomerRequest>);

TEST(ValidateCreateCustomerCommandTest, CarriesIdAndCompactJson) {
  const CreateCustomerCommand command = ValidateCreateCustomer(ValidCreate());
  EXPECT_EQ(command.customer_id, "cust-1");
  EXPECT_EQ(command.attributes_json, R"({"plan":"pro"})");
}

TEST(ValidateCreateCustomerCommandTest, NestedAttributesBecomeJson) {
  v1::CreateCustomerRequest request = ValidCreate();
  request.mutable_customer()->clear_attributes();
  SetAttribute(request.mutable_customer(), "profile",
               Object("tags", ListOf({Text("vip"), Number(2), Bool(false), Null()})));
  EXPECT_EQ(ValidateCreateCustomer(request).attributes_json,
            R"({"profile":{"tags":["vip",2,false,null]}})");
}

TEST(ValidateCreateCustomerCommandTest, MissingAttributesAreAnEmptyObject) {
  v1::CreateCustomerRequest request = ValidCreate();
  request.mutable_customer()->clear_attributes();
  EXPECT_EQ(ValidateCreateCustomer(request).attributes_json, "{}");
}

TEST(ValidateCreateCustomerCommandTest, OutputOnlyFieldsAreIgnored) {
  v1::CreateCustomerRequest request = ValidCreate();
  request.mutable_customer()->set_stage(v1::STAGE_RETAINED);
  request.mutable_customer()->set_segment_id("not an id, but ignored");
  request.mutable_customer()->set_version(-5);
  const CreateCustomerCommand command = ValidateCreateCustomer(request);
  EXPECT_EQ(command.customer_id, "cust-1");
  EXPECT_EQ(command.attributes_json, R"({"plan":"pro"})");
}

// Every bad attribute is named, not just the first one protobuf's map
// order happens to yield.
TEST(ValidateCreateCustomerAttributesTest, EveryBadAttributeIsReported) {
  v1::CreateCustomerRequest request = ValidCreate();
  SetAttribute(request.mutable_customer(), "score", Number(kNaN));
  SetAttribute(request.mutable_customer(), "spend", Number(kInf));
  SetAttribute(request.mutable_customer(), "empty", Value());
  EXPECT_EQ(ViolatedFields([&] { ValidateCreateCustomer(request); }),
            (Fields{"customer.attributes.empty", "customer.attributes.score",
                    "customer.attributes.spend"}));
}

// ---------------------------------------------------------------- Get

using GetCase = Case<v1::GetCustomerRequest>;

class ValidateGetCustomerTest : public testing::TestWithParam<GetCase> {};

TEST_P(ValidateGetCustomerTest, ReportsExactlyTheBadFields) {
  v1::GetCustomerRequest request;
  request.set_customer_id("cust-1");
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateGetCustomer(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateGetCustomerTest,
    testing::ValuesIn(std::vector<GetCase>{
        {"Valid", [](v1::GetCustomerRequest&) {}, {}},
        {"Empty", [](v1::GetCustomerRequest& r) { r.clear_customer_id(); }, {"customer_id"}},
        {"Exactly128",
         [](v1::GetCustomerRequest& r) { r.set_customer_id(std::string(128, 'g')); },
         {}},
        {"Length129",
         [](v1::GetCustomerRequest& r) { r.set_customer_id(std::string(129, 'g')); },
         {"customer_id"}},
        {"Space", [](v1::GetCustomerRequest& r) { r.set_customer_id("cust 1"); }, {"customer_id"}},
        {"Tab", [](v1::GetCustomerRequest& r) { r.set_customer_id("cust\t1"); }, {"customer_id"}},
        {"NonAscii",
         [](v1::GetCustomerRequest& r) { r.set_customer_id("\xe6\x9d\xb1"); },
         {"customer_id"}},
    }),
    CaseName<v1::GetCustomerRequest>);

TEST(ValidateGetCustomerCommandTest, ReturnsTheId) {
  v1::GetCustomerRequest request;
  request.set_customer_id("ada@example.com");
  EXPECT_EQ(ValidateGetCustomer(request), "ada@example.com");
}

// ---------------------------------------------------------------- Update

using UpdateCase = Case<v1::UpdateCustomerRequest>;

std::vector<UpdateCase> UpdateCases() {
  std::vector<UpdateCase> cases = CustomerCases<v1::UpdateCustomerRequest>();
  using R = v1::UpdateCustomerRequest;
  auto mask = [](std::vector<std::string> paths) {
    return [paths](R& r) {
      r.clear_update_mask();
      for (const auto& path : paths) r.mutable_update_mask()->add_paths(path);
    };
  };
  std::vector<UpdateCase> more = {
      {"EmptyMask", [](R& r) { r.clear_update_mask(); }, {}},
      {"MaskAttributes", mask({"attributes"}), {}},
      {"MaskStage", mask({"stage"}), {"update_mask.paths"}},
      {"MaskCustomerId", mask({"attributes", "customer_id"}), {"update_mask.paths"}},
      {"MaskUnknown", mask({"no_such_field"}), {"update_mask.paths"}},
      {"MaskEmptyPath", mask({""}), {"update_mask.paths"}},
      {"MaskTwoBadPaths",
       mask({"version", "segment_id"}),
       {"update_mask.paths", "update_mask.paths"}},
      {"NoExpectedVersion", [](R& r) { r.clear_expected_version(); }, {}},
      {"ExpectedVersion1", [](R& r) { r.set_expected_version(1); }, {}},
      {"ExpectedVersionMax",
       [](R& r) { r.set_expected_version(std::numeric_limits<std::int64_t>::max()); },
       {}},
      {"ExpectedVersion0", [](R& r) { r.set_expected_version(0); }, {"expected_version"}},
      {"ExpectedVersionNegative", [](R& r) { r.set_expected_version(-1); }, {"expected_version"}},
      {"ExpectedVersionMin",
       [](R& r) { r.set_expected_version(std::numeric_limits<std::int64_t>::min()); },
       {"expected_version"}},
      {"EveryUpdateFieldBad",
       [](R& r) {
         r.clear_request_id();
         r.mutable_customer()->set_customer_id("");
         r.mutable_update_mask()->add_paths("stage");
         r.set_expected_version(0);
         SetAttribute(r.mutable_customer(), "spend", Number(-kInf));
       },
       Sorted({"request_id", "customer.customer_id", "update_mask.paths", "expected_version",
               "customer.attributes.spend"})},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  return cases;
}

class ValidateUpdateCustomerTest : public testing::TestWithParam<UpdateCase> {};

TEST_P(ValidateUpdateCustomerTest, ReportsExactlyTheBadFields) {
  v1::UpdateCustomerRequest request = ValidUpdate();
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateUpdateCustomer(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateUpdateCustomerTest, testing::ValuesIn(UpdateCases()),
                         CaseName<v1::UpdateCustomerRequest>);

TEST(ValidateUpdateCustomerCommandTest, CarriesIdJsonAndExpectedVersion) {
  const UpdateCustomerCommand command = ValidateUpdateCustomer(ValidUpdate());
  EXPECT_EQ(command.customer_id, "cust-1");
  EXPECT_EQ(command.attributes_json, R"({"plan":"enterprise"})");
  EXPECT_EQ(command.expected_version, std::optional<std::int64_t>(3));
}

TEST(ValidateUpdateCustomerCommandTest, UnsetExpectedVersionMeansUnconditional) {
  v1::UpdateCustomerRequest request = ValidUpdate();
  request.clear_expected_version();
  EXPECT_EQ(ValidateUpdateCustomer(request).expected_version, std::nullopt);
}

// ---------------------------------------------------------------- List

using ListCase = Case<v1::ListCustomersRequest>;

// A token the server itself would hand out for `request`'s filters.
std::string TokenFor(const v1::ListCustomersRequest& request, const std::string& after) {
  v1::ListCustomersRequest first_page = request;
  first_page.clear_page_token();
  return EncodePageToken(ValidateListCustomers(first_page).query_digest, {after});
}

std::vector<ListCase> ListCases() {
  using R = v1::ListCustomersRequest;
  auto page_size = [](int size) {
    return std::function<void(R&)>([size](R& r) { r.set_page_size(size); });
  };
  auto stage = [](int number) {
    return std::function<void(R&)>([number](R& r) { r.set_stage(static_cast<v1::Stage>(number)); });
  };
  auto segment = [](std::string id) {
    return std::function<void(R&)>([id](R& r) { r.set_segment_id(id); });
  };
  std::vector<ListCase> cases = {
      {"Valid", [](R&) {}, {}},
      {"PageSize1", page_size(1), {}},
      {"PageSize1000", page_size(1000), {}},
      {"PageSize1001", page_size(1001), {"page_size"}},
      {"PageSizeMinus1", page_size(-1), {"page_size"}},
      {"PageSizeIntMin", page_size(std::numeric_limits<int>::min()), {"page_size"}},
      {"PageSizeIntMax", page_size(std::numeric_limits<int>::max()), {"page_size"}},
      {"StageNew", stage(v1::STAGE_NEW), {}},
      {"StageLapsed", stage(v1::STAGE_LAPSED), {}},
      {"Stage7", stage(7), {"stage"}},
      {"Stage99", stage(99), {"stage"}},
      {"StageMinus1", stage(-1), {"stage"}},
      {"Segment", segment("vip-eu"), {}},
      {"Segment128", segment(std::string(128, 's')), {}},
      {"Segment129", segment(std::string(129, 's')), {"segment_id"}},
      {"SegmentWithSpace", segment("vip eu"), {"segment_id"}},
      {"SegmentWithControl", segment("vip\x01"), {"segment_id"}},
      {"SegmentNonAscii", segment("caf\xc3\xa9"), {"segment_id"}},
      {"PageTokenBadChars", [](R& r) { r.set_page_token("abc+/=="); }, {"page_token"}},
      {"PageTokenGarbage", [](R& r) { r.set_page_token("bm90LWEtdG9rZW4"); }, {"page_token"}},
      {"PageTokenWrongShape",
       [](R& r) {
         r.set_page_token(EncodePageToken("x", {"a", "b"}));
       },
       {"page_token"}},
      {"PageTokenOwn", [](R& r) { r.set_page_token(TokenFor(r, "cust-9")); }, {}},
      {"PageTokenOwnWithOtherPageSize",
       [](R& r) {
         r.set_page_token(TokenFor(r, "cust-9"));
         r.set_page_size(7);
       },
       {}},
      {"PageTokenOwnWithFilters",
       [](R& r) {
         r.set_stage(v1::STAGE_ONBOARDING);
         r.set_segment_id("vip");
         r.set_page_token(TokenFor(r, "cust-9"));
       },
       {}},
      {"PageTokenFromOtherStage",
       [](R& r) {
         r.set_stage(v1::STAGE_ONBOARDING);
         r.set_page_token(TokenFor(r, "cust-9"));
         r.set_stage(v1::STAGE_RETAINED);
       },
       {"page_token"}},
      {"PageTokenFromOtherSegment",
       [](R& r) {
         r.set_segment_id("vip");
         r.set_page_token(TokenFor(r, "cust-9"));
         r.set_segment_id("basic");
       },
       {"page_token"}},
      {"PageTokenFromUnfilteredList",
       [](R& r) {
         r.set_page_token(TokenFor(r, "cust-9"));
         r.set_stage(v1::STAGE_NEW);
       },
       {"page_token"}},
      {"PageTokenFromFilteredList",
       [](R& r) {
         r.set_segment_id("vip");
         r.set_page_token(TokenFor(r, "cust-9"));
         r.clear_segment_id();
       },
       {"page_token"}},
      {"EveryFilterBad",
       [](R& r) {
         r.set_page_size(-1);
         r.set_stage(static_cast<v1::Stage>(99));
         r.set_segment_id("a b");
       },
       {"page_size", "segment_id", "stage"}},
  };
  for (auto& c : cases) c.fields = Sorted(c.fields);
  return cases;
}

class ValidateListCustomersTest : public testing::TestWithParam<ListCase> {};

TEST_P(ValidateListCustomersTest, ReportsExactlyTheBadFields) {
  v1::ListCustomersRequest request;
  GetParam().mutate(request);
  EXPECT_EQ(ViolatedFields([&] { ValidateListCustomers(request); }), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateListCustomersTest, testing::ValuesIn(ListCases()),
                         CaseName<v1::ListCustomersRequest>);

TEST(ValidateListCustomersQueryTest, DefaultsWithoutFilters) {
  const ListCustomersQuery query = ValidateListCustomers(v1::ListCustomersRequest());
  EXPECT_EQ(query.page_size, kDefaultPageSize);
  EXPECT_EQ(query.page_size, 50);
  EXPECT_EQ(query.filter.stage, std::nullopt);
  EXPECT_EQ(query.filter.segment_id, std::nullopt);
  EXPECT_EQ(query.after, "");
  EXPECT_FALSE(query.query_digest.empty());
}

TEST(ValidateListCustomersQueryTest, PageSizeIsKept) {
  for (int size : {1, 50, 999, 1000}) {
    v1::ListCustomersRequest request;
    request.set_page_size(size);
    EXPECT_EQ(ValidateListCustomers(request).page_size, size);
  }
}

TEST(ValidateListCustomersQueryTest, FiltersAreConverted) {
  v1::ListCustomersRequest request;
  request.set_stage(v1::STAGE_ONBOARDING);
  request.set_segment_id("vip");
  const ListCustomersQuery query = ValidateListCustomers(request);
  EXPECT_EQ(query.filter.stage, domain::Stage::kOnboarding);
  EXPECT_EQ(query.filter.segment_id, std::optional<std::string>("vip"));
}

TEST(ValidateListCustomersQueryTest, EveryStageConverts) {
  for (domain::Stage stage : domain::kAllStages) {
    v1::ListCustomersRequest request;
    request.set_stage(static_cast<v1::Stage>(static_cast<int>(stage)));
    EXPECT_EQ(ValidateListCustomers(request).filter.stage, stage) << domain::StageName(stage);
  }
}

TEST(ValidateListCustomersQueryTest, DigestDependsOnEveryFilter) {
  auto digest = [](int stage, const std::string& segment) {
    v1::ListCustomersRequest request;
    request.set_stage(static_cast<v1::Stage>(stage));
    request.set_segment_id(segment);
    return ValidateListCustomers(request).query_digest;
  };
  const std::vector<std::string> digests = {digest(0, ""),    digest(1, ""),    digest(2, ""),
                                            digest(0, "vip"), digest(1, "vip"), digest(0, "vip2")};
  for (std::size_t i = 0; i < digests.size(); ++i) {
    for (std::size_t j = i + 1; j < digests.size(); ++j) {
      EXPECT_NE(digests[i], digests[j]) << i << " vs " << j;
    }
  }
  // Page size is not a filter: it may change between pages.
  v1::ListCustomersRequest request;
  request.set_page_size(10);
  EXPECT_EQ(ValidateListCustomers(request).query_digest, digest(0, ""));
}

TEST(ValidateListCustomersQueryTest, PageTokenResumesAfterTheLastCustomer) {
  v1::ListCustomersRequest request;
  request.set_stage(v1::STAGE_RETAINED);
  request.set_page_size(2);
  request.set_page_token(TokenFor(request, "cust-0042"));
  const ListCustomersQuery query = ValidateListCustomers(request);
  EXPECT_EQ(query.after, "cust-0042");
  EXPECT_EQ(query.page_size, 2);
  EXPECT_EQ(query.filter.stage, domain::Stage::kRetained);
}

TEST(ValidateListCustomersQueryTest, TokenFromOtherFiltersMentionsFilters) {
  v1::ListCustomersRequest request;
  request.set_segment_id("vip");
  request.set_page_token(TokenFor(request, "cust-1"));
  request.set_segment_id("basic");
  try {
    ValidateListCustomers(request);
    FAIL() << "accepted a token from other filters";
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument);
    ASSERT_EQ(error.violations().size(), 1u);
    EXPECT_EQ(error.violations()[0].field, "page_token");
    EXPECT_NE(error.violations()[0].description.find("filters"), std::string::npos)
        << error.violations()[0].description;
  }
}

// A bad page_token is reported together with the other bad fields.
TEST(ValidateListCustomersTokenTest, BadPageTokenIsReportedWithOtherBadFields) {
  v1::ListCustomersRequest request;
  request.set_page_size(-1);
  request.set_stage(static_cast<v1::Stage>(99));
  request.set_page_token("not+a+token");
  EXPECT_EQ(ViolatedFields([&] { ValidateListCustomers(request); }),
            (Fields{"page_size", "page_token", "stage"}));
}

}  // namespace
}  // namespace lifecycle::api
