#!/usr/bin/env bash
# Runs a tutorial program and checks the two lines the tutorial promises.
set -euo pipefail
out="$("$@")"
echo "$out"
grep -qx "Wrote 5000 records" <<<"$out" || { echo "missing 'Wrote 5000 records'" >&2; exit 1; }
grep -qx "Found 5000/5000 records" <<<"$out" || { echo "missing 'Found 5000/5000 records'" >&2; exit 1; }
