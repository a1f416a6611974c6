// The lifecycle state machine, checked cell by cell: every (from, to) pair
// of the six stages under every trigger, against a table written out here
// independently of server/domain/transitions.cc.

#include "server/domain/transitions.h"

#include <gtest/gtest.h>

#include <cctype>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lifecycle/v1/lifecycle.pb.h"
#include "server/domain/role.h"
#include "server/domain/stage.h"

namespace lifecycle::domain {
namespace {

using Metadata = std::map<std::string, std::string>;

constexpr Trigger kAllTriggers[] = {
    Trigger::kManual,        Trigger::kSignal,     Trigger::kChecklistCompleted,
    Trigger::kOfferAccepted, Trigger::kLapseSweep, Trigger::kSegmentation};
constexpr Role kAllRoles[] = {Role::kAdmin, Role::kService, Role::kSupport, Role::kReadonly};

// ------------------------------------------------------ the expected table

// One allowed (from, to) and the triggers that may cause it. Every pair and
// trigger not listed here must be TRANSITION_NOT_ALLOWED.
struct ExpectedRule {
  Stage from;
  Stage to;
  std::set<Trigger> triggers;
  Guard guard;
  bool backwards;
};

const std::vector<ExpectedRule>& ExpectedTable() {
  using enum Stage;
  using T = Trigger;
  static const auto* table = new std::vector<ExpectedRule>{
      // Forward: segment, acquire, retain, extend.
      {kNew, kSegmented, {T::kManual, T::kSegmentation}, Guard::kHasSegment, false},
      {kSegmented, kOnboarding, {T::kManual, T::kSignal}, Guard::kNone, false},
      {kOnboarding,
       kRetained,
       {T::kManual, T::kChecklistCompleted},
       Guard::kRequiredStepsDone,
       false},
      {kRetained, kExtended, {T::kManual, T::kOfferAccepted}, Guard::kHoldsCrossSoldProduct, false},
      // Any active stage lapses, by hand or by the inactivity sweep. NEW is
      // not active yet, and LAPSED cannot lapse again.
      {kSegmented, kLapsed, {T::kManual, T::kLapseSweep}, Guard::kNone, false},
      {kOnboarding, kLapsed, {T::kManual, T::kLapseSweep}, Guard::kNone, false},
      {kRetained, kLapsed, {T::kManual, T::kLapseSweep}, Guard::kNone, false},
      {kExtended, kLapsed, {T::kManual, T::kLapseSweep}, Guard::kNone, false},
      // Reacquaintance: through onboarding or re-segmentation.
      {kLapsed, kOnboarding, {T::kManual, T::kSignal}, Guard::kNone, false},
      {kLapsed, kSegmented, {T::kManual, T::kSegmentation}, Guard::kHasSegment, false},
      // Backwards: by hand only, with a reason.
      {kSegmented, kNew, {T::kManual}, Guard::kNone, true},
      {kOnboarding, kSegmented, {T::kManual}, Guard::kHasSegment, true},
      {kRetained, kOnboarding, {T::kManual}, Guard::kNone, true},
      {kExtended, kRetained, {T::kManual}, Guard::kNone, true},
  };
  return *table;
}

const ExpectedRule* ExpectedRuleFor(Stage from, Stage to) {
  for (const auto& rule : ExpectedTable()) {
    if (rule.from == from && rule.to == to) return &rule;
  }
  return nullptr;
}

// ------------------------------------------------------------ helpers

TransitionFacts Facts(std::string segment_id, int open_required_steps, int products_held) {
  return TransitionFacts{.segment_id = std::move(segment_id),
                         .open_required_steps = open_required_steps,
                         .products_held = products_held};
}

// Facts under which every guard holds.
TransitionFacts PassingFacts() {
  return TransitionFacts{.segment_id = "seg-1", .open_required_steps = 0, .products_held = 2};
}

// Facts under which every guard other than kNone fails.
TransitionFacts FailingFacts() {
  return TransitionFacts{.segment_id = "", .open_required_steps = 3, .products_held = 0};
}

TransitionAttempt Attempt(Stage from, Stage to, Trigger trigger = Trigger::kManual,
                          Role role = Role::kService, std::string reason = "customer asked",
                          std::string override_reason = "") {
  return TransitionAttempt{from, to, trigger, role, std::move(reason), std::move(override_reason)};
}

Metadata Names(Stage from, Stage to, Trigger trigger) {
  return {{"from", std::string(StageName(from))},
          {"to", std::string(StageName(to))},
          {"trigger", std::string(TriggerName(trigger))}};
}

std::string Capitalized(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = false;
  }
  return out;
}

void ExpectAllowed(const TransitionDecision& decision, bool overridden) {
  EXPECT_TRUE(decision.allowed) << decision.error_reason << ": " << decision.message;
  EXPECT_EQ(decision.overridden, overridden);
  EXPECT_EQ(decision.error_reason, "");
  EXPECT_TRUE(decision.metadata.empty());
}

void ExpectNotAllowed(const TransitionDecision& decision, Stage from, Stage to, Trigger trigger) {
  EXPECT_FALSE(decision.allowed);
  EXPECT_FALSE(decision.overridden);
  EXPECT_EQ(decision.error_reason, "TRANSITION_NOT_ALLOWED");
  EXPECT_EQ(decision.metadata, Names(from, to, trigger));
  EXPECT_NE(
      decision.message.find(std::string(StageName(from)) + " -> " + std::string(StageName(to))),
      std::string::npos)
      << decision.message;
  EXPECT_NE(decision.message.find(TriggerName(trigger)), std::string::npos) << decision.message;
}

// ------------------------------------------ every pair x every trigger

struct PairCase {
  Stage from;
  Stage to;
  Trigger trigger;
};

void PrintTo(const PairCase& c, std::ostream* os) {
  *os << StageName(c.from) << " -> " << StageName(c.to) << " by " << TriggerName(c.trigger);
}

std::vector<PairCase> AllPairCases() {
  std::vector<PairCase> cases;
  for (Stage from : kAllStages) {
    for (Stage to : kAllStages) {
      for (Trigger trigger : kAllTriggers) cases.push_back({from, to, trigger});
    }
  }
  return cases;
}

class TransitionMatrixTest : public testing::TestWithParam<PairCase> {
 protected:
  const ExpectedRule* rule() const { return ExpectedRuleFor(GetParam().from, GetParam().to); }
  bool expected_allowed() const {
    return rule() != nullptr && rule()->triggers.contains(GetParam().trigger);
  }
};

// Guards hold and a reason is given: only the table decides.
TEST_P(TransitionMatrixTest, AllowedExactlyWhenTheTableSaysSo) {
  const auto [from, to, trigger] = GetParam();
  const TransitionDecision decision = DecideTransition(Attempt(from, to, trigger), PassingFacts());
  if (expected_allowed()) {
    ExpectAllowed(decision, /*overridden=*/false);
  } else {
    ExpectNotAllowed(decision, from, to, trigger);
  }
}

// With an override and failing facts, for every role: a move the table
// lacks stays TRANSITION_NOT_ALLOWED; a guarded move passes only for support
// and admin (and is marked overridden); an unguarded move just passes.
TEST_P(TransitionMatrixTest, OverrideByEveryRole) {
  const auto [from, to, trigger] = GetParam();
  for (Role role : kAllRoles) {
    SCOPED_TRACE(RoleName(role));
    const TransitionDecision decision = DecideTransition(
        Attempt(from, to, trigger, role, "because", "vip customer"), FailingFacts());
    if (!expected_allowed()) {
      ExpectNotAllowed(decision, from, to, trigger);
    } else if (rule()->guard == Guard::kNone) {
      ExpectAllowed(decision, /*overridden=*/false);
    } else if (role == Role::kSupport || role == Role::kAdmin) {
      ExpectAllowed(decision, /*overridden=*/true);
    } else {
      EXPECT_FALSE(decision.allowed);
      EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
      EXPECT_EQ(decision.metadata.count("override"), 1u);
    }
  }
}

// No fact or role helps a move the table lacks, even with guards passing.
TEST_P(TransitionMatrixTest, PassingFactsAndOverrideDoNotWidenTheTable) {
  const auto [from, to, trigger] = GetParam();
  for (Role role : kAllRoles) {
    SCOPED_TRACE(RoleName(role));
    const TransitionDecision decision = DecideTransition(
        Attempt(from, to, trigger, role, "because", "vip customer"), PassingFacts());
    if (expected_allowed()) {
      ExpectAllowed(decision, /*overridden=*/false);
    } else {
      ExpectNotAllowed(decision, from, to, trigger);
    }
  }
}

// With failing facts an allowed move fails exactly when it has a guard.
TEST_P(TransitionMatrixTest, FailingFactsFailOnlyGuardedMoves) {
  const auto [from, to, trigger] = GetParam();
  const TransitionDecision decision = DecideTransition(Attempt(from, to, trigger), FailingFacts());
  if (!expected_allowed()) {
    ExpectNotAllowed(decision, from, to, trigger);
    return;
  }
  if (rule()->guard == Guard::kNone) {
    ExpectAllowed(decision, /*overridden=*/false);
    return;
  }
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
  ASSERT_EQ(decision.metadata.count("guard"), 1u);
  ASSERT_EQ(decision.metadata.count("missing"), 1u);
  EXPECT_EQ(decision.metadata.at("guard"), GuardName(rule()->guard));
  EXPECT_FALSE(decision.metadata.at("missing").empty());
  EXPECT_EQ(decision.metadata.count("override"), 0u);
  EXPECT_EQ(decision.metadata.at("from"), StageName(from));
  EXPECT_EQ(decision.metadata.at("to"), StageName(to));
  EXPECT_EQ(decision.metadata.at("trigger"), TriggerName(trigger));
}

// Backwards moves need a reason; forward moves do not. The table is
// checked first: a move it lacks is TRANSITION_NOT_ALLOWED, reason or not.
TEST_P(TransitionMatrixTest, EmptyReasonFailsOnlyBackwardsMoves) {
  const auto [from, to, trigger] = GetParam();
  const TransitionDecision decision =
      DecideTransition(Attempt(from, to, trigger, Role::kAdmin, ""), PassingFacts());
  if (!expected_allowed()) {
    ExpectNotAllowed(decision, from, to, trigger);
    return;
  }
  if (!rule()->backwards) {
    ExpectAllowed(decision, /*overridden=*/false);
    return;
  }
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.error_reason, "REASON_REQUIRED");
  Metadata expected = Names(from, to, trigger);
  expected["missing"] = "reason";
  EXPECT_EQ(decision.metadata, expected);
}

INSTANTIATE_TEST_SUITE_P(AllPairs, TransitionMatrixTest, testing::ValuesIn(AllPairCases()),
                         [](const testing::TestParamInfo<PairCase>& info) {
                           return Capitalized(StageName(info.param.from)) + "To" +
                                  Capitalized(StageName(info.param.to)) + "By" +
                                  Capitalized(TriggerName(info.param.trigger));
                         });

TEST(TransitionMatrixCoverageTest, CoversEveryPairAndTriggerOnce) {
  const auto cases = AllPairCases();
  EXPECT_EQ(cases.size(), 6u * 6u * 6u);
  std::set<std::tuple<Stage, Stage, Trigger>> distinct;
  for (const auto& c : cases) distinct.insert({c.from, c.to, c.trigger});
  EXPECT_EQ(distinct.size(), cases.size());
}

// ------------------------------------------------------ the table itself

TEST(TransitionTableTest, MatchesTheExpectedTableRowByRow) {
  const auto table = TransitionTable();
  EXPECT_EQ(table.size(), ExpectedTable().size());
  for (const TransitionRule& rule : table) {
    SCOPED_TRACE(std::string(StageName(rule.from)) + " -> " + std::string(StageName(rule.to)));
    const ExpectedRule* expected = ExpectedRuleFor(rule.from, rule.to);
    ASSERT_NE(expected, nullptr) << "unexpected rule";
    EXPECT_EQ(rule.guard, expected->guard) << GuardName(rule.guard);
    EXPECT_EQ(rule.backwards, expected->backwards);
    unsigned bits = 0;
    for (Trigger trigger : expected->triggers) bits |= 1u << static_cast<int>(trigger);
    EXPECT_EQ(rule.triggers, bits);
  }
}

TEST(TransitionTableTest, HasNoDuplicatePairAndNoSelfTransition) {
  std::set<std::pair<Stage, Stage>> pairs;
  for (const TransitionRule& rule : TransitionTable()) {
    EXPECT_NE(rule.from, rule.to) << StageName(rule.from);
    EXPECT_TRUE(pairs.insert({rule.from, rule.to}).second)
        << "duplicate " << StageName(rule.from) << " -> " << StageName(rule.to);
  }
}

TEST(TransitionTableTest, EveryRuleHasAKnownTrigger) {
  unsigned known = 0;
  for (Trigger trigger : kAllTriggers) known |= 1u << static_cast<int>(trigger);
  for (const TransitionRule& rule : TransitionTable()) {
    EXPECT_NE(rule.triggers, 0u) << StageName(rule.from) << " -> " << StageName(rule.to);
    EXPECT_EQ(rule.triggers & ~known, 0u) << StageName(rule.from) << " -> " << StageName(rule.to);
  }
}

TEST(TransitionTableTest, BackwardsMovesAreManualOnly) {
  for (const TransitionRule& rule : TransitionTable()) {
    if (!rule.backwards) continue;
    EXPECT_EQ(rule.triggers, 1u << static_cast<int>(Trigger::kManual))
        << StageName(rule.from) << " -> " << StageName(rule.to);
  }
}

TEST(FindRuleTest, FindsExactlyTheTableRows) {
  for (Stage from : kAllStages) {
    for (Stage to : kAllStages) {
      SCOPED_TRACE(std::string(StageName(from)) + " -> " + std::string(StageName(to)));
      const TransitionRule* rule = FindRule(from, to);
      if (ExpectedRuleFor(from, to) == nullptr) {
        EXPECT_EQ(rule, nullptr);
      } else {
        ASSERT_NE(rule, nullptr);
        EXPECT_EQ(rule->from, from);
        EXPECT_EQ(rule->to, to);
      }
    }
  }
}

// Every stage can be left and, except NEW, reached: nobody gets stuck.
TEST(TransitionTableTest, EveryStageCanBeLeft) {
  for (Stage stage : kAllStages) {
    bool leaves = false;
    bool reached = false;
    for (const TransitionRule& rule : TransitionTable()) {
      leaves = leaves || rule.from == stage;
      reached = reached || rule.to == stage;
    }
    EXPECT_TRUE(leaves) << StageName(stage);
    EXPECT_TRUE(reached) << StageName(stage);
  }
}

// ------------------------------------------------------------- guards

TEST(HasSegmentGuardTest, PassesWithASegment) {
  for (auto [from, reason] : {std::pair{Stage::kNew, ""}, std::pair{Stage::kLapsed, ""},
                              std::pair{Stage::kOnboarding, "wrong segment"}}) {
    SCOPED_TRACE(StageName(from));
    ExpectAllowed(
        DecideTransition(Attempt(from, Stage::kSegmented, Trigger::kManual, Role::kService, reason),
                         Facts("seg-1", 0, 0)),
        /*overridden=*/false);
  }
}

TEST(HasSegmentGuardTest, FailsWithoutASegment) {
  for (auto [from, reason] : {std::pair{Stage::kNew, ""}, std::pair{Stage::kLapsed, ""},
                              std::pair{Stage::kOnboarding, "wrong segment"}}) {
    SCOPED_TRACE(StageName(from));
    const auto decision =
        DecideTransition(Attempt(from, Stage::kSegmented, Trigger::kManual, Role::kService, reason),
                         Facts("", 0, 0));
    EXPECT_FALSE(decision.allowed);
    EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
    Metadata expected = Names(from, Stage::kSegmented, Trigger::kManual);
    expected["guard"] = "HAS_SEGMENT";
    expected["missing"] = "segment_id";
    EXPECT_EQ(decision.metadata, expected);
    EXPECT_NE(decision.message.find("HAS_SEGMENT"), std::string::npos) << decision.message;
  }
}

TEST(RequiredStepsDoneGuardTest, PassesWithNoOpenStep) {
  ExpectAllowed(
      DecideTransition(Attempt(Stage::kOnboarding, Stage::kRetained, Trigger::kChecklistCompleted),
                       Facts("", 0, 0)),
      /*overridden=*/false);
}

TEST(RequiredStepsDoneGuardTest, FailsWithOpenStepsAndCountsThem) {
  const auto decision = DecideTransition(
      Attempt(Stage::kOnboarding, Stage::kRetained, Trigger::kChecklistCompleted), Facts("", 2, 0));
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
  EXPECT_EQ(decision.metadata.at("guard"), "REQUIRED_STEPS_DONE");
  EXPECT_EQ(decision.metadata.at("missing"), "2 required checklist step(s)");
  EXPECT_NE(decision.message.find(decision.metadata.at("missing")), std::string::npos)
      << decision.message;
}

struct ProductsCase {
  int products_held;
  bool allowed;
};

class HoldsCrossSoldProductGuardTest : public testing::TestWithParam<ProductsCase> {};

TEST_P(HoldsCrossSoldProductGuardTest, NeedsASecondProduct) {
  const auto decision =
      DecideTransition(Attempt(Stage::kRetained, Stage::kExtended, Trigger::kOfferAccepted),
                       Facts("", 0, GetParam().products_held));
  if (GetParam().allowed) {
    ExpectAllowed(decision, /*overridden=*/false);
    return;
  }
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
  EXPECT_EQ(decision.metadata.at("guard"), "HOLDS_CROSS_SOLD_PRODUCT");
  EXPECT_NE(
      decision.metadata.at("missing").find("holds " + std::to_string(GetParam().products_held)),
      std::string::npos)
      << decision.metadata.at("missing");
}

INSTANTIATE_TEST_SUITE_P(Products, HoldsCrossSoldProductGuardTest,
                         testing::Values(ProductsCase{0, false}, ProductsCase{1, false},
                                         ProductsCase{2, true}, ProductsCase{3, true}),
                         [](const testing::TestParamInfo<ProductsCase>& info) {
                           return "Holds" + std::to_string(info.param.products_held);
                         });

// ----------------------------------------------------------- overrides

struct OverrideCase {
  Role role;
  std::string override_reason;
  bool passes;
};

void PrintTo(const OverrideCase& c, std::ostream* os) {
  *os << RoleName(c.role) << " override '" << c.override_reason << "'";
}

class GuardOverrideTest : public testing::TestWithParam<OverrideCase> {};

// Every guarded rule, with failing facts: only support and admin with a
// non-empty override_reason get through, and the decision says so.
TEST_P(GuardOverrideTest, PassesAFailedGuardOnlyForSupportAndAdminWithAReason) {
  const auto& param = GetParam();
  int guarded = 0;
  for (const ExpectedRule& rule : ExpectedTable()) {
    if (rule.guard == Guard::kNone) continue;
    ++guarded;
    SCOPED_TRACE(std::string(StageName(rule.from)) + " -> " + std::string(StageName(rule.to)));
    const auto decision = DecideTransition(
        Attempt(rule.from, rule.to, Trigger::kManual, param.role, "because", param.override_reason),
        FailingFacts());
    if (param.passes) {
      ExpectAllowed(decision, /*overridden=*/true);
      continue;
    }
    EXPECT_FALSE(decision.allowed);
    EXPECT_FALSE(decision.overridden);
    EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
    EXPECT_EQ(decision.metadata.at("guard"), GuardName(rule.guard));
    // The caller asked for an override: say why it did not count.
    EXPECT_EQ(decision.metadata.count("override"), param.override_reason.empty() ? 0u : 1u);
  }
  EXPECT_EQ(guarded, 5);
}

INSTANTIATE_TEST_SUITE_P(
    Roles, GuardOverrideTest,
    testing::Values(OverrideCase{Role::kSupport, "vip customer", true},
                    OverrideCase{Role::kAdmin, "vip customer", true},
                    OverrideCase{Role::kService, "vip customer", false},
                    OverrideCase{Role::kReadonly, "vip customer", false},
                    OverrideCase{Role::kSupport, "", false}, OverrideCase{Role::kAdmin, "", false},
                    OverrideCase{Role::kService, "", false},
                    OverrideCase{Role::kReadonly, "", false}),
    [](const testing::TestParamInfo<OverrideCase>& info) {
      std::string role(RoleName(info.param.role));
      role[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(role[0])));
      return role + (info.param.override_reason.empty() ? "WithoutReason" : "WithReason");
    });

TEST(GuardOverrideRulesTest, OverrideOfAHoldingGuardIsNotRecordedAsOverridden) {
  for (Role role : {Role::kSupport, Role::kAdmin}) {
    SCOPED_TRACE(RoleName(role));
    ExpectAllowed(DecideTransition(Attempt(Stage::kRetained, Stage::kExtended, Trigger::kManual,
                                           role, "", "vip customer"),
                                   PassingFacts()),
                  /*overridden=*/false);
  }
}

TEST(GuardOverrideRulesTest, RefusedOverrideSaysWhichRolesMay) {
  const auto decision = DecideTransition(
      Attempt(Stage::kRetained, Stage::kExtended, Trigger::kManual, Role::kService, "", "vip"),
      FailingFacts());
  EXPECT_EQ(decision.error_reason, "GUARD_FAILED");
  ASSERT_EQ(decision.metadata.count("override"), 1u);
  EXPECT_NE(decision.metadata.at("override").find("support"), std::string::npos);
  EXPECT_NE(decision.metadata.at("override").find("admin"), std::string::npos);
}

// An override passes guards, not the rule that backwards moves need a reason.
TEST(GuardOverrideRulesTest, OverrideDoesNotReplaceTheReasonOfABackwardsMove) {
  const auto decision = DecideTransition(
      Attempt(Stage::kOnboarding, Stage::kSegmented, Trigger::kManual, Role::kAdmin, "", "vip"),
      FailingFacts());
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.error_reason, "REASON_REQUIRED");
  EXPECT_EQ(decision.metadata.at("missing"), "reason");
}

TEST(GuardOverrideRulesTest, BackwardsMoveWithReasonCanBeOverridden) {
  ExpectAllowed(DecideTransition(Attempt(Stage::kOnboarding, Stage::kSegmented, Trigger::kManual,
                                         Role::kSupport, "wrong segment", "vip"),
                                 FailingFacts()),
                /*overridden=*/true);
}

// ------------------------------------------------------------- names

struct TriggerNameCase {
  Trigger trigger;
  std::string name;
  int number;
  v1::Trigger wire;
};

const std::vector<TriggerNameCase> kTriggerNames = {
    {Trigger::kManual, "MANUAL", 1, v1::TRIGGER_MANUAL},
    {Trigger::kSignal, "SIGNAL", 2, v1::TRIGGER_SIGNAL},
    {Trigger::kChecklistCompleted, "CHECKLIST_COMPLETED", 3, v1::TRIGGER_CHECKLIST_COMPLETED},
    {Trigger::kOfferAccepted, "OFFER_ACCEPTED", 4, v1::TRIGGER_OFFER_ACCEPTED},
    {Trigger::kLapseSweep, "LAPSE_SWEEP", 5, v1::TRIGGER_LAPSE_SWEEP},
    {Trigger::kSegmentation, "SEGMENTATION", 6, v1::TRIGGER_SEGMENTATION},
};

TEST(TriggerNameTest, NamesNumbersAndWireValues) {
  ASSERT_EQ(kTriggerNames.size(), std::size(kAllTriggers));
  for (const auto& row : kTriggerNames) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(TriggerName(row.trigger), row.name);
    EXPECT_EQ(static_cast<int>(row.trigger), row.number);
    EXPECT_EQ(static_cast<int>(row.trigger), static_cast<int>(row.wire));
  }
}

TEST(TriggerNameTest, RoundTripsThroughNameAndNumber) {
  for (Trigger trigger : kAllTriggers) {
    EXPECT_EQ(TriggerFromName(TriggerName(trigger)), trigger) << TriggerName(trigger);
    EXPECT_EQ(TriggerFromNumber(static_cast<int>(trigger)), trigger) << TriggerName(trigger);
  }
}

TEST(TriggerNameTest, UnknownTriggerHasPlaceholderName) {
  EXPECT_EQ(TriggerName(static_cast<Trigger>(0)), "UNKNOWN");
  EXPECT_EQ(TriggerName(static_cast<Trigger>(7)), "UNKNOWN");
}

TEST(TriggerFromNameTest, RejectsUnknownNames) {
  for (const char* name : {"", "manual", "Manual", "MANUAL ", " MANUAL", "TRIGGER_MANUAL",
                           "UNKNOWN", "SWEEP", "1", "CHECKLIST-COMPLETED"}) {
    EXPECT_EQ(TriggerFromName(name), std::nullopt) << '"' << name << '"';
  }
}

TEST(TriggerFromNumberTest, RejectsOutOfRange) {
  for (int number :
       {0, 7, -1, 32, 100, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    EXPECT_EQ(TriggerFromNumber(number), std::nullopt) << number;
  }
}

TEST(GuardNameTest, NamesAreExactAndDistinct) {
  const std::vector<std::pair<Guard, std::string>> names = {
      {Guard::kNone, "NONE"},
      {Guard::kHasSegment, "HAS_SEGMENT"},
      {Guard::kRequiredStepsDone, "REQUIRED_STEPS_DONE"},
      {Guard::kHoldsCrossSoldProduct, "HOLDS_CROSS_SOLD_PRODUCT"},
  };
  std::set<std::string> seen;
  for (const auto& [guard, name] : names) {
    EXPECT_EQ(GuardName(guard), name);
    EXPECT_TRUE(seen.insert(std::string(GuardName(guard))).second) << name;
  }
  EXPECT_EQ(GuardName(static_cast<Guard>(99)), "UNKNOWN");
}

// Every guard the table uses has a name a caller can read in metadata.
TEST(GuardNameTest, EveryGuardInTheTableIsNamed) {
  for (const TransitionRule& rule : TransitionTable()) {
    EXPECT_NE(GuardName(rule.guard), "UNKNOWN");
  }
}

}  // namespace
}  // namespace lifecycle::domain
