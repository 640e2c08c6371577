#!/usr/bin/env bash
# The project's main job (see README). Until the client and the load generator land, this
# says what is coming.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
echo "The main job is coming: bench/ will hold a load generator and latency harness"
echo "(asbench-like) that runs for about 10 s against an embedded 3-node test cluster."
