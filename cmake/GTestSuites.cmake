# lifecycle_add_test_suites(<target> LABELS <label>...): one ctest test per
# GoogleTest suite of <target> (named after the suite, run with
# --gtest_filter=<suite>.*), instead of gtest_discover_tests' one per test.
#
# For fast tests only: starting a test binary (dynamic loading, gRPC and
# protobuf static initialisers) costs ~0.1 s of CPU, more than a unit test
# itself, and the unit binaries hold thousands of table-driven cases. The
# suites are listed when ctest starts (like DISCOVERY_MODE PRE_TEST), so
# `ctest -N` shows them and a new suite needs no CMake change.

include_guard(GLOBAL)

set(_LIFECYCLE_SUITES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/GTestSuitesAdd.cmake)

function(lifecycle_add_test_suites target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LABELS")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  file(GENERATE OUTPUT "${include_file}" CONTENT
"set(LIFECYCLE_SUITES_TARGET [==[${target}]==])
set(LIFECYCLE_SUITES_EXE [==[$<TARGET_FILE:${target}>]==])
set(LIFECYCLE_SUITES_LABELS [==[${arg_LABELS}]==])
include([==[${_LIFECYCLE_SUITES_SCRIPT}]==])
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
