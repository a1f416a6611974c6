#include "server/domain/stage.h"

#include <gtest/gtest.h>

#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lifecycle/v1/stage.pb.h"

namespace lifecycle::domain {
namespace {

struct StageCase {
  Stage stage;
  std::string name;  // as stored in PostgreSQL
  int number;        // as on the wire (lifecycle.v1.Stage)
};

const std::vector<StageCase> kStages = {
    {Stage::kNew, "NEW", 1},
    {Stage::kSegmented, "SEGMENTED", 2},
    {Stage::kOnboarding, "ONBOARDING", 3},
    {Stage::kRetained, "RETAINED", 4},
    {Stage::kExtended, "EXTENDED", 5},
    {Stage::kLapsed, "LAPSED", 6},
};

TEST(StageTest, NamesAndNumbers) {
  for (const auto& row : kStages) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(StageName(row.stage), row.name);
    EXPECT_EQ(static_cast<int>(row.stage), row.number);
  }
}

TEST(StageTest, NumbersMatchTheProtoEnum) {
  // The api layer converts with StageFromNumber, so the domain enum and the
  // wire enum must agree value for value, and names must agree too.
  for (const auto& row : kStages) {
    SCOPED_TRACE(row.name);
    ASSERT_TRUE(v1::Stage_IsValid(row.number));
    EXPECT_EQ(v1::Stage_Name(static_cast<v1::Stage>(row.number)), "STAGE_" + row.name);
  }
  EXPECT_EQ(v1::Stage_MAX, static_cast<int>(Stage::kLapsed))
      << "the proto has a stage the domain does not know";
}

TEST(StageTest, AllStagesListsEachStageOnceInOrder) {
  ASSERT_EQ(std::size(kAllStages), kStages.size());
  for (std::size_t i = 0; i < kStages.size(); ++i) {
    EXPECT_EQ(kAllStages[i], kStages[i].stage) << i;
  }
}

TEST(StageTest, NamesAreDistinct) {
  std::set<std::string_view> names;
  for (Stage stage : kAllStages) names.insert(StageName(stage));
  EXPECT_EQ(names.size(), std::size(kAllStages));
}

TEST(StageTest, RoundTripsThroughName) {
  for (Stage stage : kAllStages) {
    EXPECT_EQ(StageFromName(StageName(stage)), stage) << StageName(stage);
  }
}

TEST(StageTest, RoundTripsThroughNumber) {
  for (Stage stage : kAllStages) {
    EXPECT_EQ(StageFromNumber(static_cast<int>(stage)), stage) << StageName(stage);
  }
}

TEST(StageTest, UnknownStageHasPlaceholderName) {
  EXPECT_EQ(StageName(static_cast<Stage>(0)), "UNKNOWN");
  EXPECT_EQ(StageName(static_cast<Stage>(7)), "UNKNOWN");
}

TEST(StageFromNumberTest, RejectsUnknownNumbers) {
  for (int number :
       {0, 7, -1, 99, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    EXPECT_EQ(StageFromNumber(number), std::nullopt) << number;
  }
}

TEST(StageFromNameTest, RejectsUnknownNames) {
  for (const char* name :
       {"", "new", "New", "STAGE_NEW", "UNKNOWN", "UNSPECIFIED", " NEW", "NEW ", "LAPSE", "1"}) {
    EXPECT_EQ(StageFromName(name), std::nullopt) << '"' << name << '"';
  }
}

}  // namespace
}  // namespace lifecycle::domain
