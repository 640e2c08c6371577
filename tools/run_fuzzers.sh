#!/usr/bin/env bash
# Builds every libFuzzer target (cc_binary tagged "fuzz" under //fuzz/...) with
# --config=fuzz (clang 14, ASan, UBSan) and runs each for SECONDS seconds (default 30)
# against a copy of its seed corpus (<package>/corpus/<target>/). Any crash, leak, sanitizer
# report or timeout fails the run loudly, with the reproducer saved under fuzz-findings/.
#
# Usage: tools/run_fuzzers.sh [SECONDS]
# Environment:
#   FUZZ_MERGE=1          merge newly found interesting inputs back into the seed corpora
#   FUZZ_TARGETS="a b"    only these targets (names, e.g. "msgpack_fuzzer")
#   FUZZ_SKIP="//p:t"     leave these targets out
#   BAZEL_STARTUP_OPTS   e.g. "--output_base=/root/.cache/bazel-ob-fuzz"
#   BAZEL_BUILD_FLAGS     extra build flags (default: --jobs=2 and the shared disk cache)
#   FUZZ_JOBS             fuzzers run at once (default: 2, or 1 on a single core)
# Prints one "PASS: //pkg:target ..." or "FAIL: //pkg:target ..." line per target and exits
# non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
read -r -a startup <<< "${BAZEL_STARTUP_OPTS:-}"
cache_dir="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}"
read -r -a build_flags <<< "${BAZEL_BUILD_FLAGS:---jobs=2 --disk_cache=$cache_dir/disk-cache}"

targets=$(bazel "${startup[@]}" query --noshow_progress \
  'attr(tags, "\bfuzz\b", kind("cc_binary", //fuzz/...))' 2>/dev/null)
if [ -z "$targets" ]; then
  echo "FAIL: no fuzz targets found under //fuzz/..."
  exit 1
fi
# FUZZ_SKIP="//pkg:target ...": targets not run (none by default).
for skip in ${FUZZ_SKIP-}; do
  targets=$(printf '%s\n' $targets | grep -vx -- "$skip")
done
if [ -n "${FUZZ_TARGETS:-}" ]; then
  wanted=""
  for t in $targets; do
    for n in $FUZZ_TARGETS; do [ "${t##*:}" = "$n" ] && wanted="$wanted $t"; done
  done
  targets="$wanted"
fi

# shellcheck disable=SC2086
if ! bazel "${startup[@]}" build --config=fuzz "${build_flags[@]}" $targets; then
  echo "FAIL: fuzz targets did not build"
  exit 1
fi
bin_dir=$(bazel "${startup[@]}" info --config=fuzz bazel-bin 2>/dev/null)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings="fuzz-findings"

# run_one TARGET: runs one fuzzer; its report goes to $work/<name>.result, and
# $work/<name>.failed marks a failure.
run_one() {
  local t="$1" pkg name seeds corpus log rc execs rate cov
  pkg="${t#//}"; pkg="${pkg%%:*}"; name="${t##*:}"
  seeds="$pkg/corpus/$name"
  corpus="$work/$name"
  mkdir -p "$corpus" "$work/artifacts-$name"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
  log="$work/$name.log"
  "$bin_dir/$pkg/$name" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts-$name/" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    touch "$work/$name.failed"
    mkdir -p "$findings/$name"
    cp "$work/artifacts-$name"/* "$findings/$name"/ 2>/dev/null || true
    {
      echo "FAIL: $t (exit $rc; reproducers in $findings/$name/)"
      grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$log" | head -20
      tail -30 "$log"
    } >"$work/$name.result"
  else
    echo "PASS: $t ${seconds}s, ${execs:-?} execs, ${rate:-?} execs/s, ${cov:-cov: ?}" >"$work/$name.result"
    if [ "${FUZZ_MERGE:-0}" = "1" ] && [ -d "$seeds" ]; then
      "$bin_dir/$pkg/$name" -merge=1 "$seeds" "$corpus" >"$work/$name.merge.log" 2>&1 \
        && echo "  merged into $seeds: $(grep -o 'MERGE-OUTER: [0-9]* new files[^;]*' "$work/$name.merge.log" | tail -1)" \
          >>"$work/$name.result"
    fi
  fi
}

# FUZZ_JOBS fuzzers at once (default: one per core, at most 2): each is single-threaded, so on
# 2 cores two at a time halve the step's wall time without shortening any fuzzer's run.
jobs="${FUZZ_JOBS:-$(( $(nproc) < 2 ? 1 : 2 ))}"
running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait
failed=0
for t in $targets; do
  name="${t##*:}"
  cat "$work/$name.result" 2>/dev/null || { echo "FAIL: $t (no result)"; failed=1; }
  [ -e "$work/$name.failed" ] && failed=1
done
exit $failed
