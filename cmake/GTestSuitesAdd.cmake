# Run by ctest (through TEST_INCLUDE_FILES, see GTestSuites.cmake): lists the
# GoogleTest suites of LIFECYCLE_SUITES_EXE and adds one test per suite.

if(NOT EXISTS "${LIFECYCLE_SUITES_EXE}")
  # Like gtest_discover_tests: a visible failure, not silently fewer tests.
  add_test("${LIFECYCLE_SUITES_TARGET}_NOT_BUILT" "${LIFECYCLE_SUITES_EXE}")
  return()
endif()

execute_process(
  COMMAND "${LIFECYCLE_SUITES_EXE}" --gtest_list_tests
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE listing_error
  RESULT_VARIABLE listing_result
  TIMEOUT 30)
if(NOT listing_result EQUAL 0)
  add_test("${LIFECYCLE_SUITES_TARGET}_LIST_FAILED" "${LIFECYCLE_SUITES_EXE}" --gtest_list_tests)
  return()
endif()

# Suite lines start in column 0 with "<suite>." (a typed suite adds
# "  # TypeParam = ..."); test lines are indented. Matched on the whole text:
# parameter values printed on test lines may hold ';' or brackets.
string(REGEX MATCHALL "\n[^ \n#][^ \n]*\\." suites "\n${listing}")
foreach(suite IN LISTS suites)
  string(REGEX REPLACE "^\n(.*)\\.$" "\\1" suite "${suite}")
  add_test("${suite}" "${LIFECYCLE_SUITES_EXE}" "--gtest_filter=${suite}.*")
  set_tests_properties("${suite}" PROPERTIES LABELS "${LIFECYCLE_SUITES_LABELS}")
endforeach()
