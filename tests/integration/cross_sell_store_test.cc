// Cross-sell stores against a real PostgreSQL: the catalogue and ladders,
// holdings (by hand, from purchases, in customer_facts and in the
// RETAINED -> EXTENDED guard), the SQL miner against the domain's reference
// miner, and the ready list against per-customer readiness.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <tuple>
#include <vector>

#include "server/api/cross_sell_flows.h"
#include "server/domain/error.h"
#include "storage/adoption_model_store.h"
#include "storage/customer_store.h"
#include "storage/holding_store.h"
#include "storage/lifecycle_store.h"
#include "storage/offer_store.h"
#include "storage/product_store.h"
#include "storage/readiness_store.h"
#include "storage/segment_store.h"
#include "storage/signal_ingest.h"
#include "storage/transaction.h"
#include "tests/support/store_test.h"

namespace lifecycle {
namespace {

using domain::ErrorCode;
using domain::Stage;
using Basket = std::vector<std::string>;

struct Stores {
  explicit Stores(storage::Transaction& tx)
      : tx(tx), customers(tx), products(tx), holdings(tx), model(tx), lifecycle(tx) {}
  storage::Transaction& tx;
  storage::CustomerStore customers;
  storage::ProductStore products;
  storage::HoldingStore holdings;
  storage::AdoptionModelStore model;
  storage::LifecycleStore lifecycle;
};

class CrossSellStoreTest : public testing::StoreTest<Stores> {
 protected:
  void SetUp() override {
    InTx([&](Stores& s) {
      storage::SegmentStore(s.tx).Create(
          tenant_, domain::Segment{.segment_id = "smb", .display_name = "SMB", .is_default = true});
      for (const char* id : {"A", "B", "C", "D", "E"}) AddProduct(s, id);
      return 0;
    });
  }

  void AddProduct(Stores& s, const std::string& id) {
    s.products.Create(
        tenant_,
        domain::Product{.product_id = id, .display_name = "Product " + id, .category = "cat"});
  }

  // A customer in `stage` and segment smb, holding `held`.
  void Customer(const std::string& id, Stage stage, const Basket& held = {}) {
    InTx([&](Stores& s) {
      s.customers.Create(tenant_, id, "{}");
      for (const auto& product : held) {
        s.holdings.Add(tenant_, id, product, domain::HoldingSource::kManual,
                       std::chrono::system_clock::now());
      }
      return 0;
    });
    db_.Query("UPDATE customers SET stage = '" + std::string(domain::StageName(stage)) +
              "', segment_id = 'smb' WHERE customer_id = '" + id + "'");
  }

  void Purchases(const std::string& customer_id, int count, const std::string& product = "") {
    std::vector<domain::Signal> signals;
    for (int i = 0; i < count; ++i) {
      signals.push_back(
          domain::Signal{.event_id = customer_id + "-buy-" + std::to_string(i) + product,
                         .customer_id = customer_id,
                         .kind = domain::SignalKind::kPurchase,
                         .occur_time = std::chrono::system_clock::now() - std::chrono::hours(i + 1),
                         .value = 10,
                         .detail = product});
    }
    InTx([&](Stores& s) {
      return storage::RecordSignals(s.tx, tenant_, domain::DefaultRetentionPolicy(), signals,
                                    std::chrono::system_clock::now());
    });
  }

  Basket Held(const std::string& customer_id) {
    return InTx([&](Stores& s) { return s.holdings.Held(tenant_, customer_id); });
  }
};

TEST_F(CrossSellStoreTest, CatalogueCreateUpdateListAndDuplicates) {
  auto error = ErrorFrom([&](Stores& s) {
    AddProduct(s, "A");
    return 0;
  });
  EXPECT_EQ(error->code(), ErrorCode::kAlreadyExists);

  const auto updated = InTx([&](Stores& s) {
    return s.products.Update(
        tenant_,
        storage::ProductChange{.product_id = "B", .status = domain::ProductStatus::kRetired});
  });
  EXPECT_EQ(updated.status, domain::ProductStatus::kRetired);
  EXPECT_EQ(updated.display_name, "Product B");  // unchanged

  error = ErrorFrom([&](Stores& s) {
    return s.products.Update(tenant_, storage::ProductChange{.product_id = "Z", .category = "x"});
  });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);

  const auto page = InTx([&](Stores& s) { return s.products.List(tenant_, "B", 2); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].product_id, "C");
  EXPECT_EQ(page[1].product_id, "D");
}

TEST_F(CrossSellStoreTest, LaddersAreReplacedWholeAndNameOnlyKnownProducts) {
  const domain::ProductLadder ladder{
      .segment_id = "smb",
      .steps = {{.product_id = "A"},
                {.product_id = "B", .after_product_id = "A", .min_stage = Stage::kExtended}}};
  const auto stored = InTx([&](Stores& s) {
    s.products.SetLadder(tenant_, ladder);
    return s.products.GetLadder(tenant_, "smb");
  });
  ASSERT_EQ(stored.steps.size(), 2u);
  EXPECT_EQ(stored.steps[1].after_product_id, "A");
  EXPECT_EQ(stored.steps[1].min_stage, Stage::kExtended);

  auto error = ErrorFrom([&](Stores& s) {
    s.products.SetLadder(
        tenant_, domain::ProductLadder{.segment_id = "smb",
                                       .steps = {{.product_id = "C", .after_product_id = "Q"}}});
    return 0;
  });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
  EXPECT_NE(error->message().find("'Q'"), std::string::npos) << error->message();
  // Nothing half-written: the old ladder stands.
  EXPECT_EQ(InTx([&](Stores& s) { return s.products.GetLadder(tenant_, "smb"); }).steps.size(), 2u);

  error = ErrorFrom([&](Stores& s) { return s.products.GetLadder(tenant_, "nope"); });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
}

TEST_F(CrossSellStoreTest, HoldingsAddRemoveReopenAndShowInCustomerFacts) {
  Customer("c-1", Stage::kRetained, {"B", "A"});
  EXPECT_EQ(Held("c-1"), (Basket{"A", "B"}));
  EXPECT_EQ(db_.Query("SELECT products_held::text FROM customer_facts WHERE customer_id = 'c-1'"),
            "{A,B}");

  InTx([&](Stores& s) {
    s.holdings.Remove(tenant_, "c-1", "A");
    return 0;
  });
  EXPECT_EQ(Held("c-1"), (Basket{"B"}));
  auto error = ErrorFrom([&](Stores& s) {
    s.holdings.Remove(tenant_, "c-1", "A");
    return 0;
  });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);

  const auto again = InTx([&](Stores& s) {
    return s.holdings.Add(tenant_, "c-1", "A", domain::HoldingSource::kOffer,
                          std::chrono::system_clock::now());
  });
  EXPECT_EQ(again.source, domain::HoldingSource::kOffer);
  EXPECT_EQ(Held("c-1"), (Basket{"A", "B"}));

  error = ErrorFrom([&](Stores& s) {
    return s.holdings.Add(tenant_, "c-1", "Z", domain::HoldingSource::kManual,
                          std::chrono::system_clock::now());
  });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
  error = ErrorFrom([&](Stores& s) {
    return s.holdings.Add(tenant_, "nobody", "A", domain::HoldingSource::kManual,
                          std::chrono::system_clock::now());
  });
  EXPECT_EQ(error->code(), ErrorCode::kNotFound);
}

TEST_F(CrossSellStoreTest, PurchasesOfCatalogueProductsBecomeHoldings) {
  Customer("c-1", Stage::kRetained);
  Purchases("c-1", 2, "A");  // twice in one batch: one holding
  Purchases("c-1", 1, "unknown-product");
  Purchases("c-1", 1);  // no product named
  EXPECT_EQ(Held("c-1"), (Basket{"A"}));
  const auto holdings = InTx([&](Stores& s) { return s.holdings.List(tenant_, "c-1"); });
  EXPECT_EQ(holdings.at(0).source, domain::HoldingSource::kPurchase);
}

TEST_F(CrossSellStoreTest, TheExtendGuardCountsHeldProducts) {
  Customer("c-1", Stage::kRetained, {"A"});
  const domain::TransitionCommand extend{.customer_id = "c-1",
                                         .to = Stage::kExtended,
                                         .trigger = domain::Trigger::kOfferAccepted,
                                         .actor = "key-1",
                                         .actor_role = domain::Role::kService};
  auto error = ErrorFrom([&](Stores& s) { return s.lifecycle.Apply(tenant_, extend); });
  EXPECT_EQ(error->reason(), "GUARD_FAILED");
  InTx([&](Stores& s) {
    return s.holdings.Add(tenant_, "c-1", "B", domain::HoldingSource::kManual,
                          std::chrono::system_clock::now());
  });
  const auto moved = InTx([&](Stores& s) { return s.lifecycle.Apply(tenant_, extend); });
  EXPECT_EQ(moved.stage.stage, Stage::kExtended);
}

// The hand-checked dataset of tests/unit/adoption_rules_test.cc, and a
// larger pseudo-random one: the SQL miner and the reference agree exactly.
class AdoptionModelEquivalenceTest : public CrossSellStoreTest {
 protected:
  void Load(const std::vector<Basket>& baskets) {
    for (std::size_t i = 0; i < baskets.size(); ++i) {
      Customer("m-" + std::to_string(i), Stage::kRetained, baskets[i]);
    }
  }

  void ExpectSameRules(const std::vector<Basket>& baskets,
                       const domain::MiningThresholds& thresholds) {
    auto expected = domain::MineAdoptionRules(baskets, thresholds);
    auto mined = InTx([&](Stores& s) {
      s.model.Refresh(tenant_, thresholds);
      return s.model.Rules(tenant_, std::nullopt, 1000);
    });
    auto order = [](const domain::AdoptionRule& a, const domain::AdoptionRule& b) {
      return std::tie(a.consequent, a.antecedent) < std::tie(b.consequent, b.antecedent);
    };
    std::sort(mined.begin(), mined.end(), order);
    ASSERT_EQ(mined.size(), expected.size());
    for (std::size_t i = 0; i < mined.size(); ++i) {
      SCOPED_TRACE(expected[i].consequent);
      EXPECT_EQ(mined[i].antecedent, expected[i].antecedent);
      EXPECT_EQ(mined[i].consequent, expected[i].consequent);
      EXPECT_EQ(mined[i].antecedent_count, expected[i].antecedent_count);
      EXPECT_EQ(mined[i].rule_count, expected[i].rule_count);
      EXPECT_EQ(mined[i].consequent_count, expected[i].consequent_count);
      EXPECT_EQ(mined[i].customers, expected[i].customers);
      EXPECT_DOUBLE_EQ(mined[i].support, expected[i].support);
      EXPECT_DOUBLE_EQ(mined[i].confidence, expected[i].confidence);
      EXPECT_DOUBLE_EQ(mined[i].lift, expected[i].lift);
    }
  }
};

TEST_F(AdoptionModelEquivalenceTest, HandCheckedDataset) {
  const std::vector<Basket> baskets = {{"A", "B", "C"}, {"A", "B", "C"}, {"A", "B"}, {"A", "C"},
                                       {"B"},           {"D"},           {}};
  Load(baskets);
  ExpectSameRules(baskets, {.min_support = 0.3, .min_confidence = 0.5});
  ExpectSameRules(baskets, {.min_support = 0.5, .min_confidence = 0});

  // Take-up: shares of the segment's 7 customers.
  const auto take_up = InTx([&](Stores& s) { return s.model.TakeUp(tenant_, "smb"); });
  EXPECT_DOUBLE_EQ(take_up.at("A"), 4.0 / 7);
  EXPECT_DOUBLE_EQ(take_up.at("D"), 1.0 / 7);
  EXPECT_FALSE(take_up.contains("E"));
}

TEST_F(AdoptionModelEquivalenceTest, PseudoRandomDataset) {
  std::vector<Basket> baskets;
  std::uint32_t seed = 12345;
  const Basket products = {"A", "B", "C", "D", "E"};
  for (int c = 0; c < 120; ++c) {
    Basket basket;
    for (std::size_t p = 0; p < products.size(); ++p) {
      seed = seed * 1103515245 + 12345;
      if ((seed >> 16) % 100 < 20 + 12 * p) basket.push_back(products[p]);
    }
    baskets.push_back(basket);
  }
  Load(baskets);
  ExpectSameRules(baskets, {.min_support = 0.05, .min_confidence = 0.1});
  ExpectSameRules(baskets, {.min_support = 0.2, .min_confidence = 0.5});
}

// Every customer the ready list holds is READY by AssessReadiness, and
// every READY customer is on it.
TEST_F(CrossSellStoreTest, ReadyListAgreesWithReadiness) {
  InTx([&](Stores& s) {
    s.products.SetLadder(tenant_,
                         domain::ProductLadder{.segment_id = "smb",
                                               .steps = {{.product_id = "E"},
                                                         {.product_id = "D",
                                                          .after_product_id = "E",
                                                          .min_stage = Stage::kExtended}}});
    return 0;
  });
  Customer("ready-rule", Stage::kRetained, {"A", "B"});
  Customer("ready-ladder", Stage::kExtended, {"A", "B", "C", "E"});
  Customer("onboarding", Stage::kOnboarding, {"A", "B"});
  Customer("few-purchases", Stage::kRetained, {"A", "B"});
  Customer("holds-all", Stage::kRetained, {"A", "B", "C", "D", "E"});
  Customer("at-risk", Stage::kRetained, {"A", "B"});
  Customer("offered", Stage::kRetained, {"A", "B"});
  Customer("declined", Stage::kRetained, {"A", "B"});
  for (const char* id : {"c1", "c2", "c3"}) Customer(id, Stage::kRetained, {"A", "B", "C"});
  for (const char* id : {"ready-rule", "ready-ladder", "onboarding", "holds-all", "at-risk",
                         "offered", "declined"}) {
    Purchases(id, 2);
  }
  Purchases("few-purchases", 1);
  db_.Query("UPDATE retention_health SET band = 'AT_RISK' WHERE customer_id = 'at-risk'");
  InTx([&](Stores& s) {
    s.model.Refresh(tenant_, {.min_support = 0.1, .min_confidence = 0.3});
    storage::OfferStore offers(s.tx);
    offers.Create(tenant_,
                  domain::Offer{.customer_id = "offered", .product_id = "C", .created_by = "k"});
    const auto declined = offers.Create(
        tenant_, domain::Offer{.customer_id = "declined", .product_id = "C", .created_by = "k"});
    return offers.Resolve(
        tenant_, {.offer_id = declined.offer_id, .status = domain::OfferStatus::kDeclined});
  });

  const auto now = std::chrono::system_clock::now();
  const auto policy = domain::CrossSellPolicy{};
  const auto listed = InTx([&](Stores& s) {
    return storage::ReadinessStore(s.tx).Ready(tenant_, {.segment_id = "smb", .limit = 100}, policy,
                                               now);
  });
  std::vector<std::string> listed_ids;
  for (const auto& customer : listed) listed_ids.push_back(customer.customer_id);
  EXPECT_EQ(listed_ids, (std::vector<std::string>{"ready-ladder", "ready-rule"}));

  std::vector<std::string> ready_ids;
  for (const char* id : {"declined", "few-purchases", "holds-all", "at-risk", "offered",
                         "onboarding", "ready-ladder", "ready-rule", "c1"}) {
    const auto view = InTx([&](Stores& s) { return api::AssessReadiness(s.tx, tenant_, id, now); });
    if (view.decision.readiness == domain::Readiness::kReady) ready_ids.push_back(id);
  }
  EXPECT_EQ(ready_ids, listed_ids);

  // For one product: {A, B} -> C holds for 5 of 11 holders of A and B.
  const auto for_c = InTx([&](Stores& s) {
    return storage::ReadinessStore(s.tx).Ready(tenant_, {.product_id = "C", .limit = 100}, policy,
                                               now);
  });
  ASSERT_EQ(for_c.size(), 1u);
  EXPECT_EQ(for_c[0].customer_id, "ready-rule");
}

}  // namespace
}  // namespace lifecycle
