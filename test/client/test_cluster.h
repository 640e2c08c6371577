// The cluster an end-to-end test runs against, and what a test must do to run on a shared one.
//
// With AEROSPIKE_TEST_HOSTS unset, ClusterClient::start (fixture.h) starts the embedded test
// cluster (test/server), as every test did before. With it set (test_hosts.h), the client
// connects there instead and:
//   - a test that needs what only the embedded cluster can do (faults, stopping nodes,
//     migrations, its clock, its stats or store) begins with AERO_EMBEDDED_ONLY("why"): it is
//     skipped with that reason printed, never silently;
//   - keys live in a set of the test's own, test_set("demo") = "demo_<hash of the test's
//     name>", so tests running at the same time against one cluster never share records; the
//     name is stable across runs (a real namespace gains one set per test, not one per run) and
//     ClusterClient::start truncates the test's sets that hold records (of kTestSetBases), so
//     a second run does not see the first one's records. Embedded, test_set(s) is s.
// What it does not do: UDF modules and secondary-index names are cluster-wide; tests use
// names no other test uses, and tests that count every module are embedded-only.
//
// Where the embedded test server does not build (Windows: it is an epoll server with Lua), the
// fixture library defines AERO_NO_EMBEDDED_CLUSTER (a select() in test/client/BUILD.bazel):
// AERO_EMBEDDED_CLUSTER is then 0, the tests run only against AEROSPIKE_TEST_HOSTS, and the
// code of an embedded-only test that uses the server's API sits inside
// `#if AERO_EMBEDDED_CLUSTER` after its AERO_EMBEDDED_ONLY (which always skips there).
//
// Threads: the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "test/client/test_hosts.h"

#ifdef AERO_NO_EMBEDDED_CLUSTER
#define AERO_EMBEDDED_CLUSTER 0
#else
#define AERO_EMBEDDED_CLUSTER 1
#endif

// Skips the current test (from a TEST body or a fixture's SetUp) when the cluster is external.
// (The switch keeps an `else` after the macro from binding to its `if`, as gtest's own do.)
#define AERO_EMBEDDED_ONLY(reason)                                                       \
  switch (0)                                                                             \
  case 0:                                                                                \
  default:                                                                               \
    if (AERO_EMBEDDED_CLUSTER && !::aero::testing::external_cluster()) {                 \
    } else                                                                               \
      GTEST_SKIP() << "embedded test cluster only ("                                     \
                   << (::aero::testing::external_cluster()                               \
                           ? "AEROSPIKE_TEST_HOSTS is set"                               \
                           : "there is none on this platform")                           \
                   << "): " << reason

namespace aero::testing {

// The set names tests pass to test_set() (and key()); their sets are emptied at start.
inline constexpr const char* kTestSetBases[] = {"demo", "cdt", "ops", "bg", "bgq", "other"};

// `base`, or on an external cluster `base` + "_" + 8 hex digits of the running test's full name
// (of the suite's name in SetUpTestSuite, for records a whole suite shares).
inline std::string test_set(const std::string& base) {
  if (!external_cluster()) return base;
  const ::testing::UnitTest* unit = ::testing::UnitTest::GetInstance();
  const ::testing::TestInfo* info = unit->current_test_info();
  const ::testing::TestSuite* suite = unit->current_test_suite();
  std::string name = info    ? std::string(info->test_suite_name()) + "." + info->name()
                     : suite ? std::string(suite->name())
                             : "none";
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "_%08x", static_cast<unsigned>(h));
  return base + suffix;
}

}  // namespace aero::testing
