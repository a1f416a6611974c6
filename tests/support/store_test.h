#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "server/domain/error.h"
#include "storage/session.h"
#include "tests/support/test_database.h"

namespace lifecycle::testing {

// A fixture for the tests of one store: a fresh database with one tenant,
// and a session to run the store in.
template <class Store>
class StoreTest : public ::testing::Test {
 protected:
  // Runs body(Store&) in one committed transaction.
  template <class Body>
  auto InTx(Body&& body) {
    return session_.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
      Store store(tx);
      return body(store);
    });
  }

  // The domain::Error that body throws; fails the test when it throws none.
  template <class Body>
  std::optional<domain::Error> ErrorFrom(Body&& body) {
    try {
      InTx(body);
    } catch (const domain::Error& error) {
      return error;
    }
    ADD_FAILURE() << "expected a domain::Error";
    return std::nullopt;
  }

  TestDatabase db_;
  std::string tenant_ = db_.CreateTenant("acme");
  storage::Session session_{storage::SessionOptions{.dsn = db_.dsn()}};
};

}  // namespace lifecycle::testing
