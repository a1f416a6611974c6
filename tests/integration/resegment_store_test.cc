// SegmentStore and ResegmentStore against a real PostgreSQL, one fresh
// database per test. Segments are versioned and retire; a re-segmentation job
// runs in small set-based batches, logs each change once with gapless
// sequences, resumes from its cursor, keeps to its scope and to the rule
// versions it started with; previews count what an edit would do.

#include "storage/resegment_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/domain/customer.h"
#include "server/domain/error.h"
#include "server/domain/resegment_job.h"
#include "server/domain/role.h"
#include "server/domain/segment.h"
#include "server/domain/segment_rule.h"
#include "server/domain/segment_rule_json.h"
#include "server/domain/stage_transition.h"
#include "storage/customer_store.h"
#include "storage/lifecycle_store.h"
#include "storage/segment_store.h"
#include "storage/session.h"
#include "storage/transaction.h"
#include "tests/support/store_test.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using domain::RuleNode;
using domain::RuleOp;
using domain::Stage;
using namespace domain::rule_builders;

using Matrix = std::map<std::pair<std::string, std::string>, std::int64_t>;

// A rule segment, or the default when `rule` is unset.
domain::Segment NewSegment(const std::string& id, std::int32_t priority,
                           std::optional<RuleNode> rule) {
  domain::Segment segment;
  segment.segment_id = id;
  segment.display_name = "Segment " + id;
  segment.description = "about " + id;
  segment.basis = domain::SegmentBasis::kGeographic;
  segment.story = "story of " + id;
  segment.goal = "goal of " + id;
  segment.priority = priority;
  segment.is_default = !rule.has_value();
  segment.rule = std::move(rule);
  return segment;
}

// Which customers a job looks at.
domain::ResegmentScope Scope(std::optional<RuleNode> filter,
                             std::optional<std::vector<std::string>> segment_ids = std::nullopt) {
  domain::ResegmentScope scope;
  scope.filter = std::move(filter);
  scope.segment_ids = std::move(segment_ids);
  return scope;
}

// The default segment, as a preview candidate.
domain::SegmentRuleRef DefaultCandidate(const std::string& id) {
  domain::SegmentRuleRef candidate;
  candidate.segment_id = id;
  candidate.is_default = true;
  return candidate;
}

RuleNode CountryIn(std::vector<std::string> countries) {
  std::vector<domain::RuleValue> values(countries.begin(), countries.end());
  return Cond("attributes.country", RuleOp::kIn, std::move(values));
}

RuleNode SpendAtLeast(double spend) { return Cond("attributes.spend", RuleOp::kGe, {spend}); }

std::string Json(const std::optional<RuleNode>& rule) {
  return rule ? domain::RuleToJson(*rule) : "<none>";
}

Matrix MatrixOf(const domain::ResegmentJob& job) {
  Matrix matrix;
  for (const auto& move : job.moves) {
    matrix[{move.from_segment_id, move.to_segment_id}] += move.customers;
  }
  return matrix;
}

// Fixture helpers shared by the segment and the re-segmentation tests.
template <class Store>
class SegmentingTest : public testing::StoreTest<Store> {
 protected:
  using testing::StoreTest<Store>::session_;
  using testing::StoreTest<Store>::db_;
  using testing::StoreTest<Store>::tenant_;

  template <class Body>
  auto Tx(Body&& body) {
    return session_.Run(storage::TxOptions{}, std::forward<Body>(body));
  }

  domain::Segment Create(const domain::Segment& segment, const std::string& tenant = "") {
    return Tx([&](storage::Transaction& tx) {
      return storage::SegmentStore(tx).Create(tenant.empty() ? tenant_ : tenant, segment);
    });
  }

  domain::Segment AddVersion(const domain::Segment& segment,
                             std::optional<std::int64_t> expected = std::nullopt) {
    return Tx([&](storage::Transaction& tx) {
      return storage::SegmentStore(tx).AddVersion(tenant_, segment, expected);
    });
  }

  domain::Segment Retire(const std::string& id) {
    return Tx([&](storage::Transaction& tx) {
      return storage::SegmentStore(tx).Retire(tenant_, id, std::nullopt);
    });
  }

  // A customer as a bulk import leaves one: optionally already in a stage
  // and a segment.
  void AddCustomer(const std::string& id, const std::string& attributes,
                   const std::string& stage = "NEW", const std::string& segment = "",
                   const std::string& tenant = "") {
    const std::string owner = tenant.empty() ? tenant_ : tenant;
    Tx([&](storage::Transaction& tx) { storage::CustomerStore(tx).Create(owner, id, attributes); });
    if (stage != "NEW" || !segment.empty()) {
      db_.Query("UPDATE customers SET stage = '" + stage +
                "', segment_id = " + (segment.empty() ? "NULL" : "'" + segment + "'") +
                " WHERE tenant_id = '" + owner + "' AND customer_id = '" + id + "'");
    }
  }

  std::map<std::string, domain::Customer> Customers(const std::string& tenant = "") {
    return Tx([&](storage::Transaction& tx) {
      std::map<std::string, domain::Customer> out;
      for (auto& customer :
           storage::CustomerStore(tx).List(tenant.empty() ? tenant_ : tenant, {}, "", 1000)) {
        out[customer.customer_id] = customer;
      }
      return out;
    });
  }

  std::map<std::string, std::string> Membership() {
    std::map<std::string, std::string> out;
    for (const auto& [id, customer] : Customers()) out[id] = customer.segment_id;
    return out;
  }

  // The tenant's whole log, oldest first.
  std::vector<domain::StageTransition> Log(const std::string& tenant = "") {
    return Tx([&](storage::Transaction& tx) {
      return storage::LifecycleStore(tx).After(tenant.empty() ? tenant_ : tenant, 0, 100000);
    });
  }

  domain::ResegmentJob StartJob(const domain::ResegmentScope& scope = {}, int slices = 1) {
    return Tx([&](storage::Transaction& tx) {
      const auto rules = storage::SegmentStore(tx).ActiveRules(tenant_);
      return storage::ResegmentStore(tx).CreateJob(tenant_, rules, scope,
                                                   std::chrono::system_clock::now(), slices);
    });
  }

  bool Batch(const std::string& job_id, int size, storage::Session* session = nullptr) {
    storage::Session& on = session != nullptr ? *session : session_;
    return on.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      return storage::ResegmentStore(tx).RunBatch(storage::JobRef{tenant_, job_id}, size);
    });
  }

  // Runs batches until RunBatch says there is nothing more; returns the calls.
  int RunToEnd(const std::string& job_id, int size, storage::Session* session = nullptr) {
    for (int calls = 1; calls <= 10000; ++calls) {
      if (!Batch(job_id, size, session)) return calls;
    }
    ADD_FAILURE() << "job " << job_id << " never ends";
    return -1;
  }

  domain::ResegmentJob Job(const std::string& job_id) {
    auto job = Tx([&](storage::Transaction& tx) {
      return storage::ResegmentStore(tx).GetJob(tenant_, job_id);
    });
    EXPECT_TRUE(job.has_value()) << job_id;
    return job.value_or(domain::ResegmentJob{});
  }

  // Everything a batch may write, to prove one wrote nothing.
  std::string Footprint() {
    return db_.Query(
        "SELECT (SELECT string_agg(customer_id || ':' || stage || ':' || version || ':' ||"
        " coalesce(segment_id, '-'), ',' ORDER BY customer_id) FROM customers) || ' | ' ||"
        " (SELECT count(*) FROM stage_transitions) || ' | ' ||"
        " (SELECT coalesce(string_agg(job_id || ':' || state || ':' || processed"
        "   || ':' || changed, ',' ORDER BY job_id), '') FROM resegment_jobs) || ' | ' ||"
        " (SELECT coalesce(string_agg(job_id || ':' || slice || ':' || cursor || ':' || done,"
        "   ',' ORDER BY job_id, slice), '') FROM resegment_job_slices) || ' | ' ||"
        " (SELECT coalesce(string_agg(from_segment_id || '>' || to_segment_id || ':' || customers,"
        "   ',' ORDER BY job_id, from_segment_id, to_segment_id), '') FROM resegment_job_moves)");
  }
};

// ================================================================ segments

class SegmentStoreTest : public SegmentingTest<storage::SegmentStore> {};

TEST_F(SegmentStoreTest, CreateThenGetReturnsVersionOneWithEveryField) {
  const domain::Segment created = Create(NewSegment("eu", 10, CountryIn({"FR", "DE"})));
  EXPECT_EQ(created.segment_id, "eu");
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.display_name, "Segment eu");
  EXPECT_EQ(created.description, "about eu");
  EXPECT_EQ(created.basis, domain::SegmentBasis::kGeographic);
  EXPECT_EQ(created.story, "story of eu");
  EXPECT_EQ(created.goal, "goal of eu");
  EXPECT_EQ(created.priority, 10);
  EXPECT_FALSE(created.is_default);
  EXPECT_EQ(Json(created.rule), Json(CountryIn({"FR", "DE"})));
  EXPECT_EQ(created.state, domain::SegmentState::kActive);
  EXPECT_EQ(created.create_time, created.update_time);
  EXPECT_FALSE(created.retire_time.has_value());

  const auto read = InTx([&](storage::SegmentStore& store) { return store.Get(tenant_, "eu"); });
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->version, 1);
  EXPECT_EQ(Json(read->rule), Json(created.rule));
  EXPECT_EQ(read->create_time, created.create_time);

  const domain::Segment fallback = Create(NewSegment("rest", 0, std::nullopt));
  EXPECT_TRUE(fallback.is_default);
  EXPECT_FALSE(fallback.rule.has_value());

  EXPECT_FALSE(
      InTx([&](storage::SegmentStore& store) { return store.Get(tenant_, "nope"); }).has_value());
  EXPECT_FALSE(
      InTx([&](storage::SegmentStore& store) { return store.Get(tenant_, "eu", 2); }).has_value());
  // Another tenant does not see them.
  const std::string other = db_.CreateTenant("other");
  EXPECT_FALSE(
      InTx([&](storage::SegmentStore& store) { return store.Get(other, "eu"); }).has_value());
}

TEST_F(SegmentStoreTest, EditsAreNewVersionsAndOldVersionsStayReadable) {
  const domain::Segment v1 = Create(NewSegment("eu", 10, CountryIn({"FR"})));
  domain::Segment edit = v1;
  edit.rule = CountryIn({"FR", "DE", "IT"});
  edit.priority = 30;
  edit.display_name = "Europe";
  const domain::Segment v2 = AddVersion(edit, 1);
  edit.goal = "grow";
  const domain::Segment v3 = AddVersion(edit);

  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v3.version, 3);
  EXPECT_EQ(v3.create_time, v1.create_time);
  EXPECT_GE(v2.update_time, v1.update_time);
  EXPECT_GE(v3.update_time, v2.update_time);

  const auto get = [&](std::optional<std::int64_t> version) {
    return InTx([&](storage::SegmentStore& store) { return store.Get(tenant_, "eu", version); });
  };
  ASSERT_TRUE(get(1) && get(2) && get(3) && get(std::nullopt));
  EXPECT_EQ(Json(get(1)->rule), Json(CountryIn({"FR"})));
  EXPECT_EQ(get(1)->priority, 10);
  EXPECT_EQ(get(1)->display_name, "Segment eu");
  EXPECT_EQ(Json(get(2)->rule), Json(CountryIn({"FR", "DE", "IT"})));
  EXPECT_EQ(get(2)->priority, 30);
  EXPECT_EQ(get(2)->goal, "goal of eu");
  EXPECT_EQ(get(3)->goal, "grow");
  EXPECT_EQ(get(std::nullopt)->version, 3);
  EXPECT_FALSE(get(4).has_value());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segment_versions"), "3");
}

TEST_F(SegmentStoreTest, StaleExpectedVersionIsAbortedWithBothVersions) {
  Create(NewSegment("eu", 10, CountryIn({"FR"})));
  const domain::Segment current = AddVersion(NewSegment("eu", 11, CountryIn({"FR"})));
  ASSERT_EQ(current.version, 2);

  for (const auto& attempt :
       {std::function<void(storage::SegmentStore&)>([&](storage::SegmentStore& store) {
          store.AddVersion(tenant_, NewSegment("eu", 12, std::nullopt), 1);
        }),
        std::function<void(storage::SegmentStore&)>(
            [&](storage::SegmentStore& store) { store.Retire(tenant_, "eu", 5); })}) {
    const auto error = ErrorFrom(attempt);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ErrorCode::kAborted) << error->message();
    EXPECT_EQ(error->reason(), "VERSION_MISMATCH");
    EXPECT_EQ(error->metadata().at("actual_version"), "2");
  }
  EXPECT_EQ(db_.Query("SELECT current_version || ' ' || state FROM segments"), "2 ACTIVE");
  EXPECT_EQ(AddVersion(NewSegment("eu", 12, CountryIn({"DE"})), 2).version, 3);
}

// An edit (or retirement) that waits for a concurrent edit's lock goes on
// from the version that edit wrote.
TEST_F(SegmentStoreTest, AnEditWaitingForAnotherBuildsOnTheVersionItWrote) {
  Create(NewSegment("eu", 10, CountryIn({"FR"})));
  storage::Session other{storage::SessionOptions{.dsn = db_.dsn()}};
  std::optional<domain::Segment> waited;
  std::string waited_error;
  std::thread second;
  Tx([&](storage::Transaction& tx) {
    storage::SegmentStore(tx).AddVersion(tenant_, NewSegment("eu", 20, CountryIn({"DE"})),
                                         std::nullopt);
    second = std::thread([&] {
      try {
        waited = other.Run(storage::TxOptions{}, [&](storage::Transaction& tx2) {
          return storage::SegmentStore(tx2).AddVersion(
              tenant_, NewSegment("eu", 30, CountryIn({"IT"})), std::nullopt);
        });
      } catch (const domain::Error& error) {
        waited_error = error.message();
      }
    });
    // Let the second edit reach the lock before this one commits.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  second.join();
  ASSERT_TRUE(waited.has_value()) << waited_error;
  EXPECT_EQ(waited->version, 3);
  EXPECT_EQ(waited->priority, 30);

  std::optional<domain::Segment> retired;
  Tx([&](storage::Transaction& tx) {
    storage::SegmentStore(tx).AddVersion(tenant_, NewSegment("eu", 40, CountryIn({"ES"})),
                                         std::nullopt);
    second = std::thread([&] {
      try {
        retired = other.Run(storage::TxOptions{}, [&](storage::Transaction& tx2) {
          return storage::SegmentStore(tx2).Retire(tenant_, "eu", 4);
        });
      } catch (const domain::Error& error) {
        waited_error = error.message();
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  second.join();
  ASSERT_TRUE(retired.has_value()) << waited_error;
  EXPECT_EQ(retired->version, 4);
  EXPECT_EQ(retired->state, domain::SegmentState::kRetired);
}

TEST_F(SegmentStoreTest, RetiredSegmentsKeepTheirHistoryButTakeNoEditsOrCustomers) {
  Create(NewSegment("eu", 10, CountryIn({"FR"})));
  Create(NewSegment("us", 5, CountryIn({"US"})));
  const domain::Segment retired = Retire("eu");
  EXPECT_EQ(retired.state, domain::SegmentState::kRetired);
  ASSERT_TRUE(retired.retire_time.has_value());
  EXPECT_GE(*retired.retire_time, retired.create_time);
  EXPECT_EQ(retired.version, 1);

  for (const auto& attempt :
       {std::function<void(storage::SegmentStore&)>([&](storage::SegmentStore& store) {
          store.AddVersion(tenant_, NewSegment("eu", 1, CountryIn({"DE"})), std::nullopt);
        }),
        std::function<void(storage::SegmentStore&)>(
            [&](storage::SegmentStore& store) { store.Retire(tenant_, "eu", std::nullopt); })}) {
    const auto error = ErrorFrom(attempt);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ErrorCode::kFailedPrecondition) << error->message();
    EXPECT_EQ(error->reason(), "SEGMENT_RETIRED");
    EXPECT_EQ(error->metadata().at("segment_id"), "eu");
  }
  const auto missing =
      ErrorFrom([&](storage::SegmentStore& store) { store.Retire(tenant_, "nope", std::nullopt); });
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code(), ErrorCode::kNotFound);

  const auto read = InTx([&](storage::SegmentStore& store) { return store.Get(tenant_, "eu", 1); });
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state, domain::SegmentState::kRetired);
  EXPECT_EQ(Json(read->rule), Json(CountryIn({"FR"})));
  const auto active =
      InTx([&](storage::SegmentStore& store) { return store.ActiveRules(tenant_); });
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].segment_id, "us");
}

TEST_F(SegmentStoreTest, OneActiveDefaultPerTenantAndIdsAreUnique) {
  Create(NewSegment("rest", 0, std::nullopt));
  const auto second = ErrorFrom([&](storage::SegmentStore& store) {
    store.Create(tenant_, NewSegment("others", 0, std::nullopt));
  });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->code(), ErrorCode::kFailedPrecondition) << second->message();
  EXPECT_EQ(second->reason(), "DEFAULT_SEGMENT_EXISTS");
  EXPECT_EQ(second->metadata().at("default_segment_id"), "rest");

  const auto taken = ErrorFrom([&](storage::SegmentStore& store) {
    store.Create(tenant_, NewSegment("rest", 3, CountryIn({"FR"})));
  });
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->code(), ErrorCode::kAlreadyExists) << taken->message();

  // Another tenant has a default of its own.
  Create(NewSegment("rest", 0, std::nullopt), db_.CreateTenant("other"));
  // Once retired, the default can be replaced.
  Retire("rest");
  EXPECT_TRUE(Create(NewSegment("others", 0, std::nullopt)).is_default);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM segments WHERE tenant_id = '" + tenant_ + "'"), "2");
}

// Decision order is priority (highest first), then segment_id bytewise, the
// default last whatever its priority; pages resume after the last position,
// extreme priorities included.
TEST_F(SegmentStoreTest, ListIsInDecisionOrderAndPagesResumeAtTheLastPosition) {
  Create(NewSegment("a", 0, CountryIn({"A"})));
  Create(NewSegment("b", 0, CountryIn({"B"})));
  Create(NewSegment("B", 0, CountryIn({"B"})));
  Create(NewSegment("max", INT32_MAX, CountryIn({"M"})));
  Create(NewSegment("min", INT32_MIN, CountryIn({"N"})));
  Create(NewSegment("neg", -1, CountryIn({"N"})));
  Create(NewSegment("rest", 1000, std::nullopt));
  Create(NewSegment("gone", 50, CountryIn({"G"})));
  Retire("gone");

  const std::vector<std::string> active = {"max", "B", "a", "b", "neg", "min", "rest"};
  const std::vector<std::string> all = {"max", "gone", "B", "a", "b", "neg", "min", "rest"};
  for (const bool include_retired : {false, true}) {
    for (const int page_size : {1, 2, 3, 100}) {
      std::vector<std::string> seen;
      std::optional<storage::SegmentListPosition> after;
      for (int pages = 0; pages < 20; ++pages) {
        std::vector<domain::Segment> page;
        try {
          page = InTx([&](storage::SegmentStore& store) {
            return store.List(tenant_, include_retired, after, page_size);
          });
        } catch (const domain::Error& error) {
          ADD_FAILURE() << "page after " << (after ? after->segment_id : "<start>") << ": "
                        << error.message();
          break;
        }
        for (const auto& segment : page) seen.push_back(segment.segment_id);
        if (static_cast<int>(page.size()) < page_size) break;
        const auto& last = page.back();
        after = storage::SegmentListPosition{last.is_default, last.priority, last.segment_id};
      }
      EXPECT_EQ(seen, include_retired ? all : active)
          << "page size " << page_size << ", retired " << include_retired;
    }
  }

  const auto rules = InTx([&](storage::SegmentStore& store) { return store.ActiveRules(tenant_); });
  std::vector<std::string> decision;
  for (const auto& rule : rules) decision.push_back(rule.segment_id);
  EXPECT_EQ(decision, active);
}

TEST_F(SegmentStoreTest, RulesAtReturnsExactVersionsAndMemberCountsCountCurrentMembers) {
  Create(NewSegment("eu", 10, CountryIn({"FR"})));
  AddVersion(NewSegment("eu", 40, CountryIn({"DE"})));
  Create(NewSegment("us", 20, CountryIn({"US"})));
  Create(NewSegment("rest", 0, std::nullopt));
  const auto rules = InTx([&](storage::SegmentStore& store) {
    return store.RulesAt(tenant_, {{"eu", 1}, {"us", 1}, {"rest", 1}});
  });
  ASSERT_EQ(rules.size(), 3u);
  // Version 1 of eu had priority 10, below us.
  EXPECT_EQ(rules[0].segment_id, "us");
  EXPECT_EQ(rules[1].segment_id, "eu");
  EXPECT_EQ(rules[1].version, 1);
  EXPECT_EQ(rules[1].priority, 10);
  EXPECT_EQ(Json(rules[1].rule), Json(CountryIn({"FR"})));
  EXPECT_EQ(rules[2].segment_id, "rest");
  EXPECT_TRUE(rules[2].is_default);

  AddCustomer("c-1", "{}", "SEGMENTED", "eu");
  AddCustomer("c-2", "{}", "SEGMENTED", "eu");
  AddCustomer("c-3", "{}", "SEGMENTED", "rest");
  AddCustomer("c-4", "{}");
  const auto counts = InTx([&](storage::SegmentStore& store) {
    return store.MemberCounts(tenant_, {"eu", "us", "rest"});
  });
  EXPECT_EQ(counts, (std::map<std::string, std::int64_t>{{"eu", 2}, {"rest", 1}}));
}

TEST_F(SegmentStoreTest, SettingsDefaultUntilPut) {
  const auto initial =
      InTx([&](storage::SegmentStore& store) { return store.GetSettings(tenant_); });
  EXPECT_EQ(initial.strategy, domain::SegmentationStrategy::kDifferentiated);
  EXPECT_FALSE(initial.update_time.has_value());
  const auto put = InTx([&](storage::SegmentStore& store) {
    return store.PutSettings(tenant_, domain::SegmentationStrategy::kHyper);
  });
  EXPECT_EQ(put.strategy, domain::SegmentationStrategy::kHyper);
  ASSERT_TRUE(put.update_time.has_value());
  const auto read = InTx([&](storage::SegmentStore& store) { return store.GetSettings(tenant_); });
  EXPECT_EQ(read.strategy, domain::SegmentationStrategy::kHyper);
  EXPECT_EQ(read.update_time, put.update_time);
}

// ================================================================ jobs

class ResegmentStoreTest : public SegmentingTest<storage::ResegmentStore> {
 protected:
  // The segments most tests use: "big" spenders first, then "eu", else the
  // default "rest".
  void CreateStandardSegments() {
    Create(NewSegment("eu", 10, CountryIn({"FR", "DE"})));
    Create(NewSegment("big", 15, SpendAtLeast(100)));
    Create(NewSegment("rest", 0, std::nullopt));
  }

  // Customer i of the standard population: spends 150 every fourth, and
  // lives in FR, US, DE in turn.
  static std::string Id(int i) {
    char id[16];
    std::snprintf(id, sizeof id, "c-%02d", i);
    return id;
  }
  static std::string Country(int i) { return i % 3 == 0 ? "FR" : i % 3 == 1 ? "US" : "DE"; }
  static std::string AttributesOf(int i) {
    return "{\"country\": \"" + Country(i) + "\", \"spend\": " + (i % 4 == 0 ? "150" : "10") + "}";
  }
  // Where the standard segments put customer i: an oracle independent of
  // both evaluators.
  static std::string Expected(int i) {
    if (i % 4 == 0) return "big";
    return Country(i) == "US" ? "rest" : "eu";
  }

  void AddNewCustomers(int count) {
    for (int i = 0; i < count; ++i) AddCustomer(Id(i), AttributesOf(i));
  }

  // The job over `count` standard NEW customers succeeded: each placed where
  // the oracle says, once in the counts, the matrix and the log.
  void ExpectFinishedPlacingEveryNewCustomerOnce(const std::string& job_id, int count) {
    const domain::ResegmentJob done = Job(job_id);
    EXPECT_EQ(done.state, domain::JobState::kSucceeded);
    EXPECT_EQ(done.processed, count);
    EXPECT_EQ(done.changed, count);
    std::int64_t in_matrix = 0;
    for (const auto& move : done.moves) in_matrix += move.customers;
    EXPECT_EQ(in_matrix, count);
    ExpectGaplessLogWithOneRowPerChange(count);
    const auto membership = Membership();
    for (int i = 0; i < count; ++i) EXPECT_EQ(membership.at(Id(i)), Expected(i)) << Id(i);
  }

  // Every change logged exactly once, with sequences 1..n in log order.
  void ExpectGaplessLogWithOneRowPerChange(std::int64_t changes) {
    const auto log = Log();
    ASSERT_EQ(static_cast<std::int64_t>(log.size()), changes);
    std::set<std::string> customers;
    for (std::size_t i = 0; i < log.size(); ++i) {
      EXPECT_EQ(log[i].sequence, static_cast<std::int64_t>(i + 1));
      EXPECT_TRUE(customers.insert(log[i].customer_id).second)
          << log[i].customer_id << " logged twice";
    }
    EXPECT_EQ(
        db_.Query("SELECT last_sequence FROM tenant_sequences WHERE tenant_id = '" + tenant_ + "'"),
        changes == 0 ? "" : std::to_string(changes));
  }
};

TEST_F(ResegmentStoreTest, SmallBatchesPlaceEveryoneLogEachChangeAndFillTheMatrix) {
  Create(NewSegment("eu", 10, CountryIn({"FR", "DE"})));
  Create(NewSegment("big", 15, SpendAtLeast(100)));
  AddVersion(NewSegment("big", 20, SpendAtLeast(100)));  // the log names version 2
  Create(NewSegment("rest", 0, std::nullopt));
  Create(NewSegment("old", 50, CountryIn({"US", "FR", "DE"})));
  Retire("old");
  // c-00..c-04 already sit where they belong; c-05..c-09 are ONBOARDING in
  // the retired "old"; the rest are NEW and in no segment.
  constexpr int kCount = 23;
  const auto before = [](int i) { return i < 5 ? Expected(i) : i < 10 ? "old" : ""; };
  const auto stage_before = [](int i) {
    return i < 5 ? "SEGMENTED" : i < 10 ? "ONBOARDING" : "NEW";
  };
  for (int i = 0; i < kCount; ++i) AddCustomer(Id(i), AttributesOf(i), stage_before(i), before(i));
  // Another tenant's customers are never in scope.
  const std::string other = db_.CreateTenant("other");
  AddCustomer("c-00", AttributesOf(0), "NEW", "", other);
  const auto customers_before = Customers();

  const domain::ResegmentJob started = StartJob();
  EXPECT_EQ(started.state, domain::JobState::kRunning);
  EXPECT_EQ(started.total, kCount);
  EXPECT_EQ(started.processed, 0);
  EXPECT_EQ(started.segment_versions, (std::vector<std::pair<std::string, std::int64_t>>{
                                          {"big", 2}, {"eu", 1}, {"rest", 1}}));

  // Two batches of five, a manual move in between (sequences interleave),
  // then the rest: 5 + 5 + 5 + 5 + 3.
  EXPECT_TRUE(Batch(started.job_id, 5));
  EXPECT_TRUE(Batch(started.job_id, 5));
  const domain::ResegmentJob halfway = Job(started.job_id);
  EXPECT_EQ(halfway.state, domain::JobState::kRunning);
  EXPECT_EQ(halfway.processed, 10);
  EXPECT_EQ(halfway.changed, 5);
  EXPECT_FALSE(halfway.finish_time.has_value());
  Tx([&](storage::Transaction& tx) {
    domain::TransitionCommand move;
    move.customer_id = Id(1);
    move.to = Stage::kOnboarding;
    move.actor = "key-1";
    move.actor_role = domain::Role::kService;
    storage::LifecycleStore(tx).Apply(tenant_, move);
  });
  EXPECT_EQ(RunToEnd(started.job_id, 5), 3);

  const domain::ResegmentJob done = Job(started.job_id);
  EXPECT_EQ(done.state, domain::JobState::kSucceeded);
  EXPECT_EQ(done.total, kCount);
  EXPECT_EQ(done.processed, kCount);
  EXPECT_EQ(done.changed, kCount - 5);
  EXPECT_TRUE(done.finish_time.has_value());
  EXPECT_EQ(done.error, "");
  Matrix expected_matrix;
  for (int i = 0; i < kCount; ++i) ++expected_matrix[{before(i), Expected(i)}];
  EXPECT_EQ(MatrixOf(done), expected_matrix);

  // Every customer where the oracle puts them; NEW ones moved to SEGMENTED,
  // the others kept their stage; only the changed ones got a new version.
  const auto after = Customers();
  for (int i = 0; i < kCount; ++i) {
    const auto& customer = after.at(Id(i));
    const auto& was = customers_before.at(Id(i));
    EXPECT_EQ(customer.segment_id, Expected(i)) << Id(i);
    const Stage stage = i == 1   ? Stage::kOnboarding
                        : i < 5  ? Stage::kSegmented
                        : i < 10 ? Stage::kOnboarding
                                 : Stage::kSegmented;
    EXPECT_EQ(customer.stage, stage) << Id(i);
    EXPECT_EQ(customer.version, was.version + (i == 1 || i >= 5 ? 1 : 0)) << Id(i);
  }

  // One log row per change (plus the manual move), sequences gapless and in
  // customer order within the job.
  ExpectGaplessLogWithOneRowPerChange(kCount - 5 + 1);
  const auto log = Log();
  std::int64_t previous_sequence = 0;
  for (const auto& row : log) {
    if (row.customer_id == Id(1)) {
      EXPECT_EQ(row.sequence, 6);  // after c-05..c-09
      EXPECT_EQ(row.trigger, domain::Trigger::kManual);
      continue;
    }
    const int i = std::stoi(row.customer_id.substr(2));
    EXPECT_GT(row.sequence, previous_sequence);
    previous_sequence = row.sequence;
    EXPECT_EQ(row.trigger, domain::Trigger::kSegmentation) << row.customer_id;
    EXPECT_EQ(row.actor, "system");
    EXPECT_EQ(row.previous_segment_id, before(i)) << row.customer_id;
    EXPECT_EQ(row.segment_id, Expected(i)) << row.customer_id;
    EXPECT_EQ(row.segment_version, Expected(i) == "big" ? 2 : 1) << row.customer_id;
    EXPECT_EQ(row.from, i < 10 ? Stage::kOnboarding : Stage::kNew) << row.customer_id;
    EXPECT_EQ(row.to, i < 10 ? Stage::kOnboarding : Stage::kSegmented) << row.customer_id;
    EXPECT_EQ(row.from_enter_time, customers_before.at(row.customer_id).stage_enter_time);
  }
  EXPECT_TRUE(Log(other).empty());
  EXPECT_EQ(Customers(other).at("c-00").segment_id, "");
}

TEST_F(ResegmentStoreTest, ResumesFromItsCursorOnAnotherConnectionAndNeverAppliesABatchTwice) {
  CreateStandardSegments();
  AddNewCustomers(40);
  const std::string job_id = StartJob().job_id;
  EXPECT_TRUE(Batch(job_id, 5));
  EXPECT_TRUE(Batch(job_id, 5));

  // A batch whose transaction dies (the server stops mid-batch) leaves
  // nothing behind: not the moves, not the cursor.
  const std::string footprint = Footprint();
  try {
    session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      storage::ResegmentStore(tx).RunBatch(storage::JobRef{tenant_, job_id}, 5);
      throw domain::Error::Unavailable("stopped mid-batch");
    });
    ADD_FAILURE() << "the batch should have rolled back";
  } catch (const domain::Error&) {
  }
  EXPECT_EQ(Footprint(), footprint);
  EXPECT_EQ(Job(job_id).processed, 10);

  // A new process: another connection, new stores.
  storage::Session restarted{storage::SessionOptions{.dsn = db_.dsn()}};
  EXPECT_EQ(RunToEnd(job_id, 7, &restarted), 5);  // 30 left: 7 7 7 7 2
  ExpectFinishedPlacingEveryNewCustomerOnce(job_id, 40);

  // A finished job does nothing more.
  const std::string finished = Footprint();
  EXPECT_FALSE(Batch(job_id, 5));
  EXPECT_FALSE(Batch(job_id, 5, &restarted));
  EXPECT_EQ(Footprint(), finished);
}

// A batch that ends exactly at the last customer cannot know it was the
// last; the next call finds nothing and finishes the job.
TEST_F(ResegmentStoreTest, ABatchEndingOnTheLastCustomerFinishesOnTheNextCall) {
  CreateStandardSegments();
  AddNewCustomers(10);
  const std::string job_id = StartJob().job_id;
  EXPECT_TRUE(Batch(job_id, 5));
  EXPECT_TRUE(Batch(job_id, 5));
  EXPECT_EQ(Job(job_id).state, domain::JobState::kRunning);
  EXPECT_FALSE(Batch(job_id, 5));
  const auto done = Job(job_id);
  EXPECT_EQ(done.state, domain::JobState::kSucceeded);
  EXPECT_EQ(done.processed, 10);
  EXPECT_TRUE(done.finish_time.has_value());
}

TEST_F(ResegmentStoreTest, FilterRuleAndSegmentIdsLimitTheScope) {
  CreateStandardSegments();
  AddNewCustomers(12);  // FR: 0 3 6 9, US: 1 4 7 10, DE: 2 5 8 11

  // Only the French.
  const domain::ResegmentJob french =
      StartJob(Scope(Cond("attributes.country", RuleOp::kEq, {std::string("FR")})));
  EXPECT_EQ(french.total, 4);
  ASSERT_TRUE(french.scope.filter.has_value());
  RunToEnd(french.job_id, 3);
  EXPECT_EQ(Job(french.job_id).processed, 4);
  EXPECT_EQ(Job(french.job_id).changed, 4);
  EXPECT_EQ(MatrixOf(Job(french.job_id)), (Matrix{{{"", "big"}, 1}, {{"", "eu"}, 3}}));
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(Membership().at(Id(i)), Country(i) == "FR" ? Expected(i) : "") << Id(i);
  }

  // Only those in no segment: everyone else.
  const domain::ResegmentJob unplaced = StartJob(Scope(std::nullopt, std::vector<std::string>{""}));
  EXPECT_EQ(unplaced.total, 8);
  RunToEnd(unplaced.job_id, 3);
  EXPECT_EQ(Job(unplaced.job_id).processed, 8);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(Membership().at(Id(i)), Expected(i)) << Id(i);

  // A new segment for the Americans; a job limited to "eu" members leaves
  // the Americans (in "rest") where they are, one for "rest" moves them.
  Create(NewSegment("us", 5, CountryIn({"US"})));
  const domain::ResegmentJob eu_only =
      StartJob(Scope(std::nullopt, std::vector<std::string>{"eu"}));
  EXPECT_EQ(eu_only.total, 6);  // 2 3 5 6 9 11
  RunToEnd(eu_only.job_id, 4);
  EXPECT_EQ(Job(eu_only.job_id).processed, 6);
  EXPECT_EQ(Job(eu_only.job_id).changed, 0);
  EXPECT_EQ(MatrixOf(Job(eu_only.job_id)), (Matrix{{{"eu", "eu"}, 6}}));
  EXPECT_EQ(Membership().at(Id(1)), "rest");

  const domain::ResegmentJob rest_only =
      StartJob(Scope(std::nullopt, std::vector<std::string>{"rest", "nope"}));
  RunToEnd(rest_only.job_id, 4);
  EXPECT_EQ(MatrixOf(Job(rest_only.job_id)), (Matrix{{{"rest", "us"}, 3}}));
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(Membership().at(Id(i)), Expected(i) == "rest" ? "us" : Expected(i)) << Id(i);
  }
}

// Rules are fixed when a job starts: edits, new segments and retirements
// after that wait for the next job.
TEST_F(ResegmentStoreTest, AJobAppliesTheRuleVersionsItStartedWith) {
  Create(NewSegment("eu", 10, CountryIn({"FR"})));
  Create(NewSegment("rest", 0, std::nullopt));
  AddNewCustomers(6);  // FR: 0 3, US: 1 4, DE: 2 5
  const domain::ResegmentJob first = StartJob();

  AddVersion(NewSegment("eu", 60, CountryIn({"US"})));
  Create(NewSegment("late", 50, CountryIn({"US", "DE"})));
  Retire("rest");
  RunToEnd(first.job_id, 4);

  const domain::ResegmentJob done = Job(first.job_id);
  EXPECT_EQ(done.segment_versions,
            (std::vector<std::pair<std::string, std::int64_t>>{{"eu", 1}, {"rest", 1}}));
  EXPECT_EQ(MatrixOf(done), (Matrix{{{"", "eu"}, 2}, {{"", "rest"}, 4}}));
  for (const auto& row : Log()) {
    EXPECT_EQ(row.segment_version, 1) << row.customer_id;
    EXPECT_EQ(row.segment_id,
              Country(std::stoi(row.customer_id.substr(2))) == "FR" ? "eu" : "rest");
  }

  // The next job takes today's rules: eu v2 (US), late (DE), no default.
  const domain::ResegmentJob second = StartJob();
  RunToEnd(second.job_id, 4);
  EXPECT_EQ(Job(second.job_id).segment_versions,
            (std::vector<std::pair<std::string, std::int64_t>>{{"eu", 2}, {"late", 1}}));
  EXPECT_EQ(MatrixOf(Job(second.job_id)),
            (Matrix{{{"eu", ""}, 2}, {{"rest", "eu"}, 2}, {{"rest", "late"}, 2}}));
  std::map<std::string, std::int64_t> version_by_customer;
  for (const auto& row : Log()) {
    if (row.sequence > 6) version_by_customer[row.customer_id] = row.segment_version;
  }
  EXPECT_EQ(version_by_customer,
            (std::map<std::string, std::int64_t>{
                {"c-00", 0}, {"c-01", 2}, {"c-02", 1}, {"c-03", 0}, {"c-04", 2}, {"c-05", 1}}));
  // Left without a segment, the French keep their stage.
  EXPECT_EQ(Customers().at("c-00").stage, Stage::kSegmented);
  EXPECT_EQ(Customers().at("c-00").segment_id, "");
}

// With no rule segment at all, the default takes everyone.
TEST_F(ResegmentStoreTest, OnlyTheDefaultSegmentTakesEveryone) {
  Create(NewSegment("rest", 0, std::nullopt));
  AddNewCustomers(4);
  const std::string job_id = StartJob().job_id;
  try {
    RunToEnd(job_id, 3);
  } catch (const domain::Error& error) {
    FAIL() << "batch failed: " << error.message();
  }
  EXPECT_EQ(MatrixOf(Job(job_id)), (Matrix{{{"", "rest"}, 4}}));
  for (const auto& [id, segment] : Membership()) EXPECT_EQ(segment, "rest") << id;
}

TEST_F(ResegmentStoreTest, FailJobStopsItAndKeepsWhatWasDone) {
  CreateStandardSegments();
  AddNewCustomers(6);
  const std::string job_id = StartJob().job_id;
  EXPECT_TRUE(Batch(job_id, 2));
  InTx([&](storage::ResegmentStore& store) {
    store.FailJob(storage::JobRef{tenant_, job_id}, "rule took too long");
  });
  const domain::ResegmentJob failed = Job(job_id);
  EXPECT_EQ(failed.state, domain::JobState::kFailed);
  EXPECT_EQ(failed.error, "rule took too long");
  EXPECT_TRUE(failed.finish_time.has_value());
  EXPECT_EQ(failed.processed, 2);

  const std::string footprint = Footprint();
  EXPECT_FALSE(Batch(job_id, 2));
  EXPECT_EQ(Footprint(), footprint);
  EXPECT_TRUE(InTx([&](storage::ResegmentStore& store) { return store.RunningJobs(10); }).empty());

  // A finished job cannot be failed afterwards.
  const std::string other = StartJob().job_id;
  RunToEnd(other, 10);
  InTx([&](storage::ResegmentStore& store) {
    store.FailJob(storage::JobRef{tenant_, other}, "too late");
  });
  EXPECT_EQ(Job(other).state, domain::JobState::kSucceeded);
  EXPECT_EQ(Job(other).error, "");
}

// Two runners (replicas) never run one job's batches at once: the second
// skips a job whose row is locked instead of waiting for it.
TEST_F(ResegmentStoreTest, ARunnerSkipsAJobAnotherRunnerIsWorkingOn) {
  CreateStandardSegments();
  AddNewCustomers(6);
  const std::string job_id = StartJob().job_id;
  storage::Session other{storage::SessionOptions{.dsn = db_.dsn()}};
  Tx([&](storage::Transaction& tx) {
    EXPECT_TRUE(storage::ResegmentStore(tx).RunBatch(storage::JobRef{tenant_, job_id}, 2));
    EXPECT_FALSE(Batch(job_id, 2, &other));
  });
  EXPECT_EQ(Job(job_id).processed, 2);
  EXPECT_EQ(RunToEnd(job_id, 2, &other), 3);  // 4 left: 2 2 then nothing
  EXPECT_EQ(Job(job_id).processed, 6);
  ExpectGaplessLogWithOneRowPerChange(6);
}

// Each slice as start..end (exclusive start, inclusive end; "" for none).
std::string SliceRanges(testing::TestDatabase& db, const std::string& job_id) {
  return db.Query(
      "SELECT string_agg(cursor || '..' || coalesce(range_end, ''), ' ' ORDER BY slice)"
      " FROM resegment_job_slices WHERE job_id = '" +
      job_id + "'");
}

TEST_F(ResegmentStoreTest, SlicesCutTheCustomersIntoEvenRangesById) {
  CreateStandardSegments();
  EXPECT_EQ(SliceRanges(db_, StartJob({}, 4).job_id), "..") << "no customers: one slice";
  AddNewCustomers(40);
  const struct {
    int slices;
    std::string ranges;
  } cases[] = {
      {1, ".."},
      {2, "..c-19 c-19.."},
      {3, "..c-13 c-13..c-27 c-27.."},  // 14, 14 and the 12 left
      {4, "..c-09 c-09..c-19 c-19..c-29 c-29.."},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SliceRanges(db_, StartJob({}, c.slices).job_id), c.ranges) << c.slices << " slices";
  }
  // More slices than customers: one customer a slice, never an empty one.
  const std::string ranges = SliceRanges(db_, StartJob({}, 50).job_id);
  EXPECT_EQ(std::count(ranges.begin(), ranges.end(), ' ') + 1, 40) << ranges;
  EXPECT_EQ(ranges.substr(0, 12), "..c-00 c-00.");
}

// Two runners work on one job at once, each on a slice the other does not
// hold; together they place everyone once, and the batch that finishes the
// last slice finishes the job.
TEST_F(ResegmentStoreTest, TwoRunnersShareAJobSliceBySlice) {
  CreateStandardSegments();
  AddNewCustomers(40);
  const std::string job_id = StartJob({}, 2).job_id;
  storage::Session other{storage::SessionOptions{.dsn = db_.dsn()}};
  std::jthread second;
  Tx([&](storage::Transaction& tx) {
    EXPECT_TRUE(storage::ResegmentStore(tx).RunBatch(storage::JobRef{tenant_, job_id}, 5));
    // The first slice is held: the other runner takes the second, and
    // queues only for the tenant's sequence, which this batch holds.
    second = std::jthread([&] { EXPECT_TRUE(Batch(job_id, 5, &other)); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db_.Query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     " AND datname = current_database()") != "1" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  second.join();
  EXPECT_EQ(db_.Query("SELECT string_agg(cursor, ' ' ORDER BY slice) FROM resegment_job_slices"),
            "c-04 c-24");
  // 15 + 15 left: per slice 3 full batches, then an empty one that finds it
  // done; the last of those finishes the job.
  EXPECT_EQ(RunToEnd(job_id, 5, &other), 8);
  ExpectFinishedPlacingEveryNewCustomerOnce(job_id, 40);
}

// Runners racing to the end: whichever commits the last slice must see the
// others' finished slices, or the job would stay RUNNING with nothing left.
TEST_F(ResegmentStoreTest, ConcurrentRunnersFinishTheJobOnceAndPlaceEveryoneOnce) {
  CreateStandardSegments();
  AddNewCustomers(90);
  for (int round = 0; round < 3; ++round) {
    // Round 0 places everyone; later rounds move nobody but still finish.
    const std::string job_id = StartJob({}, 4).job_id;
    {
      std::vector<std::jthread> runners;
      for (int i = 0; i < 3; ++i) {
        runners.emplace_back([&] {
          storage::Session own{storage::SessionOptions{.dsn = db_.dsn()}};
          RunToEnd(job_id, 4, &own);
        });
      }
    }
    // No clean-up pass: a runner gives up only when every slice left is held
    // by another, which goes on to the end, so the job is finished here.
    const domain::ResegmentJob done = Job(job_id);
    EXPECT_EQ(done.state, domain::JobState::kSucceeded) << "round " << round;
    EXPECT_EQ(done.processed, 90) << "round " << round;
    EXPECT_EQ(done.changed, round == 0 ? 90 : 0) << "round " << round;
    EXPECT_EQ(db_.Query("SELECT count(*) FROM resegment_job_slices WHERE NOT done AND job_id = '" +
                        job_id + "'"),
              "0");
  }
  ExpectGaplessLogWithOneRowPerChange(90);
  const auto membership = Membership();
  for (int i = 0; i < 90; ++i) EXPECT_EQ(membership.at(Id(i)), Expected(i)) << Id(i);
}

TEST_F(ResegmentStoreTest, RunningJobsListsUnfinishedJobsOfEveryTenantOldestFirst) {
  CreateStandardSegments();
  AddNewCustomers(3);
  const std::string first = StartJob().job_id;
  const std::string second = StartJob().job_id;
  const std::string finished = StartJob().job_id;
  RunToEnd(finished, 10);
  const std::string other_tenant = db_.CreateTenant("other");
  const std::string elsewhere = Tx([&](storage::Transaction& tx) {
    return storage::ResegmentStore(tx)
        .CreateJob(other_tenant, {}, {}, std::chrono::system_clock::now())
        .job_id;
  });
  const auto running = InTx([&](storage::ResegmentStore& store) { return store.RunningJobs(10); });
  std::vector<std::string> ids;
  for (const auto& job : running) ids.push_back(job.job_id);
  EXPECT_EQ(ids, (std::vector<std::string>{first, second, elsewhere}));
  EXPECT_EQ(running.back().tenant_id, other_tenant);
  EXPECT_EQ(InTx([&](storage::ResegmentStore& store) { return store.RunningJobs(1); }).size(), 1u);
}

// ================================================================ previews

class SegmentPreviewTest : public ResegmentStoreTest {
 protected:
  // Today's active rules with `candidate` in its place, as the service does.
  storage::SegmentPreview Preview(const domain::SegmentRuleRef& candidate, int sample_size) {
    return Tx([&](storage::Transaction& tx) {
      auto rules = storage::SegmentStore(tx).ActiveRules(tenant_);
      std::erase_if(rules, [&](const domain::SegmentRuleRef& rule) {
        return rule.segment_id == candidate.segment_id || (candidate.is_default && rule.is_default);
      });
      rules.push_back(candidate);
      domain::SortForAssignment(rules);
      return storage::ResegmentStore(tx).Preview(tenant_, rules, candidate, sample_size,
                                                 std::chrono::system_clock::now());
    });
  }
};

TEST_F(SegmentPreviewTest, CountsMatchesMembersAndWhoEntersAndLeavesWithoutChangingAnything) {
  CreateStandardSegments();
  AddNewCustomers(12);  // big: 0 4 8; eu: 2 3 5 6 9 11; rest: 1 7 10
  RunToEnd(StartJob().job_id, 100);
  const std::string footprint = Footprint();

  // Edit eu to take the Americans instead.
  const storage::SegmentPreview edit = Preview(
      domain::SegmentRuleRef{.segment_id = "eu", .priority = 10, .rule = CountryIn({"US"})}, 2);
  EXPECT_EQ(edit.total_customers, 12);
  EXPECT_EQ(edit.matching, 4);  // 1 4 7 10
  EXPECT_EQ(edit.members, 3);   // 4 spends big
  EXPECT_EQ(edit.entering, 3);
  EXPECT_EQ(edit.leaving, 6);
  EXPECT_EQ(edit.entering_sample, (std::vector<std::string>{"c-01", "c-07"}));
  EXPECT_EQ(edit.leaving_sample, (std::vector<std::string>{"c-02", "c-03"}));

  // A new segment above everything takes its matches from wherever they are.
  const storage::SegmentPreview vip = Preview(
      domain::SegmentRuleRef{.segment_id = "fr-first", .priority = 99, .rule = CountryIn({"FR"})},
      10);
  EXPECT_EQ(vip.matching, 4);
  EXPECT_EQ(vip.members, 4);
  EXPECT_EQ(vip.entering, 4);
  EXPECT_EQ(vip.leaving, 0);
  EXPECT_EQ(vip.entering_sample, (std::vector<std::string>{"c-00", "c-03", "c-06", "c-09"}));
  EXPECT_TRUE(vip.leaving_sample.empty());

  // A default replacing "rest".
  const storage::SegmentPreview fallback = Preview(DefaultCandidate("others"), 10);
  EXPECT_EQ(fallback.matching, 12);
  EXPECT_EQ(fallback.members, 3);
  EXPECT_EQ(fallback.entering, 3);
  EXPECT_EQ(fallback.leaving, 0);
  EXPECT_EQ(Footprint(), footprint);
}

// The first segment a tenant makes is often the default alone.
TEST_F(SegmentPreviewTest, TheDefaultAloneTakesEveryone) {
  AddNewCustomers(5);
  storage::SegmentPreview preview;
  try {
    preview = Preview(DefaultCandidate("rest"), 3);
  } catch (const domain::Error& error) {
    FAIL() << "preview failed: " << error.message();
  }
  EXPECT_EQ(preview.total_customers, 5);
  EXPECT_EQ(preview.matching, 5);
  EXPECT_EQ(preview.members, 5);
  EXPECT_EQ(preview.entering, 5);
  EXPECT_EQ(preview.entering_sample, (std::vector<std::string>{"c-00", "c-01", "c-02"}));
}

}  // namespace
}  // namespace lifecycle
