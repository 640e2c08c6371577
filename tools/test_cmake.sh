#!/usr/bin/env bash
# The CMake path as a new user takes it: configure and build the library with CMake (warnings
# are errors), install it into a temporary prefix, then build examples/cmake_consumer against
# the install with find_package(aerospike_async) and run it (put/get on the embedded test
# cluster), and build a one-file program with the installed pkg-config file only.
#
#   tools/test_cmake.sh
#   CMAKE_BUILD_DIR=/tmp/b tools/test_cmake.sh   # where the library builds (kept between runs)
#
# The library's build directory is kept (default: under the project's cache, next to Bazel's
# disk cache), so a run with no source change only relinks; the prefix and the consumer's build
# are fresh each time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}"
build="${CMAKE_BUILD_DIR:-$cache/cmake-build/$(echo "$root" | md5sum | cut -c1-8)}"
jobs="${CMAKE_JOBS:-2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "test_cmake: $*" >&2; exit 1; }

# No optimisation and no debug information: the quickest build (this checks the build, not speed).
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=None \
  -DAEROSPIKE_ASYNC_WERROR=ON -DCMAKE_INSTALL_PREFIX="$prefix" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log" >&2; fail "configure failed"; }
grep "aerospike_async " "$tmp/configure.log" || true
cmake --build "$build" -j "$jobs" >"$tmp/build.log" 2>&1 || { tail -50 "$tmp/build.log" >&2; fail "build failed"; }
cmake --install "$build" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; fail "install failed"; }
[ -f "$prefix/lib/cmake/aerospike_async/aerospike_async-config.cmake" ] || fail "no package config installed"
[ -f "$prefix/include/aerospike_async/client/aerospike.h" ] || fail "no headers installed"

# find_package against the install, from a project outside this tree.
cp -r "$root/examples/cmake_consumer" "$tmp/consumer"
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=None >"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log" >&2; fail "consumer configure failed"; }
cmake --build "$tmp/consumer/build" -j "$jobs" >>"$tmp/consumer.log" 2>&1 ||
  { tail -50 "$tmp/consumer.log" >&2; fail "consumer build failed"; }
out="$("$tmp/consumer/build/put_get")" || fail "put_get failed: $out"
echo "$out"
case "$out" in "put_get: ok"*) ;; *) fail "unexpected output from put_get" ;; esac

# pkg-config alone.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists aerospike_async || fail "pkg-config does not find aerospike_async"
# shellcheck disable=SC2046
"${CXX:-g++}" -std=c++20 -o "$tmp/version" "$root/examples/cmake_consumer/version.cc" \
  $(pkg-config --cflags --libs --static aerospike_async) || fail "the pkg-config build failed"
"$tmp/version" || fail "the pkg-config program failed"
echo "test_cmake: built, installed, used with find_package and with pkg-config ($(pkg-config --modversion aerospike_async))"
