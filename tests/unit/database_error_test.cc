// storage::MapDatabaseError: each libpqxx failure becomes the domain error a
// client can act on. No database needed: the exceptions are built here.

#include "storage/database_error.h"

#include <gtest/gtest.h>

#include <functional>
#include <pqxx/pqxx>

namespace lifecycle::storage {
namespace {

using domain::ErrorCode;

struct Case {
  const char* name;
  std::function<domain::Error()> map;
  ErrorCode code;
  const char* reason;
};

template <class Exception, class... Args>
std::function<domain::Error()> Mapping(Args... args) {
  return [=] { return MapDatabaseError(Exception(args...)); };
}

TEST(DatabaseErrorTest, MapsEachFailureToWhatTheClientCanDo) {
  const Case cases[] = {
      {"connection lost", Mapping<pqxx::broken_connection>("gone"), ErrorCode::kUnavailable, ""},
      {"lost during COMMIT", Mapping<pqxx::in_doubt_error>("gone while committing"),
       ErrorCode::kUnavailable, "COMMIT_OUTCOME_UNKNOWN"},
      {"serialization failure", Mapping<pqxx::serialization_failure>("40001"), ErrorCode::kAborted,
       ""},
      {"deadlock", Mapping<pqxx::deadlock_detected>("40P01"), ErrorCode::kAborted, ""},
      {"unique violation", Mapping<pqxx::unique_violation>("dup"), ErrorCode::kAlreadyExists, ""},
      {"foreign key", Mapping<pqxx::foreign_key_violation>("fk"), ErrorCode::kFailedPrecondition,
       "REFERENCE_MISSING"},
      {"check violation", Mapping<pqxx::check_violation>("check"), ErrorCode::kInvalidArgument, ""},
      {"statement timeout", Mapping<pqxx::sql_error>("canceling statement", "SELECT", "57014"),
       ErrorCode::kDeadlineExceeded, ""},
      {"anything else", Mapping<pqxx::sql_error>("syntax", "SELEC", "42601"), ErrorCode::kInternal,
       ""},
  };
  for (const auto& c : cases) {
    const domain::Error error = c.map();
    EXPECT_EQ(error.code(), c.code) << c.name;
    EXPECT_EQ(error.reason(), c.reason) << c.name;
  }
}

TEST(DatabaseErrorTest, DomainErrorsPassThrough) {
  const domain::Error mapped = MapDatabaseError(domain::Error::NotFound("customer 'c-1'"));
  EXPECT_EQ(mapped.code(), ErrorCode::kNotFound);
  EXPECT_EQ(mapped.message(), "customer 'c-1' not found");
}

}  // namespace
}  // namespace lifecycle::storage
