#!/usr/bin/env bash
# Runs a Windows test binary under Wine: `wine_run.sh program.exe [args...]`.
# Used as Bazel's --run_under by --config=mingw. `wine_run.sh --prepare` only creates the
# Wine prefix: tools/test_windows.sh does that first, outside any test's timeout (creating
# a prefix takes from ~10 s to minutes on a loaded machine); `--persist` and `--stop` start
# and end one wineserver for a whole run.
#
# The Wine prefix lives outside the repository, under the project's cache directory, and is
# created once (the first run takes ~10 s); WINEDEBUG=-all keeps Wine's own chatter out of
# test logs; the run is bounded by WINE_TEST_TIMEOUT seconds (default 300) and a hung test
# fails instead of blocking the build, its threads' stacks printed (winedbg) to show where.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 program.exe [args...]" >&2
  exit 2
fi
if ! command -v wine >/dev/null; then
  echo "wine_run: wine is not installed (tools/setup.sh installs it)" >&2
  exit 2
fi

home="${HOME:-}"
if [ -z "$home" ] || [ ! -d "$home" ]; then home="$(getent passwd "$(id -u)" | cut -d: -f6)"; fi
cache_dir="${AEROSPIKE_ASYNC_CACHE:-$home/.cache/aerospike-async}"
export WINEPREFIX="${WINEPREFIX:-$cache_dir/wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEARCH=win64
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono/Gecko prompts
mkdir -p "$(dirname "$WINEPREFIX")"

# Create the prefix once; concurrent runs wait for the first one.
(
  flock 9
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "wine_run: creating Wine prefix $WINEPREFIX (once)" >&2
    timeout 600 wineboot --init >/dev/null 2>&1 || true
    timeout 120 wineserver --wait || true
  fi
) 9>"$WINEPREFIX.lock"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "wine_run: could not create the Wine prefix $WINEPREFIX" >&2
  exit 2
fi
if [ "$1" = "--prepare" ]; then
  exit 0
fi
# One wineserver for a whole test run: `--persist` starts it to stay (it would otherwise exit
# 3 s after each program and start again with the next, with Wine's services), `--stop` ends
# it. With a wineserver starting and stopping around every test binary, 5 of 57 client test
# runs froze under load on 2026-12-05 (every thread, the watchdog's too, and winedbg could not
# attach); with one persistent wineserver, 0 of 57 (tools/test_windows.sh).
#
# The wineserver and Wine's services (services.exe, winedevice.exe, rpcss.exe, explorer.exe...)
# live as long as the run, and a process inherits its starter's stdout and stderr: started by
# a program whose output a caller reads through a pipe (`out="$(wine_run.sh x.exe)"`), they
# would hold that pipe open and the caller would wait for its end forever (the CI run of
# 2026-12-05 hung so in its wine step). So `--persist` starts both itself, detached from every
# caller's streams: the wineserver, then one trivial program that brings the services up.
if [ "$1" = "--persist" ]; then
  # Fails when a wineserver already runs for this prefix (another run's): that one is used.
  wineserver --persistent </dev/null >/dev/null 2>&1 \
    || echo "wine_run: a wineserver already runs for $WINEPREFIX" >&2
  timeout 300 wine cmd.exe /c exit 0 </dev/null >/dev/null 2>&1 \
    || echo "wine_run: Wine's services did not start cleanly" >&2
  exit 0
fi
if [ "$1" = "--stop" ]; then
  exec wineserver --kill
fi

# Bazel hands GoogleTest a Unix path for its XML report (XML_OUTPUT_FILE, or GTEST_OUTPUT);
# GoogleTest on Windows takes "/x/y" as relative to the working directory, so name Wine's
# Z: drive (the Unix root) explicitly.
if [[ "${XML_OUTPUT_FILE:-}" == /* ]]; then
  export XML_OUTPUT_FILE="Z:${XML_OUTPUT_FILE}"
fi
if [[ "${GTEST_OUTPUT:-}" == xml:/* ]]; then
  export GTEST_OUTPUT="xml:Z:${GTEST_OUTPUT#xml:}"
fi

program="$1"; shift
limit="${WINE_TEST_TIMEOUT:-300}"
wine "$program" "$@" &
pid=$!
# Polls (0.1 s) rather than `timeout`, so that a hung program shows where it hung: every thread's
# stack (winedbg "bt all", the program's own process only) before it is killed.
deadline=$((SECONDS + limit))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "wine_run: $program timed out after $limit s; its threads:" >&2
    name="$(basename "$program")"
    timeout 45 winedbg --command "bt all" </dev/null 2>&1 | tr -d '\r' \
      | awk -v name="$name" '/^Backtracing for thread/ { keep = index($0, name) > 0 } keep' >&2
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exit 124
  fi
  sleep 0.1
done
wait "$pid"
