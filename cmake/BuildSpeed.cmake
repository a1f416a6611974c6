# Build-time helpers: the project rule is a clean build + test in under 20
# minutes on 2 cores (docs/operations.md, "Build time"). Most of a cold build
# is spent parsing the same third-party headers (gRPC, protobuf, pqxx,
# GoogleTest, spdlog, nlohmann::json) in every translation unit and, for
# tests, optimising large table-driven test bodies.

include_guard(GLOBAL)

# Precompiled headers: off with -DLIFECYCLE_PCH=OFF (e.g. to check that every
# file still includes what it uses).
option(LIFECYCLE_PCH "Precompile the heavy third-party headers" ON)

# The standard headers nearly every file includes.
set(LIFECYCLE_PCH_STD
  <algorithm> <atomic> <chrono> <cstdint> <functional> <map> <memory> <mutex>
  <optional> <set> <string> <string_view> <thread> <unordered_map> <unordered_set>
  <utility> <vector>)

# lifecycle_precompile_headers(<target> <header>...): <target> builds one
# precompiled header from the standard headers above plus <header>... and
# uses it in each of its sources. The headers only add declarations, so a
# file that forgets an #include still builds here but not with
# -DLIFECYCLE_PCH=OFF.
function(lifecycle_precompile_headers target)
  if(LIFECYCLE_PCH)
    target_precompile_headers(${target} PRIVATE ${LIFECYCLE_PCH_STD} ${ARGN})
  endif()
endfunction()

# lifecycle_reuse_precompiled_headers(<target> <host>): <target> uses <host>'s
# precompiled header instead of building its own. Only for targets compiled
# with the same flags and macros as <host> (GCC checks and, thanks to
# -Winvalid-pch, warns when they differ).
function(lifecycle_reuse_precompiled_headers target host)
  if(LIFECYCLE_PCH)
    target_precompile_headers(${target} REUSE_FROM ${host})
  endif()
endfunction()

# Tests and their support code are built with -Og: it compiles table-driven
# test files two to three times faster than -O2 and the tests spend their time
# waiting for PostgreSQL and the server, which stays -O2. Debug builds keep -O0.
set(LIFECYCLE_TEST_OPTIMIZATION "-Og" CACHE STRING
  "Optimisation flag for test code in optimised builds (empty: as the build type)")
function(lifecycle_test_code target)
  if(LIFECYCLE_TEST_OPTIMIZATION)
    target_compile_options(${target} PRIVATE
      $<$<NOT:$<CONFIG:Debug>>:${LIFECYCLE_TEST_OPTIMIZATION}>)
  endif()
endfunction()

# ccache and precompiled headers: ccache only caches a compile that uses a
# PCH with these sloppiness settings (see "PRECOMPILED HEADERS" in
# ccache(1)). CMake includes the PCH with -include, which ccache needs too.
function(lifecycle_ccache_for_pch)
  get_filename_component(launcher_name "${CMAKE_CXX_COMPILER_LAUNCHER}" NAME)
  if(LIFECYCLE_PCH AND launcher_name STREQUAL "ccache")
    set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${CMAKE_CXX_COMPILER_LAUNCHER} PARENT_SCOPE)
  endif()
endfunction()
