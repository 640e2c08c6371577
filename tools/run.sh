#!/usr/bin/env bash
# The project's main job (see README): aerobench, the load generator and latency harness,
# for about 10 seconds against an embedded 3-node test cluster. Arguments after `--` go to
# aerobench (`tools/run.sh -- --help` lists them; `-- --hosts H:P` uses a real cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cache_dir="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}"
mkdir -p "$cache_dir/disk-cache"
if [ "${1:-}" = "--" ]; then shift; fi
bazel run --disk_cache="$cache_dir/disk-cache" --color=no --curses=no --ui_event_filters=-info \
  //bench/tool:aerobench -- "$@"
