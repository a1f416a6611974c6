# Build-time helpers: the project rule is a clean build + test in under 20
# minutes on 2 cores (docs/operations.md, "Build time").
#
# Not here on purpose: precompiled headers. With GCC 12 a PCH of the gRPC,
# protobuf and GoogleTest headers is 400-570 MB, and loading it costs more
# CPU than parsing the headers it holds (measured in "Build time").

include_guard(GLOBAL)

# Tests and their support code are built with -Og: it compiles the big
# table-driven test files about a third faster than -O2 (see "Build time"),
# and the tests spend their time waiting for PostgreSQL and the server, which
# stays -O2. Debug builds keep -O0.
set(LIFECYCLE_TEST_OPTIMIZATION "-Og" CACHE STRING
  "Optimisation flag for test code in optimised builds (empty: as the build type)")

# lifecycle_test_code(<target>): <target> is test code (see above).
function(lifecycle_test_code target)
  if(LIFECYCLE_TEST_OPTIMIZATION)
    target_compile_options(${target} PRIVATE
      $<$<NOT:$<CONFIG:Debug>>:${LIFECYCLE_TEST_OPTIMIZATION}>)
  endif()
endfunction()
