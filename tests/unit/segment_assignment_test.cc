// Segments: their enum names and numbers, the decision order, and which
// segment a customer lands in.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/v1/segment.pb.h"
#include "server/domain/segment.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle::domain {
namespace {

using namespace rule_builders;
using namespace std::string_literals;
using Op = RuleOp;

const Timestamp kNow = AtMicros(1'700'000'000'000'000);

// ------------------------------------------------------------ names

template <typename Enum>
struct NameCase {
  Enum value;
  std::string name;
  int number;
};

TEST(SegmentNamesTest, Bases) {
  const std::vector<NameCase<SegmentBasis>> cases = {
      {SegmentBasis::kDemographic, "DEMOGRAPHIC", 1},
      {SegmentBasis::kGeographic, "GEOGRAPHIC", 2},
      {SegmentBasis::kPsychographic, "PSYCHOGRAPHIC", 3},
      {SegmentBasis::kTechnographic, "TECHNOGRAPHIC", 4},
      {SegmentBasis::kBehavioural, "BEHAVIOURAL", 5},
      {SegmentBasis::kNeedsBased, "NEEDS_BASED", 6},
      {SegmentBasis::kValueBased, "VALUE_BASED", 7},
  };
  ASSERT_EQ(std::size(kAllSegmentBases), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(kAllSegmentBases[i], c.value);
    EXPECT_EQ(SegmentBasisName(c.value), c.name);
    EXPECT_EQ(static_cast<int>(c.value), c.number);
    EXPECT_EQ(SegmentBasisFromName(c.name), c.value);
    EXPECT_EQ(SegmentBasisFromNumber(c.number), c.value);
  }
  for (int number : {0, 8, -1}) EXPECT_EQ(SegmentBasisFromNumber(number), std::nullopt);
  for (std::string name : {"", "demographic", "BEHAVIORAL", "UNKNOWN"}) {
    EXPECT_EQ(SegmentBasisFromName(name), std::nullopt) << name;
  }
}

TEST(SegmentNamesTest, Strategies) {
  const std::vector<NameCase<SegmentationStrategy>> cases = {
      {SegmentationStrategy::kConcentrated, "CONCENTRATED", 1},
      {SegmentationStrategy::kDifferentiated, "DIFFERENTIATED", 2},
      {SegmentationStrategy::kHyper, "HYPER", 3},
  };
  ASSERT_EQ(std::size(kAllSegmentationStrategies), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(kAllSegmentationStrategies[i], c.value);
    EXPECT_EQ(SegmentationStrategyName(c.value), c.name);
    EXPECT_EQ(static_cast<int>(c.value), c.number);
    EXPECT_EQ(SegmentationStrategyFromName(c.name), c.value);
    EXPECT_EQ(SegmentationStrategyFromNumber(c.number), c.value);
  }
  for (int number : {0, 4}) EXPECT_EQ(SegmentationStrategyFromNumber(number), std::nullopt);
  for (std::string name : {"", "hyper", "MASS", "UNKNOWN"}) {
    EXPECT_EQ(SegmentationStrategyFromName(name), std::nullopt) << name;
  }
}

TEST(SegmentNamesTest, States) {
  const std::vector<NameCase<SegmentState>> cases = {
      {SegmentState::kActive, "ACTIVE", 1},
      {SegmentState::kRetired, "RETIRED", 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(SegmentStateName(c.value), c.name);
    EXPECT_EQ(static_cast<int>(c.value), c.number);
    EXPECT_EQ(SegmentStateFromName(c.name), c.value);
  }
  for (std::string name : {"", "active", "DELETED", "UNKNOWN"}) {
    EXPECT_EQ(SegmentStateFromName(name), std::nullopt) << name;
  }
}

TEST(SegmentNamesTest, NumbersAndNamesMatchTheProtoEnums) {
  // The api layer converts with the ...FromNumber functions.
  for (SegmentBasis basis : kAllSegmentBases) {
    SCOPED_TRACE(SegmentBasisName(basis));
    const int number = static_cast<int>(basis);
    ASSERT_TRUE(v1::SegmentBasis_IsValid(number));
    EXPECT_EQ(v1::SegmentBasis_Name(static_cast<v1::SegmentBasis>(number)),
              "SEGMENT_BASIS_" + std::string(SegmentBasisName(basis)));
  }
  EXPECT_EQ(v1::SegmentBasis_MAX, static_cast<int>(SegmentBasis::kValueBased));
  for (SegmentationStrategy strategy : kAllSegmentationStrategies) {
    SCOPED_TRACE(SegmentationStrategyName(strategy));
    const int number = static_cast<int>(strategy);
    ASSERT_TRUE(v1::SegmentationStrategy_IsValid(number));
    EXPECT_EQ(v1::SegmentationStrategy_Name(static_cast<v1::SegmentationStrategy>(number)),
              "SEGMENTATION_STRATEGY_" + std::string(SegmentationStrategyName(strategy)));
  }
  EXPECT_EQ(v1::SegmentationStrategy_MAX, static_cast<int>(SegmentationStrategy::kHyper));
  for (SegmentState state : {SegmentState::kActive, SegmentState::kRetired}) {
    SCOPED_TRACE(SegmentStateName(state));
    EXPECT_EQ(v1::SegmentState_Name(static_cast<v1::SegmentState>(state)),
              "SEGMENT_STATE_" + std::string(SegmentStateName(state)));
  }
  EXPECT_EQ(v1::SegmentState_MAX, static_cast<int>(SegmentState::kRetired));
}

// ------------------------------------------------------------ decision order

// A rule segment matching customers in `country`.
SegmentRuleRef InCountry(std::string id, std::int32_t priority, std::string country) {
  return SegmentRuleRef{std::move(id), 1, priority, false,
                        Cond("attributes.country", Op::kEq, {std::move(country)})};
}

SegmentRuleRef Default(std::string id, std::int32_t priority = 0) {
  return SegmentRuleRef{std::move(id), 1, priority, true, std::nullopt};
}

std::vector<std::string> Ids(const std::vector<SegmentRuleRef>& segments) {
  std::vector<std::string> ids;
  for (const auto& segment : segments) ids.push_back(segment.segment_id);
  return ids;
}

struct SortCase {
  std::string name;
  std::vector<SegmentRuleRef> input;
  std::vector<std::string> expected;
};

TEST(SegmentAssignmentTest, SortsByPriorityThenIdWithTheDefaultLast) {
  const std::vector<SortCase> cases = {
      {"Empty", {}, {}},
      {"HigherPriorityFirst",
       {InCountry("a", 1, "FR"), InCountry("b", 5, "FR"), InCountry("c", 3, "FR")},
       {"b", "c", "a"}},
      {"NegativePriorities",
       {InCountry("a", -5, "FR"), InCountry("b", 0, "FR"), InCountry("c", -1, "FR")},
       {"b", "c", "a"}},
      {"ExtremePriorities",
       {InCountry("min", std::numeric_limits<std::int32_t>::min(), "FR"),
        InCountry("max", std::numeric_limits<std::int32_t>::max(), "FR"), InCountry("z", 0, "FR")},
       {"max", "z", "min"}},
      {"TiesByIdAscending",
       {InCountry("seg-b", 2, "FR"), InCountry("seg-a", 2, "FR"), InCountry("seg-c", 2, "FR")},
       {"seg-a", "seg-b", "seg-c"}},
      {"TiesByIdBytewise",
       {InCountry("b", 2, "FR"), InCountry("B", 2, "FR"), InCountry("a", 2, "FR"),
        InCountry("A", 2, "FR")},
       {"A", "B", "a", "b"}},
      {"DefaultLastWhateverItsPriority",
       {Default("aaa-default", 100), InCountry("z", 1, "FR"), InCountry("y", -3, "FR")},
       {"z", "y", "aaa-default"}},
      {"PriorityBeforeId",
       {InCountry("a", 1, "FR"), InCountry("b", 2, "FR"), InCountry("c", 2, "FR")},
       {"b", "c", "a"}},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.name);
    SortForAssignment(c.input);
    EXPECT_EQ(Ids(c.input), c.expected);
  }
}

TEST(SegmentAssignmentTest, OrderDoesNotDependOnTheInputOrder) {
  std::vector<SegmentRuleRef> segments = {Default("d"), InCountry("b", 1, "FR"),
                                          InCountry("a", 1, "FR"), InCountry("c", 9, "FR")};
  std::vector<std::string> first;
  std::sort(segments.begin(), segments.end(),
            [](const auto& a, const auto& b) { return a.segment_id < b.segment_id; });
  do {
    std::vector<SegmentRuleRef> copy = segments;
    SortForAssignment(copy);
    if (first.empty()) first = Ids(copy);
    EXPECT_EQ(Ids(copy), first);
  } while (std::next_permutation(
      segments.begin(), segments.end(),
      [](const auto& a, const auto& b) { return a.segment_id < b.segment_id; }));
  EXPECT_EQ(first, (std::vector<std::string>{"c", "a", "b", "d"}));
}

// ------------------------------------------------------------ assignment

CustomerFacts From(std::string country) {
  CustomerFacts facts;
  facts.customer_id = "c-1";
  if (!country.empty()) facts.attributes["country"] = country;
  return facts;
}

struct AssignCase {
  std::string name;
  std::vector<SegmentRuleRef> segments;  // sorted by SortForAssignment first
  std::string country;                   // empty: the customer has none
  std::optional<std::string> expected;   // nothing: no segment
};

TEST(SegmentAssignmentTest, AssignsTheFirstMatchInDecisionOrder) {
  const std::vector<AssignCase> cases = {
      {"OnlyMatch", {InCountry("fr", 1, "FR"), InCountry("de", 1, "DE")}, "DE", "de"},
      {"HigherPriorityWins", {InCountry("low", 1, "FR"), InCountry("high", 2, "FR")}, "FR", "high"},
      {"TieGoesToTheSmallerId",
       {InCountry("seg-2", 1, "FR"), InCountry("seg-1", 1, "FR")},
       "FR",
       "seg-1"},
      {"RuleBeatsDefault", {Default("all", 1000), InCountry("fr", -1000, "FR")}, "FR", "fr"},
      {"DefaultWhenNothingMatches",
       {InCountry("fr", 1, "FR"), Default("everyone")},
       "ES",
       "everyone"},
      {"DefaultForACustomerWithoutTheField",
       {InCountry("fr", 1, "FR"), Default("everyone")},
       "",
       "everyone"},
      {"NothingWithoutADefault", {InCountry("fr", 1, "FR")}, "ES", std::nullopt},
      {"NothingFromNoSegments", {}, "FR", std::nullopt},
      {"OnlyADefault", {Default("everyone")}, "FR", "everyone"},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.name);
    SortForAssignment(c.segments);
    const SegmentRuleRef* assigned = AssignSegment(c.segments, From(c.country), kNow);
    if (!c.expected) {
      EXPECT_EQ(assigned, nullptr) << assigned->segment_id;
      continue;
    }
    ASSERT_NE(assigned, nullptr);
    EXPECT_EQ(assigned->segment_id, *c.expected);
    // It points into the list it was given.
    EXPECT_GE(assigned, c.segments.data());
    EXPECT_LT(assigned, c.segments.data() + c.segments.size());
  }
}

TEST(SegmentAssignmentTest, FollowsTheGivenOrder) {
  // AssignSegment trusts its input order; sorting is the caller's job.
  const std::vector<SegmentRuleRef> unsorted = {InCountry("low", 1, "FR"),
                                                InCountry("high", 2, "FR")};
  const SegmentRuleRef* assigned = AssignSegment(unsorted, From("FR"), kNow);
  ASSERT_NE(assigned, nullptr);
  EXPECT_EQ(assigned->segment_id, "low");
}

TEST(SegmentAssignmentTest, TheDefaultIsOnlyAFallbackWhereverItIs) {
  const std::vector<SegmentRuleRef> default_first = {Default("everyone"), InCountry("fr", 1, "FR")};
  const SegmentRuleRef* fr = AssignSegment(default_first, From("FR"), kNow);
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(fr->segment_id, "fr");
  const SegmentRuleRef* other = AssignSegment(default_first, From("ES"), kNow);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->segment_id, "everyone");
}

TEST(SegmentAssignmentTest, ARuleSegmentWithoutARuleTakesNobody) {
  std::vector<SegmentRuleRef> segments = {SegmentRuleRef{"broken", 1, 10, false, std::nullopt},
                                          InCountry("fr", 1, "FR")};
  SortForAssignment(segments);
  const SegmentRuleRef* assigned = AssignSegment(segments, From("FR"), kNow);
  ASSERT_NE(assigned, nullptr);
  EXPECT_EQ(assigned->segment_id, "fr");
  EXPECT_EQ(AssignSegment(segments, From("ES"), kNow), nullptr);
}

TEST(SegmentAssignmentTest, RulesSeeTheEvaluationTime) {
  CustomerFacts facts = From("FR");
  facts.last_activity_at = kNow - std::chrono::hours(24 * 40);
  std::vector<SegmentRuleRef> segments = {
      SegmentRuleRef{"dormant", 1, 1, false, Cond("days_since_last_activity", Op::kGt, {30.0})},
      Default("active")};
  SortForAssignment(segments);
  const SegmentRuleRef* now = AssignSegment(segments, facts, kNow);
  const SegmentRuleRef* earlier =
      AssignSegment(segments, facts, kNow - std::chrono::hours(24 * 20));
  ASSERT_NE(now, nullptr);
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(now->segment_id, "dormant");
  EXPECT_EQ(earlier->segment_id, "active");
}

}  // namespace
}  // namespace lifecycle::domain
