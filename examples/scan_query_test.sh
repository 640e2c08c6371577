#!/usr/bin/env bash
# Runs the scan/query example (in the test's scratch directory: it saves its cursor to a file)
# and checks the line that says every step's result held.
set -euo pipefail
bin="$(realpath "$1")"
shift
cd "${TEST_TMPDIR:-$(mktemp -d)}"
out="$("$bin" "$@" 2>&1)" || { echo "$out"; echo "the example failed" >&2; exit 1; }
echo "$out"
grep -qx "All checks passed: yes" <<<"$out" || { echo "a check failed" >&2; exit 1; }
