#!/usr/bin/env bash
# The project's main job (see README): for now the async tutorial against an embedded
# 3-node test cluster (write 5,000 records with 100 in flight, read them back with one
# batch). The load generator (bench/) takes this place when it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cache_dir="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}"
mkdir -p "$cache_dir/disk-cache"
bazel run --disk_cache="$cache_dir/disk-cache" --color=no --curses=no \
  //examples:async_tutorial -- "$@"
