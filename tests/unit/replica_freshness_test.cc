// The staleness proof behind --read-max-lag-ms: WAL positions sampled on
// the primary, then the replica's replayed position.

#include "storage/replica_freshness.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace lifecycle::storage {
namespace {

using Clock = ReplicaFreshness::Clock;
using std::chrono::milliseconds;

const Clock::time_point kStart{};
Clock::time_point At(int ms) { return kStart + milliseconds(ms); }

// One probe: the primary's position at `at_ms`, then the replica's; or the
// replica lost (lost = true).
struct Probe {
  int at_ms = 0;
  std::uint64_t primary = 0;
  std::uint64_t replayed = 0;
  bool lost = false;
};

struct Case {
  const char* name;
  std::vector<Probe> probes;
  std::optional<int> caught_up_as_of_ms;
};

TEST(ReplicaFreshnessTest, CaughtUpAsOfTheLatestPrimarySampleTheReplicaHasReplayed) {
  const Case cases[] = {
      {"never probed", {}, std::nullopt},
      {"caught up at once", {{10, 100, 100}}, 10},
      {"idle primary stays fresh", {{10, 100, 100}, {20, 100, 100}, {30, 100, 100}}, 30},
      {"behind the only sample", {{10, 100, 90}}, std::nullopt},
      // Writes keep coming: each probe proves the previous sample.
      {"steady lag of one probe", {{10, 100, 90}, {20, 200, 150}, {30, 300, 250}}, 20},
      {"replay paused", {{10, 100, 100}, {20, 200, 100}, {30, 300, 100}}, 10},
      {"lost", {{10, 100, 100}, {.at_ms = 20, .lost = true}}, std::nullopt},
      {"back after lost", {{10, 100, 100}, {.at_ms = 20, .lost = true}, {30, 120, 120}}, 30},
      {"back but still behind",
       {{10, 100, 100}, {.at_ms = 20, .lost = true}, {30, 120, 110}},
       std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ReplicaFreshness freshness;
    for (const auto& probe : c.probes) {
      if (probe.lost) {
        freshness.Lost();
        continue;
      }
      freshness.PrimaryAt(At(probe.at_ms), probe.primary);
      freshness.ReplayedTo(probe.replayed);
    }
    const auto as_of = freshness.CaughtUpAsOf();
    ASSERT_EQ(as_of.has_value(), c.caught_up_as_of_ms.has_value());
    if (as_of) {
      EXPECT_EQ(*as_of, At(*c.caught_up_as_of_ms));
    }
  }
}

TEST(ReplicaFreshnessTest, FreshOnlyWithinTheBound) {
  ReplicaFreshness freshness;
  EXPECT_FALSE(freshness.FreshWithin(milliseconds(1000), At(0)));
  freshness.PrimaryAt(At(100), 5);
  freshness.ReplayedTo(5);
  EXPECT_TRUE(freshness.FreshWithin(milliseconds(1000), At(1100)));
  EXPECT_FALSE(freshness.FreshWithin(milliseconds(1000), At(1101)));
  freshness.Lost();
  EXPECT_FALSE(freshness.FreshWithin(milliseconds(1000), At(100)));
}

}  // namespace
}  // namespace lifecycle::storage
