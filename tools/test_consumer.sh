#!/usr/bin/env bash
# Builds and runs examples/consumer, a separate workspace that depends on this one the way a
# monorepo does (local_repository + load + aerospike_async_dependencies()), and checks that the
# only libraries it can see are the public ones. Offline; shares the project's disk cache.
#
#   tools/test_consumer.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/examples/consumer"
cache="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}/disk-cache"
flags=(--disk_cache="$cache")
fail() { echo "test_consumer: $*" >&2; exit 1; }

# shellcheck disable=SC2086
bazel ${BAZEL_STARTUP_OPTS:-} build "${flags[@]}" //:put_get || fail "the consumer does not build"
out="$(./bazel-bin/put_get)" || fail "put_get failed: $out"
echo "$out"
case "$out" in "put_get: ok"*) ;; *) fail "unexpected output" ;; esac

# The libraries of @aerospike_async a consumer may depend on; everything else is private.
expected="@aerospike_async//client:aggregate
@aerospike_async//client:client
@aerospike_async//executor:executor
@aerospike_async//executor:tbb_executor
@aerospike_async//test/server:server"
# shellcheck disable=SC2086
visible="$(bazel ${BAZEL_STARTUP_OPTS:-} query --noshow_progress \
  "kind(cc_library, visible(//:put_get, @aerospike_async//client/... + @aerospike_async//executor/... + @aerospike_async//io/... + @aerospike_async//test/server/... + @aerospike_async//lua/...))" \
  2>/dev/null | sort)" || fail "bazel query failed"
if [ "$visible" != "$expected" ]; then
  echo "visible libraries:" >&2
  echo "$visible" >&2
  fail "the public libraries are not exactly: $(echo $expected)"
fi
echo "test_consumer: the consumer workspace builds and runs; public libraries: $(echo $expected)"
