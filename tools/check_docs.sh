#!/usr/bin/env bash
# Builds the API reference (docs/Doxyfile: the public headers of client/, executor/ and
# io/loop.h) with Doxygen and fails on any Doxygen warning or error, an undocumented public
# name included: every public name carries a doc comment (a plain `//` comment right above the
# declaration, or after a member; tools/doxygen_filter.py turns them into doc comments).
#
#   tools/check_docs.sh     # HTML in bazel-docs/html, warnings in bazel-docs/warnings.log
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || { echo "check_docs: doxygen not found (tools/setup.sh installs it)" >&2; exit 2; }
rm -rf bazel-docs && mkdir -p bazel-docs
doxygen docs/Doxyfile >bazel-docs/doxygen.log 2>&1 || { cat bazel-docs/doxygen.log >&2; exit 1; }
log=bazel-docs/warnings.log
undocumented=$(grep -c "is not documented" "$log" || true)
warnings=$(grep -c "warning:\|error:" "$log" || true)
if [ "$warnings" -ne 0 ]; then
  sed "s|^$PWD/||" "$log" >&2
  echo "check_docs: $warnings Doxygen warnings ($undocumented undocumented public names) above:" \
    "document each public name (a // comment right above the declaration, or after a member)" >&2
  exit 1
fi
echo "check_docs: every public name is documented, no Doxygen warnings;" \
  "reference in bazel-docs/html/index.html"
