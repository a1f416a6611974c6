// LifecycleStore against a real PostgreSQL: one fresh database per test.
// Transitions write the stage and one log row atomically, sequences are
// gapless per tenant and commit in order, and reads see what was written.

#include "storage/lifecycle_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/domain/error.h"
#include "server/domain/role.h"
#include "server/domain/stage_transition.h"
#include "storage/customer_store.h"
#include "storage/segment_store.h"
#include "storage/session.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"
#include "tests/support/segment_fixtures.h"
#include "tests/support/store_test.h"
#include "tests/support/test_database.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using domain::Role;
using domain::Stage;
using domain::Trigger;
using std::chrono::microseconds;

using Metadata = std::map<std::string, std::string>;

// A validated TransitionCommand, as the api layer would build it.
struct Move {
  std::string customer_id;
  Stage to;
  std::string segment_id = "";
  std::string reason = "";
  Role role = Role::kService;
  std::string override_reason = "";
  Trigger trigger = Trigger::kManual;
  std::optional<std::int64_t> expected_version = std::nullopt;
  std::string actor = "key-service";
  std::string request_id = "";

  domain::TransitionCommand Command() const {
    domain::TransitionCommand command;
    command.customer_id = customer_id;
    command.to = to;
    command.trigger = trigger;
    command.actor = actor;
    command.actor_role = role;
    command.reason = reason;
    command.override_reason = override_reason;
    command.request_id = request_id;
    command.expected_version = expected_version;
    command.segment_id = segment_id;
    return command;
  }
};

std::vector<std::int64_t> Sequences(const std::vector<domain::StageTransition>& transitions) {
  std::vector<std::int64_t> sequences;
  for (const auto& transition : transitions) sequences.push_back(transition.sequence);
  return sequences;
}

std::vector<std::int64_t> Range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> range;
  for (std::int64_t i = first; i <= last; ++i) range.push_back(i);
  return range;
}

class LifecycleStoreTest : public testing::StoreTest<storage::LifecycleStore> {
 protected:
  // Most moves here assign segment "s"; some call the store directly.
  void SetUp() override { testing::EnsureSegment(session_, tenant_, "s"); }

  domain::Customer CreateCustomer(const std::string& customer_id) {
    return CreateCustomerIn(tenant_, customer_id);
  }

  domain::Customer CreateCustomerIn(const std::string& tenant, const std::string& customer_id) {
    return session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      return storage::CustomerStore(tx).Create(tenant, customer_id, "{}");
    });
  }

  storage::TransitionOutcome Apply(const Move& move) { return ApplyIn(tenant_, move); }

  storage::TransitionOutcome ApplyIn(const std::string& tenant, const Move& move) {
    testing::EnsureSegment(session_, tenant, move.segment_id);
    return InTx(
        [&](storage::LifecycleStore& store) { return store.Apply(tenant, move.Command()); });
  }

  std::optional<domain::Error> ApplyError(const Move& move) {
    testing::EnsureSegment(session_, tenant_, move.segment_id);
    return ErrorFrom([&](storage::LifecycleStore& store) { store.Apply(tenant_, move.Command()); });
  }

  std::optional<domain::StageSnapshot> GetStage(const std::string& customer_id) {
    return InTx(
        [&](storage::LifecycleStore& store) { return store.GetStage(tenant_, customer_id); });
  }

  std::optional<domain::StageSnapshot> StageAsOf(const std::string& customer_id,
                                                 domain::Timestamp as_of) {
    return InTx([&](storage::LifecycleStore& store) {
      return store.GetStageAsOf(tenant_, customer_id, as_of);
    });
  }

  std::vector<domain::StageTransition> History(const std::string& customer_id,
                                               std::optional<std::int64_t> before, int limit) {
    return InTx([&](storage::LifecycleStore& store) {
      return store.History(tenant_, customer_id, before, limit);
    });
  }

  std::vector<domain::StageTransition> After(const std::string& tenant, std::int64_t after,
                                             int limit) {
    return InTx([&](storage::LifecycleStore& store) { return store.After(tenant, after, limit); });
  }

  // Stage, segment and version of a customer as the database has them.
  std::string Row(const std::string& customer_id) {
    return db_.Query(
        "SELECT stage || ' ' || coalesce(segment_id, '-') || ' v' || version FROM customers"
        " WHERE customer_id = '" +
        customer_id + "'");
  }

  // The rows a failed move must not have touched.
  std::string Footprint() {
    return db_.Query(
        "SELECT (SELECT string_agg(customer_id || ':' || stage || ':' || version || ':' ||"
        " coalesce(segment_id, '-') || ':' || stage_entered_at || ':' || updated_at, ','"
        " ORDER BY customer_id) FROM customers) || ' | ' ||"
        " (SELECT count(*) FROM stage_transitions) || ' | ' ||"
        " coalesce((SELECT string_agg(last_sequence::text, ',') FROM tenant_sequences), 'none')");
  }
};

// ---------------------------------------------------------------- Apply

TEST_F(LifecycleStoreTest, ApplyWritesStageAndOneLogRow) {
  const domain::Customer created = CreateCustomer("cust-1");
  ASSERT_EQ(created.stage, Stage::kNew);

  const auto outcome = Apply({.customer_id = "cust-1",
                              .to = Stage::kSegmented,
                              .segment_id = "seg-1",
                              .reason = "placed by rules",
                              .trigger = Trigger::kSegmentation,
                              .actor = "key-7",
                              .request_id = "req-1"});

  const domain::StageSnapshot& stage = outcome.stage;
  EXPECT_EQ(stage.customer_id, "cust-1");
  EXPECT_EQ(stage.stage, Stage::kSegmented);
  EXPECT_EQ(stage.segment_id, "seg-1");
  EXPECT_EQ(stage.version, created.version + 1);
  EXPECT_GT(stage.stage_enter_time, created.stage_enter_time);

  const domain::StageTransition& logged = outcome.transition;
  EXPECT_EQ(logged.sequence, 1);
  EXPECT_EQ(logged.customer_id, "cust-1");
  EXPECT_EQ(logged.from, Stage::kNew);
  EXPECT_EQ(logged.to, Stage::kSegmented);
  EXPECT_EQ(logged.trigger, Trigger::kSegmentation);
  EXPECT_EQ(logged.actor, "key-7");
  EXPECT_EQ(logged.reason, "placed by rules");
  EXPECT_EQ(logged.override_reason, "");
  EXPECT_EQ(logged.request_id, "req-1");
  EXPECT_EQ(logged.segment_id, "seg-1");
  EXPECT_EQ(logged.from_enter_time, created.stage_enter_time);
  EXPECT_EQ(logged.occur_time, stage.stage_enter_time);

  // What a reader sees afterwards is what Apply returned.
  const auto read = GetStage("cust-1");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->stage, Stage::kSegmented);
  EXPECT_EQ(read->segment_id, "seg-1");
  EXPECT_EQ(read->version, 2);
  EXPECT_EQ(read->stage_enter_time, stage.stage_enter_time);

  // And the database holds exactly that: one row, text columns as named.
  EXPECT_EQ(Row("cust-1"), "SEGMENTED seg-1 v2");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "1");
  EXPECT_EQ(db_.Query("SELECT sequence || ' ' || from_stage || ' ' || to_stage || ' ' || trigger"
                      " || ' ' || actor || ' ' || request_id FROM stage_transitions"),
            "1 NEW SEGMENTED SEGMENTATION key-7 req-1");
  EXPECT_EQ(db_.Query("SELECT (t.from_entered_at = c.created_at AND"
                      " t.occurred_at = c.stage_entered_at AND c.updated_at = c.stage_entered_at)"
                      "::text FROM stage_transitions t JOIN customers c USING (tenant_id,"
                      " customer_id)"),
            "true");
  EXPECT_EQ(
      db_.Query("SELECT last_sequence FROM tenant_sequences WHERE tenant_id = '" + tenant_ + "'"),
      "1");
}

TEST_F(LifecycleStoreTest, FromEnteredAtIsWhenThePreviousStageWasEntered) {
  CreateCustomer("cust-1");
  const auto first = Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  const auto second = Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  const auto third = Apply({.customer_id = "cust-1", .to = Stage::kLapsed});

  EXPECT_EQ(second.transition.from_enter_time, first.stage.stage_enter_time);
  EXPECT_EQ(third.transition.from_enter_time, second.stage.stage_enter_time);
  EXPECT_EQ(second.transition.from, Stage::kSegmented);
  EXPECT_EQ(third.transition.from, Stage::kOnboarding);
  EXPECT_EQ(Sequences({first.transition, second.transition, third.transition}),
            (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(third.stage.version, 4);
}

// A move without segment_id keeps the customer's segment, in the row and in
// the log ("the customer's segment after the move").
TEST_F(LifecycleStoreTest, MoveWithoutSegmentKeepsTheSegment) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "seg-1"});
  const auto outcome = Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  EXPECT_EQ(outcome.stage.segment_id, "seg-1");
  EXPECT_EQ(outcome.transition.segment_id, "seg-1");
  EXPECT_EQ(Row("cust-1"), "ONBOARDING seg-1 v3");
}

// Re-segmentation of a lapsed customer may assign a new segment.
TEST_F(LifecycleStoreTest, MoveWithSegmentReplacesTheSegment) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "seg-1"});
  Apply({.customer_id = "cust-1", .to = Stage::kLapsed, .trigger = Trigger::kLapseSweep});
  const auto outcome = Apply({.customer_id = "cust-1",
                              .to = Stage::kSegmented,
                              .segment_id = "seg-2",
                              .trigger = Trigger::kSegmentation});
  EXPECT_EQ(outcome.stage.segment_id, "seg-2");
  EXPECT_EQ(outcome.transition.segment_id, "seg-2");
  EXPECT_EQ(outcome.transition.from, Stage::kLapsed);
  EXPECT_EQ(Row("cust-1"), "SEGMENTED seg-2 v4");
}

TEST_F(LifecycleStoreTest, SequencesArePerTenantAndIndependent) {
  const std::string other = db_.CreateTenant("globex");
  CreateCustomer("cust-1");
  CreateCustomerIn(other, "cust-1");  // the same id in another tenant
  CreateCustomerIn(other, "cust-2");

  std::vector<std::int64_t> mine;
  std::vector<std::int64_t> theirs;
  mine.push_back(Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"})
                     .transition.sequence);
  theirs.push_back(
      ApplyIn(other, {.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"})
          .transition.sequence);
  theirs.push_back(
      ApplyIn(other, {.customer_id = "cust-2", .to = Stage::kSegmented, .segment_id = "s"})
          .transition.sequence);
  mine.push_back(Apply({.customer_id = "cust-1", .to = Stage::kOnboarding}).transition.sequence);
  mine.push_back(Apply({.customer_id = "cust-1", .to = Stage::kLapsed}).transition.sequence);
  theirs.push_back(
      ApplyIn(other, {.customer_id = "cust-1", .to = Stage::kOnboarding}).transition.sequence);

  EXPECT_EQ(mine, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(theirs, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(db_.Query("SELECT string_agg(last_sequence::text, ',' ORDER BY last_sequence)"
                      " FROM tenant_sequences"),
            "3,3");
  // The same customer id in the other tenant was not touched by my moves.
  EXPECT_EQ(db_.Query("SELECT stage || ' v' || version FROM customers WHERE tenant_id = '" + other +
                      "' AND customer_id = 'cust-1'"),
            "ONBOARDING v3");
}

// -------------------------------------------------- refusals and atomicity

TEST_F(LifecycleStoreTest, DisallowedMoveThrowsAndWritesNothing) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();

  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kRetained});

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error->reason(), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(error->metadata(),
            (Metadata{{"from", "NEW"}, {"to", "RETAINED"}, {"trigger", "MANUAL"}}));
  EXPECT_EQ(Footprint(), before);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM tenant_sequences"), "0");
  EXPECT_EQ(Row("cust-1"), "NEW - v1");
}

// A refusal after earlier moves neither bumps the sequence nor leaves a gap.
TEST_F(LifecycleStoreTest, RefusalBetweenMovesLeavesNoGap) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  const std::string before = Footprint();

  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kExtended});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(Footprint(), before);

  const auto next = Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  EXPECT_EQ(next.transition.sequence, 2);
  EXPECT_EQ(next.stage.version, 3);
}

TEST_F(LifecycleStoreTest, SelfTransitionIsNotAllowed) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();
  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kNew, .reason = "again"});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error->reason(), "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(Footprint(), before);
}

TEST_F(LifecycleStoreTest, FailedGuardThrowsAndWritesNothing) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();

  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kSegmented});

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error->reason(), "GUARD_FAILED");
  EXPECT_EQ(error->metadata().at("guard"), "HAS_SEGMENT");
  EXPECT_EQ(error->metadata().at("missing"), "segment_id");
  EXPECT_EQ(Footprint(), before);
}

TEST_F(LifecycleStoreTest, BackwardsMoveWithoutReasonIsRefused) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  const std::string before = Footprint();

  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kNew});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error->reason(), "REASON_REQUIRED");
  EXPECT_EQ(error->metadata().at("missing"), "reason");
  EXPECT_EQ(Footprint(), before);

  const auto back = Apply({.customer_id = "cust-1", .to = Stage::kNew, .reason = "mis-segmented"});
  EXPECT_EQ(back.transition.reason, "mis-segmented");
  EXPECT_EQ(back.stage.stage, Stage::kNew);
}

// Stage and log row commit together: an error later in the same
// transaction takes the move back, sequence included.
TEST_F(LifecycleStoreTest, ErrorLaterInTheSameRunRollsTheMoveBack) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();
  bool applied = false;

  try {
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::LifecycleStore store(tx);
      store.Apply(
          tenant_,
          Move{.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"}.Command());
      applied = true;
      throw domain::Error::Internal("a later step failed");
    });
    ADD_FAILURE() << "Run did not rethrow";
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
  }

  ASSERT_TRUE(applied);
  EXPECT_EQ(Footprint(), before);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "0");
  EXPECT_EQ(GetStage("cust-1")->stage, Stage::kNew);
  // The rolled-back sequence number is handed out again: no gap.
  EXPECT_EQ(Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"})
                .transition.sequence,
            1);
}

TEST_F(LifecycleStoreTest, StaleExpectedVersionIsAbortedWithVersionMismatch) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();

  auto error = ApplyError(
      {.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s", .expected_version = 5});

  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kAborted);
  EXPECT_EQ(error->reason(), "VERSION_MISMATCH");
  EXPECT_EQ(error->metadata(), (Metadata{{"expected_version", "5"}, {"actual_version", "1"}}));
  EXPECT_EQ(Footprint(), before);

  const auto outcome = Apply(
      {.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s", .expected_version = 1});
  EXPECT_EQ(outcome.stage.version, 2);
  // The version checked is the current one, not the first.
  error = ApplyError({.customer_id = "cust-1", .to = Stage::kOnboarding, .expected_version = 1});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kAborted);
}

// The version is checked before the rules: a stale writer learns that it
// is stale, not that its (outdated) move is not allowed.
TEST_F(LifecycleStoreTest, VersionIsCheckedBeforeTheRules) {
  CreateCustomer("cust-1");
  auto error = ApplyError({.customer_id = "cust-1", .to = Stage::kExtended, .expected_version = 7});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kAborted);
}

TEST_F(LifecycleStoreTest, UnknownCustomerIsNotFound) {
  auto error = ApplyError({.customer_id = "nobody", .to = Stage::kSegmented, .segment_id = "s"});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM tenant_sequences"), "0");
}

TEST_F(LifecycleStoreTest, AnotherTenantsCustomerIsNotFound) {
  const std::string other = db_.CreateTenant("globex");
  CreateCustomerIn(other, "theirs");
  auto error = ApplyError({.customer_id = "theirs", .to = Stage::kSegmented, .segment_id = "s"});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
  EXPECT_EQ(db_.Query("SELECT stage FROM customers WHERE customer_id = 'theirs'"), "NEW");
}

TEST_F(LifecycleStoreTest, AssigningAnUnknownOrRetiredSegmentIsRefusedAndChangesNothing) {
  CreateCustomer("cust-1");
  const std::string before = Footprint();
  auto unknown = ErrorFrom([&](storage::LifecycleStore& store) {
    store.Apply(
        tenant_,
        Move{.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "nowhere"}.Command());
  });
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown->message(), "segment 'nowhere' not found");

  testing::EnsureSegment(session_, tenant_, "old");
  session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
    storage::SegmentStore(tx).Retire(tenant_, "old", std::nullopt);
  });
  auto retired = ErrorFrom([&](storage::LifecycleStore& store) {
    store.Apply(
        tenant_,
        Move{.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "old"}.Command());
  });
  ASSERT_TRUE(retired);
  EXPECT_EQ(retired->code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(retired->reason(), "SEGMENT_RETIRED");
  EXPECT_EQ(Footprint(), before);
}

TEST_F(LifecycleStoreTest, AssignedSegmentIsLoggedWithItsVersionAndThePreviousSegment) {
  CreateCustomer("cust-1");
  const auto first = Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "a"});
  EXPECT_EQ(first.transition.segment_id, "a");
  EXPECT_EQ(first.transition.previous_segment_id, "");
  EXPECT_EQ(first.transition.segment_version, 1);

  const auto onboard = Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  EXPECT_EQ(onboard.transition.segment_id, "a");
  EXPECT_EQ(onboard.transition.segment_version, 0);  // the segment did not change

  const auto back = Apply({.customer_id = "cust-1",
                           .to = Stage::kSegmented,
                           .segment_id = "b",
                           .reason = "wrong segment"});
  EXPECT_EQ(back.transition.previous_segment_id, "a");
  EXPECT_EQ(back.transition.segment_id, "b");
  EXPECT_EQ(back.transition.segment_version, 1);
}

// ------------------------------------------------------------ overrides

TEST_F(LifecycleStoreTest, OverrideIsRecordedWhenItPassedAFailedGuard) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  Apply({.customer_id = "cust-1", .to = Stage::kRetained});
  // Nobody holds two products yet, so RETAINED -> EXTENDED needs an override.
  const std::string before = Footprint();
  auto refused = ApplyError({.customer_id = "cust-1",
                             .to = Stage::kExtended,
                             .role = Role::kService,
                             .override_reason = "bundle deal"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason(), "GUARD_FAILED");
  EXPECT_EQ(refused->metadata().at("guard"), "HOLDS_CROSS_SOLD_PRODUCT");
  EXPECT_EQ(refused->metadata().count("override"), 1u);
  EXPECT_EQ(Footprint(), before);

  const auto outcome = Apply({.customer_id = "cust-1",
                              .to = Stage::kExtended,
                              .role = Role::kSupport,
                              .override_reason = "bundle deal",
                              .actor = "key-support"});
  EXPECT_EQ(outcome.stage.stage, Stage::kExtended);
  EXPECT_EQ(outcome.transition.override_reason, "bundle deal");
  EXPECT_EQ(outcome.transition.actor, "key-support");
  EXPECT_EQ(db_.Query("SELECT override_reason FROM stage_transitions WHERE to_stage = 'EXTENDED'"),
            "bundle deal");
}

TEST_F(LifecycleStoreTest, OverrideIsNotRecordedWhenTheGuardHeld) {
  CreateCustomer("cust-1");
  const auto outcome = Apply({.customer_id = "cust-1",
                              .to = Stage::kSegmented,
                              .segment_id = "seg-1",
                              .role = Role::kAdmin,
                              .override_reason = "not needed"});
  EXPECT_EQ(outcome.transition.override_reason, "");
  EXPECT_EQ(db_.Query("SELECT '[' || override_reason || ']' FROM stage_transitions"), "[]");
}

TEST_F(LifecycleStoreTest, OverrideWithoutSegmentSegmentsWithoutOne) {
  CreateCustomer("cust-1");
  const auto outcome = Apply({.customer_id = "cust-1",
                              .to = Stage::kSegmented,
                              .role = Role::kAdmin,
                              .override_reason = "manual placement"});
  EXPECT_EQ(outcome.stage.stage, Stage::kSegmented);
  EXPECT_EQ(outcome.stage.segment_id, "");
  EXPECT_EQ(outcome.transition.override_reason, "manual placement");
  EXPECT_EQ(Row("cust-1"), "SEGMENTED - v2");
}

// ------------------------------------------------------------- reads

TEST_F(LifecycleStoreTest, GetStageOfMissingCustomerIsNothing) {
  EXPECT_FALSE(GetStage("nobody").has_value());
}

TEST_F(LifecycleStoreTest, GetStageOfNewCustomer) {
  const auto created = CreateCustomer("cust-1");
  const auto stage = GetStage("cust-1");
  ASSERT_TRUE(stage.has_value());
  EXPECT_EQ(stage->customer_id, "cust-1");
  EXPECT_EQ(stage->stage, Stage::kNew);
  EXPECT_EQ(stage->segment_id, "");
  EXPECT_EQ(stage->version, 1);
  EXPECT_EQ(stage->stage_enter_time, created.stage_enter_time);
}

// Ids are passed as one text[] literal: quotes, backslashes, commas,
// braces, blanks and the word NULL must all arrive as the same strings.
TEST_F(LifecycleStoreTest, GetStagesEscapesTheArrayLiteral) {
  const std::vector<std::string> awkward = {
      R"(a"b)", R"(a\b)", "a,b",   "{x}",        "}",   "{",  "NULL",     "null",
      R"(")",   R"(\)",   R"(\")", R"(a\",{c})", "x y", "()", "'quoted'", "end\\"};
  for (const auto& id : awkward) CreateCustomer(id);
  // Decoys a broken literal would match instead (split on the comma,
  // unescaped, or read as NULL).
  for (const char* id : {"a", "b", "x", "c", "ab", "y"}) CreateCustomer(id);

  std::vector<std::string> asked = awkward;
  asked.push_back("missing-1");
  asked.push_back("missing,2");
  const auto stages =
      InTx([&](storage::LifecycleStore& store) { return store.GetStages(tenant_, asked); });

  std::multiset<std::string> got;
  for (const auto& stage : stages) {
    got.insert(stage.customer_id);
    EXPECT_EQ(stage.stage, Stage::kNew) << stage.customer_id;
    EXPECT_EQ(stage.version, 1) << stage.customer_id;
  }
  EXPECT_EQ(got, std::multiset<std::string>(awkward.begin(), awkward.end()));
}

TEST_F(LifecycleStoreTest, GetStagesSkipsMissingAndOtherTenantsIds) {
  const std::string other = db_.CreateTenant("globex");
  CreateCustomer("cust-1");
  CreateCustomer("cust-2");
  CreateCustomerIn(other, "theirs");
  Apply({.customer_id = "cust-2", .to = Stage::kSegmented, .segment_id = "seg-9"});

  const auto stages = InTx([&](storage::LifecycleStore& store) {
    return store.GetStages(tenant_, {"cust-2", "missing", "theirs", "cust-1"});
  });

  std::map<std::string, domain::StageSnapshot> by_id;
  for (const auto& stage : stages) by_id.emplace(stage.customer_id, stage);
  ASSERT_EQ(by_id.size(), 2u);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(by_id.at("cust-1").stage, Stage::kNew);
  EXPECT_EQ(by_id.at("cust-2").stage, Stage::kSegmented);
  EXPECT_EQ(by_id.at("cust-2").segment_id, "seg-9");
  EXPECT_EQ(by_id.at("cust-2").version, 2);
}

TEST_F(LifecycleStoreTest, GetStagesOfNoIdsIsEmpty) {
  CreateCustomer("cust-1");
  EXPECT_TRUE(
      InTx([&](storage::LifecycleStore& store) { return store.GetStages(tenant_, {}); }).empty());
}

TEST_F(LifecycleStoreTest, GetStageAsOfReconstructsThePast) {
  const auto created = CreateCustomer("cust-1");
  const auto first = Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s1"});
  const auto second = Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});
  const domain::Timestamp t0 = created.create_time;
  const domain::Timestamp t1 = first.transition.occur_time;
  const domain::Timestamp t2 = second.transition.occur_time;
  ASSERT_LT(t0, t1);
  ASSERT_LT(t1, t2);

  // Before the customer existed: nothing.
  EXPECT_FALSE(StageAsOf("cust-1", t0 - microseconds(1)).has_value());

  // From creation until the first move: NEW since creation.
  for (domain::Timestamp as_of : {t0, t1 - microseconds(1)}) {
    const auto stage = StageAsOf("cust-1", as_of);
    ASSERT_TRUE(stage.has_value());
    EXPECT_EQ(stage->customer_id, "cust-1");
    EXPECT_EQ(stage->stage, Stage::kNew);
    EXPECT_EQ(stage->segment_id, "");
    EXPECT_EQ(stage->version, 0);
    EXPECT_EQ(stage->stage_enter_time, t0);
  }

  // Between the moves: the stage then, entered at the first move.
  for (domain::Timestamp as_of : {t1, t2 - microseconds(1)}) {
    const auto stage = StageAsOf("cust-1", as_of);
    ASSERT_TRUE(stage.has_value());
    EXPECT_EQ(stage->stage, Stage::kSegmented);
    EXPECT_EQ(stage->segment_id, "s1");
    EXPECT_EQ(stage->version, 0);
    EXPECT_EQ(stage->stage_enter_time, t1);
  }

  // From the second move on, and in the future: the current stage.
  for (domain::Timestamp as_of : {t2, t2 + std::chrono::hours(24 * 365)}) {
    const auto stage = StageAsOf("cust-1", as_of);
    ASSERT_TRUE(stage.has_value());
    EXPECT_EQ(stage->stage, Stage::kOnboarding);
    EXPECT_EQ(stage->segment_id, "s1");
    EXPECT_EQ(stage->stage_enter_time, t2);
  }
  EXPECT_EQ(second.stage.stage_enter_time, t2);
}

TEST_F(LifecycleStoreTest, GetStageAsOfUnknownCustomerIsNothing) {
  CreateCustomer("cust-1");
  EXPECT_FALSE(StageAsOf("nobody", std::chrono::system_clock::now()).has_value());
}

TEST_F(LifecycleStoreTest, HistoryIsNewestFirstAndPagesWithBefore) {
  CreateCustomer("cust-1");
  CreateCustomer("cust-2");
  // Interleave another customer so cust-1's sequences are not contiguous.
  const std::vector<Move> moves = {
      {.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"},
      {.customer_id = "cust-2", .to = Stage::kSegmented, .segment_id = "s"},
      {.customer_id = "cust-1", .to = Stage::kOnboarding},
      {.customer_id = "cust-1", .to = Stage::kLapsed, .trigger = Trigger::kLapseSweep},
      {.customer_id = "cust-2", .to = Stage::kOnboarding, .trigger = Trigger::kSignal},
      {.customer_id = "cust-1", .to = Stage::kOnboarding, .trigger = Trigger::kSignal},
      {.customer_id = "cust-1", .to = Stage::kRetained, .trigger = Trigger::kChecklistCompleted},
  };
  std::vector<std::int64_t> mine;
  for (const auto& move : moves) {
    const auto outcome = Apply(move);
    if (move.customer_id == "cust-1") mine.push_back(outcome.transition.sequence);
  }
  std::reverse(mine.begin(), mine.end());
  ASSERT_EQ(mine, (std::vector<std::int64_t>{7, 6, 4, 3, 1}));

  const auto all = History("cust-1", std::nullopt, 100);
  EXPECT_EQ(Sequences(all), mine);
  for (const auto& transition : all) EXPECT_EQ(transition.customer_id, "cust-1");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().to, Stage::kRetained);
  EXPECT_EQ(all.front().trigger, Trigger::kChecklistCompleted);
  EXPECT_EQ(all.back().from, Stage::kNew);
  // Each move starts where the previous one ended.
  for (std::size_t i = 0; i + 1 < all.size(); ++i) EXPECT_EQ(all[i].from, all[i + 1].to);

  // Pages of two, each resuming below the last sequence served.
  std::vector<std::int64_t> paged;
  std::optional<std::int64_t> before;
  for (int page = 0; page < 10; ++page) {
    const auto rows = History("cust-1", before, 2);
    EXPECT_LE(rows.size(), 2u);
    if (rows.empty()) break;
    for (const auto& row : rows) paged.push_back(row.sequence);
    before = rows.back().sequence;
  }
  EXPECT_EQ(paged, mine);

  EXPECT_EQ(Sequences(History("cust-1", 4, 100)), (std::vector<std::int64_t>{3, 1}));
  EXPECT_TRUE(History("cust-1", 1, 100).empty());
  EXPECT_TRUE(History("nobody", std::nullopt, 100).empty());
}

TEST_F(LifecycleStoreTest, HistoryOfOneTenantDoesNotShowAnothers) {
  const std::string other = db_.CreateTenant("globex");
  CreateCustomer("cust-1");
  CreateCustomerIn(other, "cust-1");
  ApplyIn(other, {.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "theirs"});
  EXPECT_TRUE(History("cust-1", std::nullopt, 100).empty());
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "mine"});
  const auto rows = History("cust-1", std::nullopt, 100);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].segment_id, "mine");
}

TEST_F(LifecycleStoreTest, CustomerExists) {
  CreateCustomer("cust-1");
  EXPECT_TRUE(InTx(
      [&](storage::LifecycleStore& store) { return store.CustomerExists(tenant_, "cust-1"); }));
  EXPECT_FALSE(InTx(
      [&](storage::LifecycleStore& store) { return store.CustomerExists(tenant_, "cust-2"); }));
}

TEST_F(LifecycleStoreTest, AfterReturnsOnlyThatTenantInSequenceOrder) {
  const std::string other = db_.CreateTenant("globex");
  CreateCustomer("mine");
  CreateCustomerIn(other, "theirs");
  Apply({.customer_id = "mine", .to = Stage::kSegmented, .segment_id = "s"});
  ApplyIn(other, {.customer_id = "theirs", .to = Stage::kSegmented, .segment_id = "s"});
  ApplyIn(other, {.customer_id = "theirs", .to = Stage::kOnboarding});
  Apply({.customer_id = "mine", .to = Stage::kOnboarding});
  Apply({.customer_id = "mine", .to = Stage::kLapsed});
  Apply({.customer_id = "mine", .to = Stage::kOnboarding});
  ApplyIn(other, {.customer_id = "theirs", .to = Stage::kLapsed});

  const auto mine = After(tenant_, 0, 100);
  EXPECT_EQ(Sequences(mine), Range(1, 4));
  for (const auto& row : mine) EXPECT_EQ(row.customer_id, "mine");
  ASSERT_EQ(mine.size(), 4u);
  EXPECT_EQ(mine[3].from, Stage::kLapsed);
  EXPECT_EQ(mine[3].to, Stage::kOnboarding);

  const auto theirs = After(other, 0, 100);
  EXPECT_EQ(Sequences(theirs), Range(1, 3));
  for (const auto& row : theirs) EXPECT_EQ(row.customer_id, "theirs");

  EXPECT_EQ(Sequences(After(tenant_, 1, 2)), Range(2, 3));
  EXPECT_EQ(Sequences(After(tenant_, 3, 100)), Range(4, 4));
  EXPECT_TRUE(After(tenant_, 4, 100).empty());
  EXPECT_TRUE(After(db_.CreateTenant("initech"), 0, 100).empty());
}

// ------------------------------------------------------- concurrency

// 20 writers, each on its own connection, move different customers of one
// tenant at once. Meanwhile a reader follows the log the way
// WatchLifecycleEvents does, always asking for what comes after the last
// sequence it saw. Because sequence order is commit order, it must see
// 1, 2, 3, ... with no gap: a gap would mean a later sequence committed
// first and the reader, moving past it, would lose the earlier one forever.
TEST_F(LifecycleStoreTest, ConcurrentMovesGetGaplessSequencesInCommitOrder) {
  constexpr int kWriters = 20;
  constexpr int kMovesPerWriter = 10;
  constexpr std::int64_t kTotal = kWriters * kMovesPerWriter;
  for (int w = 0; w < kWriters; ++w) CreateCustomer("cust-" + std::to_string(w));

  std::mutex mutex;
  std::vector<std::string> failures;
  auto fail = [&](std::string what) {
    std::lock_guard lock(mutex);
    failures.push_back(std::move(what));
  };

  std::atomic<int> writers_left{kWriters};
  std::latch start(kWriters + 1);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const std::string id = "cust-" + std::to_string(w);
      storage::Session session(storage::SessionOptions{.dsn = db_.dsn()});
      // NEW -> SEGMENTED -> ONBOARDING, then ONBOARDING <-> LAPSED.
      std::vector<Move> moves = {{.customer_id = id, .to = Stage::kSegmented, .segment_id = "s"},
                                 {.customer_id = id, .to = Stage::kOnboarding}};
      while (moves.size() < kMovesPerWriter) {
        moves.push_back(
            {.customer_id = id, .to = moves.size() % 2 == 0 ? Stage::kLapsed : Stage::kOnboarding});
      }
      start.arrive_and_wait();
      try {
        for (const auto& move : moves) {
          session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
            storage::LifecycleStore(tx).Apply(tenant_, move.Command());
          });
        }
      } catch (const std::exception& e) {
        fail(id + ": " + e.what());
      }
      --writers_left;
    });
  }

  // The reader, on its own connection.
  storage::Session reader(storage::SessionOptions{.dsn = db_.dsn()});
  std::vector<std::int64_t> seen;
  std::int64_t last = 0;
  int reads = 0;
  auto read_once = [&] {
    const auto rows = reader.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      return storage::LifecycleStore(tx).After(tenant_, last, 1000);
    });
    ++reads;
    for (const auto& row : rows) {
      if (row.sequence != last + 1) {
        fail("after " + std::to_string(last) + " the reader saw " + std::to_string(row.sequence));
      }
      seen.push_back(row.sequence);
      last = std::max(last, row.sequence);
    }
  };
  start.arrive_and_wait();
  while (writers_left > 0) read_once();
  for (auto& writer : writers) writer.join();
  read_once();  // whatever committed after the last read while writing

  EXPECT_EQ(failures, std::vector<std::string>{});
  EXPECT_EQ(seen, Range(1, kTotal));
  EXPECT_GT(reads, 1);
  EXPECT_EQ(db_.Query("SELECT count(*) || ' ' || count(DISTINCT sequence) || ' ' || min(sequence)"
                      " || ' ' || max(sequence) FROM stage_transitions"),
            "200 200 1 200");
  EXPECT_EQ(db_.Query("SELECT last_sequence FROM tenant_sequences"), "200");
  // Every customer made all its moves, each one from where the last ended.
  for (int w = 0; w < kWriters; ++w) {
    const std::string id = "cust-" + std::to_string(w);
    const auto history = History(id, std::nullopt, 100);
    ASSERT_EQ(history.size(), static_cast<std::size_t>(kMovesPerWriter)) << id;
    for (std::size_t i = 0; i + 1 < history.size(); ++i) {
      EXPECT_EQ(history[i].from, history[i + 1].to) << id;
      EXPECT_GT(history[i].sequence, history[i + 1].sequence) << id;
    }
    EXPECT_EQ(GetStage(id)->version, 1 + kMovesPerWriter) << id;
  }
}

// Two movers of the same customer serialize on its row: both succeed, one
// after the other, and the second starts from where the first ended.
TEST_F(LifecycleStoreTest, ConcurrentMovesOfOneCustomerSerialize) {
  CreateCustomer("cust-1");
  Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  Apply({.customer_id = "cust-1", .to = Stage::kOnboarding});

  // Both ask for LAPSED; only the first is allowed, the second then finds
  // the customer already LAPSED (no self-transition).
  constexpr int kMovers = 8;
  std::latch start(kMovers);
  std::atomic<int> moved{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> movers;
  for (int m = 0; m < kMovers; ++m) {
    movers.emplace_back([&] {
      storage::Session session(storage::SessionOptions{.dsn = db_.dsn()});
      start.arrive_and_wait();
      try {
        session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
          storage::LifecycleStore(tx).Apply(
              tenant_, Move{.customer_id = "cust-1", .to = Stage::kLapsed}.Command());
        });
        ++moved;
      } catch (const domain::Error& error) {
        if (error.reason() == "TRANSITION_NOT_ALLOWED") {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& mover : movers) mover.join();

  EXPECT_EQ(moved, 1);
  EXPECT_EQ(refused, kMovers - 1);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(Row("cust-1"), "LAPSED s v4");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM stage_transitions"), "3");
}

// ------------------------------------------------------------- clock

// Moves of one customer are ordered by its row lock, not by when their
// transactions began. A transaction that began before another move of the
// same customer committed, and locks the row after it, must still record a
// move that happens after the stage it leaves was entered (otherwise
// time_in_previous_stage goes negative and GetStageAsOf answers the later
// stage for a moment when the customer was still in the earlier one).
class LifecycleStoreClockTest : public LifecycleStoreTest {};

TEST_F(LifecycleStoreClockTest, MoveDoesNotPredateTheStageItLeaves) {
  CreateCustomer("cust-1");

  // Transaction X begins (and fixes now()) first, then waits.
  std::promise<std::int64_t> began;
  std::promise<void> go;
  auto go_signal = go.get_future();
  auto x = std::async(std::launch::async, [&] {
    storage::Session session(storage::SessionOptions{.dsn = db_.dsn()});
    return session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      began.set_value(tx.raw().exec1("SELECT " LC_SQL_MICROS("now()"))[0].as<std::int64_t>());
      go_signal.wait();
      return storage::LifecycleStore(tx).Apply(
          tenant_, Move{.customer_id = "cust-1", .to = Stage::kOnboarding}.Command());
    });
  });
  const std::int64_t x_began = began.get_future().get();

  // Meanwhile another move of the same customer begins and commits.
  const auto first = Apply({.customer_id = "cust-1", .to = Stage::kSegmented, .segment_id = "s"});
  ASSERT_LT(x_began, storage::ToEpochMicros(first.transition.occur_time))
      << "precondition: X began before the first move";
  go.set_value();
  const storage::TransitionOutcome second = x.get();

  ASSERT_EQ(second.transition.from, Stage::kSegmented);
  ASSERT_EQ(second.transition.from_enter_time, first.stage.stage_enter_time);
  EXPECT_GE(second.transition.occur_time, second.transition.from_enter_time)
      << "time in previous stage is negative: "
      << storage::ToEpochMicros(second.transition.occur_time) -
             storage::ToEpochMicros(second.transition.from_enter_time)
      << " us";
  EXPECT_GE(second.stage.stage_enter_time, first.stage.stage_enter_time);
  // Right after the first move the customer was SEGMENTED.
  const auto then = StageAsOf("cust-1", first.transition.occur_time);
  ASSERT_TRUE(then.has_value());
  EXPECT_EQ(then->stage, Stage::kSegmented);
}

}  // namespace
}  // namespace lifecycle
