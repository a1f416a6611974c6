// Signal ingest and the retention sweep against a real PostgreSQL: event ids
// dedupe, partial batches, the set-based path agreeing with the domain
// formula, automatic moves, reacquaintance, snapshots, customer_facts, the
// policy store and the lapse sweep.

#include "storage/signal_ingest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "server/domain/error.h"
#include "server/domain/health_score.h"
#include "storage/customer_store.h"
#include "storage/health_store.h"
#include "storage/lifecycle_store.h"
#include "storage/retention_policy_store.h"
#include "storage/retention_sweep.h"
#include "storage/signal_store.h"
#include "storage/transaction.h"
#include "tests/support/segment_fixtures.h"
#include "tests/support/store_test.h"

namespace lifecycle {
namespace {

using domain::SignalKind;
using domain::Stage;
using std::chrono::days;
using storage::SignalFate;

class SignalIngestTest : public testing::StoreTest<storage::HealthStore> {
 protected:
  void SetUp() override {
    for (const char* id : {"alice", "bob", "carol"}) CreateCustomer(id);
  }

  void CreateCustomer(const std::string& id) {
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::CustomerStore(tx).Create(tenant_, id, "{}");
    });
  }

  void Move(const std::string& id, Stage to, const std::string& segment = "") {
    domain::TransitionCommand command;
    command.customer_id = id;
    command.to = to;
    command.actor = "test";
    command.actor_role = domain::Role::kAdmin;
    command.reason = "test";
    command.segment_id = segment;
    testing::EnsureSegment(session_, tenant_, segment);
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::LifecycleStore(tx).Apply(tenant_, command);
    });
  }

  storage::IngestResult Record(const std::vector<domain::Signal>& signals,
                               domain::Timestamp at = now_) {
    return session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      return storage::RecordSignals(tx, tenant_, policy_, signals, at);
    });
  }

  domain::Signal Make(const std::string& customer, SignalKind kind, domain::Timestamp at,
                      double value = 0) {
    return domain::Signal{.event_id = "ev-" + std::to_string(++next_),
                          .customer_id = customer,
                          .kind = kind,
                          .occur_time = at,
                          .value = value,
                          .detail = ""};
  }

  storage::StoredHealth Stored(const std::string& id) {
    auto stored = InTx([&](storage::HealthStore& store) { return store.Get(tenant_, id); });
    EXPECT_TRUE(stored.has_value()) << id;
    return stored.value_or(storage::StoredHealth{});
  }

  std::string StageOf(const std::string& id) {
    return db_.Query("SELECT stage FROM customers WHERE customer_id = '" + id + "'");
  }

  // Micro-second precision, as PostgreSQL stores it.
  static domain::Timestamp Now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }

  inline static const domain::Timestamp now_ = Now();
  domain::RetentionPolicy policy_ = domain::DefaultRetentionPolicy();
  int next_ = 0;
};

TEST_F(SignalIngestTest, ASignalSentTwiceIsStoredOnce) {
  const auto signal = Make("alice", SignalKind::kComplaint, now_);
  EXPECT_EQ(Record({signal}).fates, std::vector{SignalFate::kStored});
  const auto again = Record({signal});
  EXPECT_EQ(again.fates, std::vector{SignalFate::kDuplicate});
  EXPECT_TRUE(again.health.empty());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM signals"), "1");
  EXPECT_EQ(Stored("alice").state.counts[domain::KindIndex(SignalKind::kComplaint)], 1);
}

TEST_F(SignalIngestTest, UnknownCustomersFailTheirItemsOnly) {
  const auto result = Record({Make("alice", SignalKind::kActivity, now_),
                              Make("nobody", SignalKind::kActivity, now_),
                              Make("bob", SignalKind::kActivity, now_)});
  EXPECT_EQ(result.fates,
            (std::vector{SignalFate::kStored, SignalFate::kCustomerNotFound, SignalFate::kStored}));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM signals"), "2");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM retention_health"), "2");
}

// The set-based path (any batch size, any order, across transactions) must
// store exactly what the domain formula gives for the same signals.
TEST_F(SignalIngestTest, BatchPathAgreesWithTheDomainFormula) {
  std::mt19937 random(42);
  std::vector<domain::Signal> signals;
  for (int i = 0; i < 300; ++i) {
    const auto kind = domain::kAllSignalKinds[random() % domain::kSignalKindCount];
    const double value = kind == SignalKind::kReview ? (random() % 2 ? 1 : -1)
                         : domain::SurveyScale(kind) ? double(random() % 8)
                                                     : double(random() % 500);
    const char* customer = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "carol";
    signals.push_back(Make(customer, kind, now_ - days(random() % 90), value));
  }
  // Expected: the domain, one signal at a time, in order.
  std::map<std::string, domain::HealthState> expected;
  for (const auto& s : signals) {
    domain::AddSignal(expected[s.customer_id], s, domain::Impact(s, policy_), policy_.half_life);
  }
  // Actual: shuffled, in batches of 1, 7 and 100, plus a replay of everything.
  std::shuffle(signals.begin(), signals.end(), random);
  std::size_t i = 0;
  for (std::size_t size : {1, 7, 100, 1000}) {
    std::vector<domain::Signal> batch;
    for (; i < signals.size() && batch.size() < size; ++i) batch.push_back(signals[i]);
    Record(batch);
  }
  Record(signals);  // all duplicates: nothing changes
  for (const auto& [id, state] : expected) {
    const auto stored = Stored(id);
    EXPECT_EQ(stored.state.counts, state.counts) << id;
    const auto want = domain::Evaluate(state, policy_, now_);
    const auto got = domain::Evaluate(stored.state, policy_, now_);
    for (std::size_t k = 0; k < domain::kSignalKindCount; ++k) {
      EXPECT_NEAR(got.breakdown.by_kind[k], want.breakdown.by_kind[k], 1e-9) << id << " " << k;
    }
    EXPECT_NEAR(got.breakdown.monetary, want.breakdown.monetary, 1e-9) << id;
    EXPECT_NEAR(got.breakdown.recency, want.breakdown.recency, 1e-9) << id;
    EXPECT_NEAR(stored.score, want.score, 1e-9) << id;
    EXPECT_EQ(stored.band, want.band) << id;
  }
}

TEST_F(SignalIngestTest, APurchaseAcquiresASegmentedCustomer) {
  Move("alice", Stage::kSegmented, "smb");
  Move("bob", Stage::kSegmented, "smb");
  const auto result = Record({Make("alice", SignalKind::kPurchase, now_, 10),
                              Make("alice", SignalKind::kPurchase, now_, 20),
                              Make("bob", SignalKind::kActivity, now_),
                              Make("carol", SignalKind::kPurchase, now_, 5)});
  ASSERT_EQ(result.transitions.size(), 1u);
  const auto& move = result.transitions[0].transition;
  EXPECT_EQ(move.customer_id, "alice");
  EXPECT_EQ(move.from, Stage::kSegmented);
  EXPECT_EQ(move.to, Stage::kOnboarding);
  EXPECT_EQ(move.trigger, domain::Trigger::kSignal);
  EXPECT_EQ(move.actor, "system");
  EXPECT_EQ(move.sequence, 3);  // gapless after the two manual moves
  EXPECT_EQ(StageOf("alice"), "ONBOARDING");
  EXPECT_EQ(StageOf("bob"), "SEGMENTED");  // activity is not a purchase
  EXPECT_EQ(StageOf("carol"), "NEW");      // not segmented: nothing to acquire
}

TEST_F(SignalIngestTest, EngagementWhileLapsedIsAReacquaintanceOpportunityOnce) {
  Move("alice", Stage::kSegmented, "smb");
  Move("alice", Stage::kLapsed);
  EXPECT_EQ(Record({Make("alice", SignalKind::kComplaint, now_)}).reacquainted.size(), 0u);
  EXPECT_EQ(Record({Make("alice", SignalKind::kActivity, now_)}).reacquainted,
            std::vector<std::string>{"alice"});
  EXPECT_TRUE(Stored("alice").reacquaint_time.has_value());
  EXPECT_TRUE(Record({Make("alice", SignalKind::kPurchase, now_)}).reacquainted.empty());
  EXPECT_EQ(StageOf("alice"), "LAPSED");  // visible, not moved
}

TEST_F(SignalIngestTest, CustomerFactsShowTheStoredHealth) {
  Record({Make("alice", SignalKind::kPurchase, now_, 99),
          Make("alice", SignalKind::kPurchase, now_, 1),
          Make("alice", SignalKind::kComplaint, now_)});
  EXPECT_EQ(db_.Query("SELECT signal_counts::text FROM customer_facts WHERE customer_id = 'alice'"),
            R"({"PURCHASE": 2, "COMPLAINT": 1})");
  EXPECT_EQ(db_.Query("SELECT health_band FROM customer_facts WHERE customer_id = 'alice'"),
            "NEUTRAL");
  EXPECT_EQ(db_.Query("SELECT last_purchase_at IS NOT NULL AND last_activity_at IS NULL"
                      " FROM customer_facts WHERE customer_id = 'alice'"),
            "t");
  EXPECT_EQ(db_.Query("SELECT signal_counts::text || coalesce(health_score::text, 'null')"
                      " FROM customer_facts WHERE customer_id = 'bob'"),
            "{}null");
}

TEST_F(SignalIngestTest, AChangeOnALaterDaySnapshotsTheDayBefore) {
  Record({Make("alice", SignalKind::kComplaint, now_ - days(3))});
  // Pretend that write happened three days ago.
  db_.Query("UPDATE retention_health SET state_updated_at = now() - interval '3 days'");
  Record({Make("alice", SignalKind::kNps, now_, 10)});
  EXPECT_EQ(db_.Query("SELECT count(*) FROM retention_health_days"), "1");
  auto before = InTx([&](storage::HealthStore& store) {
    return store.StateBefore(tenant_, "alice", now_ - days(1));
  });
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->counts[domain::KindIndex(SignalKind::kComplaint)], 1);
  EXPECT_EQ(before->counts[domain::KindIndex(SignalKind::kNps)], 0);
  auto earlier = InTx([&](storage::HealthStore& store) {
    return store.StateBefore(tenant_, "alice", now_ - days(5));
  });
  EXPECT_FALSE(earlier.has_value());  // no signals yet then
  auto current = InTx([&](storage::HealthStore& store) {
    return store.StateBefore(tenant_, "alice", now_ + days(1));
  });
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->counts[domain::KindIndex(SignalKind::kNps)], 1);
}

// Ingest reads health without locks. A batch that read a customer before
// another batch's write committed must redo that customer over the new state
// (under its row lock), not overwrite it: both with a health row already
// there (a version moved on) and without one (both batches insert it).
class IngestRaceTest : public SignalIngestTest, public ::testing::WithParamInterface<bool> {
 protected:
  // True once a backend of this database waits for a row lock.
  bool SomeoneWaitsForALock() {
    return db_.Query(
               "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
               " AND wait_event_type = 'Lock'") != "0";
  }
};

TEST_P(IngestRaceTest, ABatchThatLostTheRaceRedoesTheCustomer) {
  const bool row_exists = GetParam();
  std::vector<domain::Signal> all;
  if (row_exists) {
    all.push_back(Make("alice", SignalKind::kActivity, now_));
    Record({all.back()});
  }
  const auto first = Make("alice", SignalKind::kComplaint, now_);
  const auto second = Make("alice", SignalKind::kPurchase, now_, 40);

  // The first batch writes alice and holds its transaction open until the
  // second batch, which read alice before that commit, waits on the row.
  std::atomic<bool> first_written{false}, second_waits{false};
  std::thread holder([&] {
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::RecordSignals(tx, tenant_, policy_, {first}, now_);
      first_written = true;
      while (!second_waits) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
  });
  while (!first_written) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  storage::Session other{storage::SessionOptions{.dsn = db_.dsn()}};
  std::thread racer([&] {
    other.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      return storage::RecordSignals(tx, tenant_, policy_, {second}, now_);
    });
  });
  while (!SomeoneWaitsForALock()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  second_waits = true;
  holder.join();
  racer.join();

  domain::HealthState expected;
  all.push_back(first);
  all.push_back(second);
  for (const auto& s : all) {
    domain::AddSignal(expected, s, domain::Impact(s, policy_), policy_.half_life);
  }
  const auto stored = Stored("alice");
  EXPECT_EQ(stored.state.counts, expected.counts);
  EXPECT_NEAR(stored.state.spend, 40, 1e-9);
  EXPECT_NEAR(stored.score, domain::Evaluate(expected, policy_, now_).score, 1e-9);
  EXPECT_EQ(db_.Query("SELECT state_version FROM retention_health WHERE customer_id = 'alice'"),
            row_exists ? "3" : "2");
}

INSTANTIATE_TEST_SUITE_P(HealthRow, IngestRaceTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Exists" : "IsNew"; });

TEST_F(SignalIngestTest, PolicyRoundTripsAndVersionsGuardUpdates) {
  auto policy = domain::DefaultRetentionPolicy();
  policy.weights[domain::KindIndex(SignalKind::kComplaint)] = 7.25;
  policy.half_life = days(14);
  policy.segment_lapse_after = {{"annual", days(400)}, {"weekly", days(21)}};
  session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    storage::RetentionPolicyStore store(tx);
    EXPECT_EQ(store.Get(tenant_).version, 0);
    const auto stored = store.Put(tenant_, policy, 0);
    EXPECT_EQ(stored.version, 1);
    EXPECT_EQ(stored.Weight(SignalKind::kComplaint), 7.25);
    EXPECT_EQ(stored.half_life, days(14));
    ASSERT_EQ(stored.segment_lapse_after.size(), 2u);
    EXPECT_EQ(stored.LapseAfter("weekly"), days(21));
    EXPECT_EQ(store.Put(tenant_, policy, std::nullopt).version, 2);
  });
}

TEST_F(SignalIngestTest, AStaleExpectedVersionIsAborted) {
  try {
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::RetentionPolicyStore(tx).Put(tenant_, policy_, 3);
    });
    FAIL() << "expected ABORTED";
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::kAborted);
    EXPECT_EQ(error.reason(), "VERSION_MISMATCH");
  }
}

// ------------------------------------------------------------ lapse sweep

class LapseSweepTest : public SignalIngestTest {
 protected:
  storage::SweepResult Sweep(domain::Timestamp at) {
    return storage::SweepTenant(session_, storage::TxOptions{}, tenant_, at, 2);
  }
};

TEST_F(LapseSweepTest, MovesOnlyActiveCustomersQuietForTheirWindow) {
  for (const char* id : {"dave", "erin", "frank", "grace"}) CreateCustomer(id);
  for (const char* id : {"alice", "bob", "carol", "dave", "erin", "frank"}) {
    Move(id, Stage::kSegmented, std::string(id) == "frank" ? "annual" : "smb");
  }
  Move("carol", Stage::kOnboarding);
  policy_.segment_lapse_after = {{"annual", days(400)}};
  session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    storage::RetentionPolicyStore(tx).Put(tenant_, policy_, std::nullopt);
  });
  const auto later = now_ + days(90);
  Record({Make("alice", SignalKind::kActivity, later - days(10)),   // recent: stays
          Make("bob", SignalKind::kPurchase, later - days(70), 5),  // quiet 70 d: lapses
          Make("dave", SignalKind::kComplaint, later - days(1))});  // complaints are not engagement
  // carol: quiet since her move (90 d) -> lapses; erin: same -> lapses;
  // frank: segment window 400 d -> stays; grace: NEW cannot lapse -> stays.
  const auto result = Sweep(later);
  EXPECT_EQ(result.lapsed, 4);
  for (const char* id : {"bob", "carol", "dave", "erin"}) EXPECT_EQ(StageOf(id), "LAPSED") << id;
  EXPECT_EQ(StageOf("alice"), "SEGMENTED");
  EXPECT_EQ(StageOf("frank"), "SEGMENTED");
  EXPECT_EQ(StageOf("grace"), "NEW");
  EXPECT_EQ(db_.Query("SELECT string_agg(DISTINCT trigger || '/' || actor, ',') FROM"
                      " stage_transitions WHERE to_stage = 'LAPSED'"),
            "LAPSE_SWEEP/system");
  EXPECT_EQ(db_.Query("SELECT max(sequence) = count(*) FROM stage_transitions"), "t");
  EXPECT_EQ(Sweep(later).lapsed, 0);  // already lapsed: nothing more
}

TEST_F(LapseSweepTest, RescoresStoredBandsAsScoresDecay) {
  Record({Make("alice", SignalKind::kActivity, now_)});
  EXPECT_EQ(Stored("alice").band, domain::HealthBand::kNeutral);
  const auto result = Sweep(now_ + days(120));
  EXPECT_EQ(result.rescored, 1);
  const auto stored = Stored("alice");
  EXPECT_EQ(stored.band, domain::HealthBand::kAtRisk);
  EXPECT_NEAR(stored.score, domain::Evaluate(stored.state, policy_, now_ + days(120)).score, 1e-9);
  EXPECT_EQ(Sweep(now_ + days(120)).rescored, 0);
}

}  // namespace
}  // namespace lifecycle
