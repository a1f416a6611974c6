// One rule, two evaluators, one answer. Segment rules run in the domain for
// one customer (domain::Matches over CustomerFactsStore rows) and as SQL for
// bulk work (storage::CompileRule over the customer_facts view). This seeds a
// tenant with a few thousand generated customers and checks that a few
// hundred random valid rules, and whole segment assignments, select exactly
// the same customers both ways.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "server/domain/customer_facts.h"
#include "server/domain/error.h"
#include "server/domain/health_band.h"
#include "server/domain/segment.h"
#include "server/domain/segment_rule.h"
#include "server/domain/segment_rule_eval.h"
#include "server/domain/segment_rule_json.h"
#include "server/domain/stage.h"
#include "storage/customer_facts_store.h"
#include "storage/segment_sql.h"
#include "storage/sql_array.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"
#include "tests/support/store_test.h"
#include "tests/unit/segment_rule_builders.h"

namespace lifecycle {
namespace {

using domain::RuleNode;
using domain::RuleOp;
using domain::RuleValue;
using domain::Timestamp;
using namespace domain::rule_builders;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

constexpr int kCustomers = 3000;
constexpr int kRules = 400;
constexpr int kAssignments = 40;
constexpr int kMaxDepth = 4;  // levels: the root is 1

// Draws from mt19937_64, whose output the standard fixes (the <random>
// distributions are not), so every run and every platform sees the same data.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t Below(std::uint64_t n) { return engine_() % n; }
  bool Percent(std::uint64_t p) { return Below(100) < p; }
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

// Values customers hold and rules compare with, from shared pools so that
// equality and containment hit often. Strings cover bytewise order traps
// (upper before lower, multi-byte UTF-8 after ASCII), quotes, the empty string
// and look-alikes of other types.
const std::vector<std::string> kStrings = {
    "FR",   "fr", "DE", "US",  "",  "\xC3\xA9", "Éire", "Ölland", "zz", "a'b",         "pro",
    "free", "r",  "an", "FR ", "Z", "~",        "100",  "true",   "e",  "back\\slash", "%_"};
// Numbers as JSON text: jsonb keeps the decimal, the domain parses the same
// text, and both must land on the same double.
const std::vector<std::string> kNumberTexts = {"0",
                                               "-0",
                                               "1",
                                               "2.5",
                                               "-3.75",
                                               "100",
                                               "0.1",
                                               "0.3",
                                               "0.30000000000000004",
                                               "1e2",
                                               "-1e-7",
                                               "7",
                                               "99.99",
                                               "-100",
                                               "12345678901234567",
                                               "1e15",
                                               "50",
                                               "-50.5",
                                               "18446744073709551615",
                                               "123456789012345678901234567890"};
const std::vector<double> kNumbers = {0,
                                      -0.0,
                                      1,
                                      2.5,
                                      -3.75,
                                      100,
                                      0.1,
                                      0.3,
                                      0.30000000000000004,
                                      -1e-7,
                                      7,
                                      99.99,
                                      -100,
                                      12345678901234567.0,
                                      1e15,
                                      50,
                                      -50.5,
                                      18446744073709551615.0,
                                      1.5,
                                      -1,
                                      1e300};
const std::vector<std::string> kPlans = {"free", "pro", "team", "enterprise"};
const std::vector<std::string> kProducts = {"p-1", "p-2", "FR"};

std::string Quoted(const std::string& text) { return nlohmann::json(text).dump(); }

// Instants that many customers share, so timestamp equality matters; some
// before 1970, where truncating and flooring sub-microsecond parts differ.
const std::vector<std::int64_t> kPopularMicros = {
    -315'619'200'000'000,  // 1960-01-01
    -1,                    // just before the epoch
    0,
    1,
    1'000'000,
    1'600'000'000'000'000,
    1'700'000'000'123'456,
    1'893'456'000'000'000,  // 2030-01-01
};

// ------------------------------------------------------------ customers

struct SeedCustomer {
  std::string id;
  std::string attributes;  // a JSON object as text
  std::string stage;
  std::int64_t created_micros = 0;
};

class AttributeWriter {
 public:
  void Add(const std::string& key, const std::string& json) {
    text_ += (text_.empty() ? "" : ", ") + Quoted(key) + ": " + json;
  }
  std::string Object() const { return "{" + text_ + "}"; }

 private:
  std::string text_;
};

std::string StringArray(Draw& draw, int max) {
  std::string out;
  const int n = static_cast<int>(draw.Below(max + 1));
  for (int i = 0; i < n; ++i) out += (i ? ", " : "") + Quoted(draw.Pick(kStrings));
  return "[" + out + "]";
}

std::string NumberArray(Draw& draw, int max) {
  std::string out;
  const int n = static_cast<int>(draw.Below(max + 1));
  for (int i = 0; i < n; ++i) out += (i ? ", " : "") + draw.Pick(kNumberTexts);
  return "[" + out + "]";
}

// Any JSON value: scalars of every type, null, and (below `depth`) nested
// objects and arrays.
std::string AnyValue(Draw& draw, int depth = 0) {
  switch (draw.Below(depth < 2 ? 7 : 5)) {
    case 0:
    case 1:
      return Quoted(draw.Pick(kStrings));
    case 2:
      return draw.Pick(kNumberTexts);
    case 3:
      return draw.Percent(50) ? "true" : "false";
    case 4:
      return "null";
    case 5:
      return "{\"a\": " + AnyValue(draw, depth + 1) + ", \"0\": " + AnyValue(draw, depth + 1) + "}";
    default:
      return "[" + AnyValue(draw, depth + 1) + ", " + AnyValue(draw, depth + 1) + "]";
  }
}

std::string Attributes(Draw& draw) {
  AttributeWriter out;
  if (draw.Percent(85)) {
    out.Add("country", draw.Percent(85)   ? Quoted(draw.Pick(kStrings))
                       : draw.Percent(50) ? "null"
                                          : draw.Pick(kNumberTexts));
  }
  if (draw.Percent(70)) out.Add("plan", Quoted(draw.Pick(kPlans)));
  if (draw.Percent(80)) {
    out.Add("spend", draw.Percent(85) ? draw.Pick(kNumberTexts) : Quoted(draw.Pick(kStrings)));
  }
  if (draw.Percent(60)) out.Add("age", std::to_string(draw.Between(18, 80)));
  if (draw.Percent(70)) {
    out.Add("vip", draw.Percent(45) ? "true" : draw.Percent(80) ? "false" : "null");
  }
  if (draw.Percent(75)) out.Add("score", AnyValue(draw));
  if (draw.Percent(70)) {
    out.Add("tags", draw.Percent(80) ? StringArray(draw, 4) : Quoted(draw.Pick(kStrings)));
  }
  if (draw.Percent(50)) out.Add("nums", NumberArray(draw, 3));
  if (draw.Percent(50)) out.Add("mixed", "[" + AnyValue(draw) + ", " + AnyValue(draw) + "]");
  if (draw.Percent(70)) {
    if (draw.Percent(85)) {
      AttributeWriter address;
      if (draw.Percent(80)) address.Add("city", Quoted(draw.Pick(kStrings)));
      if (draw.Percent(70)) {
        address.Add("zip",
                    draw.Percent(60) ? draw.Pick(kNumberTexts) : Quoted(draw.Pick(kStrings)));
      }
      if (draw.Percent(50)) {
        address.Add("geo", draw.Percent(80) ? "{\"lat\": " + draw.Pick(kNumberTexts) + "}"
                                            : AnyValue(draw));
      }
      if (draw.Percent(30)) address.Add("0", Quoted(draw.Pick(kStrings)));
      out.Add("address", address.Object());
    } else {
      out.Add("address", AnyValue(draw));
    }
  }
  if (draw.Percent(40)) out.Add("note", "null");
  return out.Object();
}

std::vector<SeedCustomer> GenerateCustomers(Draw& draw, int count) {
  std::vector<SeedCustomer> customers;
  for (int i = 0; i < count; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "c-%05d", i);
    SeedCustomer customer;
    customer.id = id;
    customer.attributes = Attributes(draw);
    customer.stage = std::string(domain::StageName(draw.Pick(
        std::vector<domain::Stage>(std::begin(domain::kAllStages), std::end(domain::kAllStages)))));
    customer.created_micros = draw.Percent(25)
                                  ? draw.Pick(kPopularMicros)
                                  : draw.Between(-315'619'200'000'000, 1'893'456'000'000'000);
    customers.push_back(std::move(customer));
  }
  return customers;
}

// ------------------------------------------------------------ rules

enum class FieldKind { kAttribute, kStageName, kBandName, kNumber, kTimestamp, kProducts };

struct FieldSpec {
  std::string name;
  FieldKind kind;
};

// Attribute paths include ones through arrays ("tags.0"), through scalars
// ("spend.x") and object keys that look like indexes ("address.0").
const std::vector<FieldSpec> kFields = {
    {"attributes.country", FieldKind::kAttribute},
    {"attributes.country", FieldKind::kAttribute},
    {"attributes.plan", FieldKind::kAttribute},
    {"attributes.spend", FieldKind::kAttribute},
    {"attributes.spend", FieldKind::kAttribute},
    {"attributes.age", FieldKind::kAttribute},
    {"attributes.vip", FieldKind::kAttribute},
    {"attributes.score", FieldKind::kAttribute},
    {"attributes.score", FieldKind::kAttribute},
    {"attributes.tags", FieldKind::kAttribute},
    {"attributes.tags", FieldKind::kAttribute},
    {"attributes.nums", FieldKind::kAttribute},
    {"attributes.mixed", FieldKind::kAttribute},
    {"attributes.address", FieldKind::kAttribute},
    {"attributes.address.city", FieldKind::kAttribute},
    {"attributes.address.zip", FieldKind::kAttribute},
    {"attributes.address.geo.lat", FieldKind::kAttribute},
    {"attributes.address.0", FieldKind::kAttribute},
    {"attributes.note", FieldKind::kAttribute},
    {"attributes.missing", FieldKind::kAttribute},
    {"attributes.tags.0", FieldKind::kAttribute},
    {"attributes.nums.1", FieldKind::kAttribute},
    {"attributes.mixed.-1", FieldKind::kAttribute},
    {"attributes.mixed.0.a", FieldKind::kAttribute},
    {"attributes.spend.x", FieldKind::kAttribute},
    {"stage", FieldKind::kStageName},
    {"stage", FieldKind::kStageName},
    {"health_band", FieldKind::kBandName},
    {"health_score", FieldKind::kNumber},
    {"days_since_last_purchase", FieldKind::kNumber},
    {"days_since_last_activity", FieldKind::kNumber},
    {"signal_count.PURCHASE", FieldKind::kNumber},
    {"signal_count.COMPLAINT", FieldKind::kNumber},
    {"created_at", FieldKind::kTimestamp},
    {"created_at", FieldKind::kTimestamp},
    {"last_purchase_at", FieldKind::kTimestamp},
    {"last_activity_at", FieldKind::kTimestamp},
    {"products_held", FieldKind::kProducts},
};

class RuleGenerator {
 public:
  explicit RuleGenerator(Draw& draw) : draw_(draw) {}

  RuleNode Rule(int level = 1) {
    if (level >= kMaxDepth || draw_.Percent(level == 1 ? 30 : 45)) return Condition();
    switch (draw_.Below(3)) {
      case 0:
        return All(Children(level));
      case 1:
        return Any(Children(level));
      default:
        return Not(Rule(level + 1));
    }
  }

 private:
  std::vector<RuleNode> Children(int level) {
    std::vector<RuleNode> children;
    const int n = static_cast<int>(draw_.Between(1, 3));
    for (int i = 0; i < n; ++i) children.push_back(Rule(level + 1));
    return children;
  }

  RuleNode Condition() {
    const FieldSpec& field = draw_.Pick(kFields);
    switch (field.kind) {
      case FieldKind::kAttribute:
        return Attribute(field.name);
      case FieldKind::kStageName:
        return Named(field.name, StageNames());
      case FieldKind::kBandName:
        return Named(field.name, BandNames());
      case FieldKind::kNumber:
        return Ordered(field.name, [&] { return RuleValue(draw_.Pick(kNumbers)); });
      case FieldKind::kTimestamp:
        return Ordered(field.name, [&] { return RuleValue(Time()); });
      case FieldKind::kProducts:
        if (draw_.Percent(30)) return Cond(field.name, RuleOp::kExists);
        return Cond(field.name, RuleOp::kContains, {draw_.Pick(kProducts)});
    }
    return Cond("stage", RuleOp::kExists);
  }

  // Rule literals may not be empty (validation says so); customers may hold "".
  static const std::vector<std::string>& RuleStrings() {
    static const std::vector<std::string> strings = [] {
      std::vector<std::string> out;
      for (const auto& text : kStrings) {
        if (!text.empty()) out.push_back(text);
      }
      return out;
    }();
    return strings;
  }

  static std::vector<std::string> StageNames() {
    std::vector<std::string> names;
    for (auto stage : domain::kAllStages) names.emplace_back(domain::StageName(stage));
    return names;
  }
  static std::vector<std::string> BandNames() {
    std::vector<std::string> names;
    for (auto band : domain::kAllHealthBands) names.emplace_back(domain::HealthBandName(band));
    return names;
  }

  RuleNode Named(const std::string& field, const std::vector<std::string>& names) {
    const RuleOp ops[] = {RuleOp::kEq, RuleOp::kNe, RuleOp::kIn, RuleOp::kNotIn, RuleOp::kExists};
    const RuleOp op = ops[draw_.Below(std::size(ops))];
    return Cond(field, op, Values(op, [&] { return RuleValue(draw_.Pick(names)); }));
  }

  // Fields of one ordered type (numbers, timestamps): every op but CONTAINS.
  template <class Make>
  RuleNode Ordered(const std::string& field, Make make) {
    RuleOp op = domain::kAllRuleOps[draw_.Below(std::size(domain::kAllRuleOps))];
    if (op == RuleOp::kContains) op = RuleOp::kBetween;
    return Cond(field, op, Values(op, make));
  }

  RuleNode Attribute(const std::string& field) {
    const RuleOp op = domain::kAllRuleOps[draw_.Below(std::size(domain::kAllRuleOps))];
    const bool ordering = op == RuleOp::kLt || op == RuleOp::kLe || op == RuleOp::kGt ||
                          op == RuleOp::kGe || op == RuleOp::kBetween;
    const std::uint64_t pick = draw_.Below(ordering ? 2 : 5);
    // One type per condition, as validation demands of IN, NOT_IN, BETWEEN.
    if (pick == 0 || pick == 2) {
      return Cond(field, op, Values(op, [&] { return RuleValue(draw_.Pick(RuleStrings())); }));
    }
    if (pick == 1 || pick == 3) {
      return Cond(field, op, Values(op, [&] { return RuleValue(draw_.Pick(kNumbers)); }));
    }
    return Cond(field, op, Values(op, [&] { return RuleValue(draw_.Percent(50)); }));
  }

  template <class Make>
  std::vector<RuleValue> Values(RuleOp op, Make make) {
    switch (op) {
      case RuleOp::kExists:
        return {};
      case RuleOp::kIn:
      case RuleOp::kNotIn: {
        std::vector<RuleValue> values;
        const int n = static_cast<int>(draw_.Between(1, 4));
        for (int i = 0; i < n; ++i) values.push_back(make());
        return values;
      }
      case RuleOp::kBetween: {
        RuleValue lo = make();
        RuleValue hi = make();
        if (Less(hi, lo)) std::swap(lo, hi);
        return {lo, hi};
      }
      default:
        return {make()};
    }
  }

  // The order validation checks BETWEEN bounds in.
  static bool Less(const RuleValue& a, const RuleValue& b) {
    if (const auto* time = std::get_if<Timestamp>(&a)) {
      return std::chrono::floor<microseconds>(*time) <
             std::chrono::floor<microseconds>(std::get<Timestamp>(b));
    }
    return a < b;
  }

  // A popular instant, a microsecond either side, a fraction of one either
  // side, or anywhere.
  Timestamp Time() {
    if (draw_.Percent(20)) {
      return storage::FromEpochMicros(draw_.Between(-315'619'200'000'000, 1'893'456'000'000'000)) +
             nanoseconds(draw_.Below(1000));
    }
    const Timestamp base = storage::FromEpochMicros(draw_.Pick(kPopularMicros));
    switch (draw_.Below(5)) {
      case 0:
        return base + microseconds(1);
      case 1:
        return base - microseconds(1);
      case 2:
        return base + nanoseconds(500);
      case 3:
        return base - nanoseconds(500);
      default:
        return base;
    }
  }

  Draw& draw_;
};

// ------------------------------------------------------------ the test

std::string Describe(const RuleNode& rule) {
  try {
    return domain::RuleToJson(rule);
  } catch (const std::exception& e) {
    return std::string("<unprintable rule: ") + e.what() + ">";
  }
}

class SegmentEquivalenceTest : public testing::StoreTest<storage::CustomerFactsStore> {
 protected:
  void SetUp() override {
    Draw draw(0x5e9e17);
    seeded_ = GenerateCustomers(draw, kCustomers);
    Seed(seeded_);
    facts_ = LoadAllFacts();
    ASSERT_EQ(facts_.size(), seeded_.size());
  }

  // One statement for the whole tenant, as a bulk import would.
  void Seed(const std::vector<SeedCustomer>& customers) {
    std::vector<std::string> ids, attributes, stages, micros;
    for (const auto& customer : customers) {
      ids.push_back(customer.id);
      attributes.push_back(customer.attributes);
      stages.push_back(customer.stage);
      micros.push_back(std::to_string(customer.created_micros));
    }
    session_.Run(storage::TxOptions{.timeout = std::chrono::seconds(60)},
                 [&](storage::Transaction& tx) {
                   tx.ExecDynamic(
                       "INSERT INTO customers (tenant_id, customer_id, attributes, stage,"
                       " created_at, stage_entered_at, updated_at)"
                       " SELECT $1::uuid, x.id, x.attributes::jsonb, x.stage, t.at, t.at, t.at"
                       " FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])"
                       "   AS x(id, attributes, stage, micros),"
                       " LATERAL (SELECT 'epoch'::timestamptz + x.micros * interval '1 microsecond'"
                       "   AS at) t",
                       tenant_, storage::ToSqlTextArray(ids), storage::ToSqlTextArray(attributes),
                       storage::ToSqlTextArray(stages), storage::ToSqlTextArray(micros));
                 });
  }

  std::vector<domain::CustomerFacts> LoadAllFacts() {
    return InTx([&](storage::CustomerFactsStore& store) {
      std::vector<domain::CustomerFacts> all;
      std::string after;
      for (;;) {
        auto page = store.LoadPage(tenant_, after, 700);
        if (page.empty()) return all;
        after = page.back().customer_id;
        all.insert(all.end(), page.begin(), page.end());
      }
    });
  }

  // customer_id -> the text of the first column after it, by running `sql`.
  std::map<std::string, std::string> Select(const std::string& sql) {
    return session_.Run(
        storage::TxOptions{.timeout = std::chrono::seconds(60)}, [&](storage::Transaction& tx) {
          std::map<std::string, std::string> out;
          for (const auto& row : tx.ExecDynamic(sql, tenant_)) {
            out[row[0].as<std::string>()] = row.size() > 1 ? row[1].as<std::string>() : "";
          }
          return out;
        });
  }

  std::string CustomerText(const std::string& id) const {
    for (const auto& customer : seeded_) {
      if (customer.id == id) {
        return id + " " + customer.stage +
               " created_micros=" + std::to_string(customer.created_micros) + " " +
               customer.attributes;
      }
    }
    return id;
  }

  std::string Differences(const std::map<std::string, std::string>& domain_side,
                          const std::map<std::string, std::string>& sql_side) const {
    std::ostringstream out;
    int shown = 0;
    const auto show = [&](const std::string& id, const std::string& line) {
      if (shown++ < 12) out << "    " << line << " | " << CustomerText(id) << "\n";
    };
    for (const auto& [id, value] : domain_side) {
      auto found = sql_side.find(id);
      if (found == sql_side.end()) {
        show(id, "domain only: " + value);
      } else if (found->second != value) {
        show(id, "domain '" + value + "' vs SQL '" + found->second + "'");
      }
    }
    for (const auto& [id, value] : sql_side) {
      if (!domain_side.contains(id)) show(id, "SQL only: " + value);
    }
    if (shown > 12) out << "    ... " << shown - 12 << " more\n";
    return out.str();
  }

  const Timestamp now_ = std::chrono::floor<microseconds>(std::chrono::system_clock::now());
  std::vector<SeedCustomer> seeded_;
  std::vector<domain::CustomerFacts> facts_;
};

TEST_F(SegmentEquivalenceTest, RandomRulesSelectTheSameCustomersInTheDomainAndInSql) {
  Draw draw(0x7e57);
  RuleGenerator generator(draw);
  int mismatched = 0;
  int discriminating = 0;  // rules matching some customers but not all
  for (int i = 0; i < kRules; ++i) {
    const RuleNode rule = generator.Rule();
    domain::Violations violations;
    domain::ValidateRule(rule, "rule", violations);
    ASSERT_TRUE(violations.empty()) << "the generator made an invalid rule: " << Describe(rule);

    std::map<std::string, std::string> domain_side;
    for (const auto& facts : facts_) {
      if (domain::Matches(rule, facts, now_)) domain_side[facts.customer_id] = "";
    }
    const std::string condition = storage::CompileRule(rule, now_);
    std::map<std::string, std::string> sql_side;
    try {
      sql_side = Select(
          "SELECT f.customer_id FROM customer_facts f WHERE f.tenant_id = $1::uuid"
          " AND " +
          condition);
    } catch (const domain::Error& error) {
      ADD_FAILURE() << "rule " << i << " does not run as SQL: " << error.message()
                    << "\n  rule: " << Describe(rule) << "\n  SQL: " << condition;
      ++mismatched;
      continue;
    }
    if (domain_side != sql_side) {
      ++mismatched;
      ADD_FAILURE() << "rule " << i << ": domain matches " << domain_side.size()
                    << " customers, SQL " << sql_side.size() << "\n  rule: " << Describe(rule)
                    << "\n  SQL: " << condition << "\n"
                    << Differences(domain_side, sql_side);
    }
    if (!domain_side.empty() && domain_side.size() < facts_.size()) ++discriminating;
  }
  EXPECT_EQ(mismatched, 0);
  // A generator whose rules all match nobody (or everybody) would prove little.
  EXPECT_GE(discriminating, kRules / 3);
}

TEST_F(SegmentEquivalenceTest, SegmentAssignmentIsTheSameInTheDomainAndInSql) {
  Draw draw(0xa551);
  RuleGenerator generator(draw);
  const std::vector<std::int32_t> priorities = {0, 0, 5, 5, 10, -1, INT32_MAX, INT32_MIN};
  const std::vector<std::string> ids = {"gold", "Gold", "eu", "big-spenders", "b", "a", "\x7e"};
  int with_members = 0;
  for (int trial = 0; trial < kAssignments; ++trial) {
    // The first trials are the edge cases: nothing at all, only the
    // default, one rule segment and no default.
    const int rule_segments = trial < 2 ? 0 : trial == 2 ? 1 : static_cast<int>(draw.Between(1, 6));
    const bool with_default = trial == 1 || (trial > 2 && draw.Percent(70));
    std::vector<domain::SegmentRuleRef> segments;
    for (int k = 0; k < rule_segments; ++k) {
      segments.push_back(domain::SegmentRuleRef{
          .segment_id = ids[k] + (draw.Percent(30) ? "-" + std::to_string(trial) : ""),
          .version = k + 1,
          .priority = draw.Pick(priorities),
          .rule = generator.Rule()});
    }
    if (with_default) {
      segments.push_back(domain::SegmentRuleRef{.segment_id = "everyone-else",
                                                .version = 3,
                                                .priority = draw.Pick(priorities),
                                                .is_default = true,
                                                .rule = std::nullopt});
    }
    domain::SortForAssignment(segments);

    std::map<std::string, std::string> domain_side;
    for (const auto& facts : facts_) {
      const domain::SegmentRuleRef* segment = domain::AssignSegment(segments, facts, now_);
      domain_side[facts.customer_id] = segment ? segment->segment_id : "";
    }
    const std::string assignment = storage::CompileAssignment(segments, now_);
    std::map<std::string, std::string> sql_side;
    std::string rules;
    for (const auto& segment : segments) {
      rules += "\n    " + segment.segment_id + " priority " + std::to_string(segment.priority) +
               (segment.is_default ? " (default)" : ": " + Describe(*segment.rule));
    }
    try {
      sql_side = Select("SELECT f.customer_id, " + assignment +
                        " FROM customer_facts f WHERE f.tenant_id = $1::uuid");
    } catch (const domain::Error& error) {
      ADD_FAILURE() << "assignment " << trial << " does not run as SQL: " << error.message()
                    << "\n  segments:" << rules << "\n  SQL: " << assignment;
      continue;
    }
    EXPECT_EQ(domain_side, sql_side) << "assignment " << trial << "\n  segments:" << rules << "\n"
                                     << Differences(domain_side, sql_side);
    std::set<std::string> used;
    for (const auto& [id, segment] : domain_side) used.insert(segment);
    if (used.size() > 1) ++with_members;
  }
  EXPECT_GE(with_members, kAssignments / 3);
}

}  // namespace
}  // namespace lifecycle
