#!/usr/bin/env bash
# The library as others take it, one line per check (`PASS: <check>` / `FAIL: <check>`, which
# tools/test.sh counts):
#   cmake-sources  every library source file of a Bazel target is in the CMake build
#   build-files    BUILD files in one style, only the public targets public (check_build_files.py)
#   format         the C++ lines changed since FORMAT_BASE follow .clang-format
#   docs           the API reference builds with no doc-comment error and no new undocumented name
#   consumer       examples/consumer, a separate Bazel workspace, builds and runs through
#                  aerospike_async_dependencies() and sees only the public targets
#   cmake          the CMake build installs, and find_package / pkg-config consumers build and run
# FORMAT_BASE: the ref the format check compares with (default: the last commit's parent, so a
# fresh clone checks the newest change; tools/check_format.sh alone compares with main).
# Exits non-zero if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
check() {  # check NAME COMMAND...
  local name="$1"; shift
  local start=$SECONDS log
  log="$(mktemp)"
  if "$@" >"$log" 2>&1; then
    echo "PASS: $name ($((SECONDS - start)) s)"
  else
    cat "$log"
    echo "FAIL: $name ($((SECONDS - start)) s)"
    failed=$((failed + 1))
  fi
  rm -f "$log"
}

format_base="${FORMAT_BASE:-HEAD~1}"
git rev-parse -q --verify "$format_base^{commit}" >/dev/null || format_base=HEAD

check cmake-sources python3 tools/check_cmake_sources.py
check build-files python3 tools/check_build_files.py
check format tools/check_format.sh "$format_base"
check docs tools/check_docs.sh
check consumer tools/test_consumer.sh
check cmake tools/test_cmake.sh
exit $((failed > 0))
