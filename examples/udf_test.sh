#!/usr/bin/env bash
# Runs the UDF example and checks the line that says every count came out right.
set -euo pipefail
out="$("$@")"
echo "$out"
grep -qx "Each user counted 40 times: yes" <<<"$out" || { echo "the counts are wrong" >&2; exit 1; }
grep -qx "Aggregation: sum of points over 50 records = 1275 (expected 1275)" <<<"$out" || { echo "the aggregation is wrong" >&2; exit 1; }
grep -qx "All UDF steps: ok" <<<"$out" || { echo "batch apply or the background job failed" >&2; exit 1; }
