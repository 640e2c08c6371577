#!/usr/bin/env bash
# The client's end-to-end tests and the examples against a cluster in another process: starts
# the Linux test server natively (3 nodes on loopback, tools/test_server.sh), runs the chosen
# tests with AEROSPIKE_TEST_HOSTS set, and stops the server. Proves the external mode that
# `AEROSPIKE_TEST_HOSTS=host:port,... bazel test --test_env=AEROSPIKE_TEST_HOSTS ...` offers
# against any cluster.
#
# Fails loudly when a test fails, when a GoogleTest target ran no test (all skipped as
# embedded-only), when an example did not run against the external cluster, or when nothing
# ran at all. Prints `ran/skipped` per target.
#
#   tools/test_external.sh                       # the default targets below
#   EXTERNAL_TEST_TARGETS="//test/cdt:list_e2e_test" tools/test_external.sh
#   tools/test_external.sh --config=asan         # extra `bazel test` flags
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/test_server.sh
source tools/test_server.sh

fail() { echo "test_external: $*" >&2; exit 1; }

# Test targets with at least one test that runs on an external cluster. (bad_response_test,
# hang_test, ledger_test, migration_test, policy_test, queue_full_test, scan_cluster_test and
# timeout_delay_test are embedded-only throughout: faults, stopped nodes, migrations, the
# server's counters.)
default_targets=(
  //test/client:allocation_test
  //test/client:cluster_test
  //test/client:coroutine_test
  //test/client:executor_test
  //test/client:exp_cdt_test
  //test/client:exp_test
  //test/client:info_admin_test
  //test/client:late_answer_test
  //test/client:misc_test
  //test/client:scan_test
  //test/client:single_record_test
  //test/client:tls_hosts_test
  //test/client:udf_jobs_test
  //test/client:udf_test
  //test/cdt:bit_e2e_test
  //test/cdt:hll_e2e_test
  //test/cdt:list_e2e_test
  //test/cdt:map_e2e_test
  //test/cdt:select_e2e_test
  //examples:async_tutorial_test
  //examples:async_tutorial_tbb_test
  //examples:async_tutorial_coro_test
  //examples:async_tutorial_coro_tbb_test
  //examples:udf_test
  //examples:scan_query_test
)
targets=()
if [ -n "${EXTERNAL_TEST_TARGETS:-}" ]; then
  read -r -a targets <<<"$EXTERNAL_TEST_TARGETS"
else
  targets=("${default_targets[@]}")
fi
[ ${#targets[@]} -gt 0 ] || fail "no targets"

test_server_build || fail "cannot build the test server"
# The nodes listen on TLS ports too (certificates made now): tls_hosts_test uses them.
certs_dir="$(mktemp -d "${TMPDIR:-/tmp}/aerospike-test-certs.XXXXXX")"
test_server_tls_certs "$certs_dir" cluster.test || fail "cannot make test certificates"
test_server_start "${TEST_SERVER_TLS_ARGS[@]}" || fail "cannot start the test server"
trap 'test_server_stop; rm -rf "$certs_dir"' EXIT
test_server_export_tls || fail "no TLS listeners"

# --nocache_test_results: a cached pass would say nothing about this cluster.
# shellcheck disable=SC2086
bazel ${BAZEL_STARTUP_OPTS:-} test --config=werror --nocache_test_results \
  --test_env=AEROSPIKE_TEST_HOSTS="$AEROSPIKE_TEST_HOSTS" \
  --test_env=AEROSPIKE_TEST_TLS_HOSTS="$AEROSPIKE_TEST_TLS_HOSTS" \
  --test_env=AEROSPIKE_TEST_TLS_CA="$AEROSPIKE_TEST_TLS_CA" "$@" "${targets[@]}"
rc=$?

# What really ran: GoogleTest's XML marks each test case result="completed" or "skipped";
# the examples print the cluster they used.
testlogs="$(bazel ${BAZEL_STARTUP_OPTS:-} info "$@" bazel-testlogs 2>/dev/null)"
total_ran=0
problems=0
for t in "${targets[@]}"; do
  path="${t#//}"
  dir="$testlogs/${path/://}"
  xml="$dir/test.xml"
  log="$dir/test.log"
  if [ ! -f "$xml" ]; then
    echo "test_external: $t: no test.xml (did it build?)" >&2
    problems=$((problems + 1))
    continue
  fi
  if grep -q 'result="completed"\|result="skipped"' "$xml"; then
    ran=$(grep -c 'result="completed"' "$xml")
    skipped=$(grep -c 'result="skipped"' "$xml")
    echo "$t: $ran ran, $skipped skipped (embedded only)"
    if [ "$ran" -eq 0 ]; then
      echo "test_external: $t: every test was skipped" >&2
      problems=$((problems + 1))
    fi
    total_ran=$((total_ran + ran))
  elif grep -q "^Cluster: $AEROSPIKE_TEST_HOSTS (AEROSPIKE_TEST_HOSTS)\$" "$log"; then
    echo "$t: ran against $AEROSPIKE_TEST_HOSTS"
    total_ran=$((total_ran + 1))
  else
    echo "test_external: $t: no sign that it ran against $AEROSPIKE_TEST_HOSTS" >&2
    problems=$((problems + 1))
  fi
done

test_server_stop || { echo "test_external: the test server did not stop cleanly" >&2; problems=$((problems + 1)); }
trap - EXIT
rm -rf "$certs_dir"
[ "$total_ran" -gt 0 ] || fail "nothing ran against the external cluster"
[ "$rc" -eq 0 ] || fail "bazel test failed (exit $rc)"
[ "$problems" -eq 0 ] || fail "$problems target(s) did not really run against the external cluster"
echo "test_external: $total_ran tests and examples ran against a standalone 3-node test cluster"
