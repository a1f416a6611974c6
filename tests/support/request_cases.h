#pragma once

// Helpers for table-driven tests of request validation: each case spoils a
// valid request and names every field path that must then be reported.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "server/domain/error.h"

namespace lifecycle::validation_testing {

using Fields = std::vector<std::string>;

inline Fields Sorted(Fields fields) {
  std::sort(fields.begin(), fields.end());
  return fields;
}

// The sorted field paths of the INVALID_ARGUMENT `fn` throws; empty when it
// accepts the request. Duplicates are kept: each violation counts.
inline Fields ViolatedFields(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const domain::Error& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument) << error.message();
    Fields fields;
    for (const auto& violation : error.violations()) {
      fields.push_back(violation.field);
      EXPECT_FALSE(violation.description.empty()) << violation.field;
    }
    return Sorted(std::move(fields));
  }
  return {};
}

template <class Request>
struct Case {
  std::string name;
  std::function<void(Request&)> mutate;
  Fields fields;  // every violated field path; empty = valid
};

// The cases with their expected fields sorted, as ViolatedFields returns them.
template <class Request>
std::vector<Case<Request>> SortFields(std::vector<Case<Request>> cases) {
  for (auto& c : cases) c.fields = Sorted(c.fields);
  return cases;
}

template <class Request>
void PrintTo(const Case<Request>& c, std::ostream* os) {
  *os << c.name;
}

template <class Request>
std::string CaseName(const ::testing::TestParamInfo<Case<Request>>& info) {
  return info.param.name;
}

}  // namespace lifecycle::validation_testing
