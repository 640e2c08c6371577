#!/usr/bin/env bash
# Checks that the C++ lines changed since a base ref follow .clang-format (clang-format-14).
# Only the changed lines are checked (clang-format-diff), so touching an older file does not
# make its untouched lines fail. Prints what clang-format would change and exits 1 if anything.
#
#   tools/check_format.sh            # changes since the merge base with main (committed or not)
#   tools/check_format.sh origin/main
#   tools/check_format.sh --fix      # apply the changes instead
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; shift; fi
base_ref="${1:-main}"
formatter="${CLANG_FORMAT_DIFF:-clang-format-diff-14}"
command -v "$formatter" >/dev/null || { echo "check_format: $formatter not found (tools/setup.sh installs clang-format-14)" >&2; exit 2; }
base="$(git merge-base HEAD "$base_ref")"
diff_args=(-U0 --no-color "$base" -- '*.cc' '*.h' ':!third_party/**' ':!toolchains/**')
if [ "$fix" -eq 1 ]; then
  git diff "${diff_args[@]}" | "$formatter" -p1 -i -binary clang-format-14
  echo "check_format: formatted the changed lines"
  exit 0
fi
out="$(git diff "${diff_args[@]}" | "$formatter" -p1 -binary clang-format-14)" || true
if [ -n "$out" ]; then
  echo "$out"
  echo "check_format: the changed lines above do not follow .clang-format (tools/check_format.sh --fix)" >&2
  exit 1
fi
echo "check_format: the lines changed since $(git rev-parse --short "$base") ($base_ref) follow .clang-format"
