#!/usr/bin/env bash
# Installs every Debian package this project needs, when it is missing; does nothing when
# all are there. Called by tools/test.sh and tools/run.sh, so a new user never runs it by
# hand. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  bazel-bootstrap            # Bazel 4.2.3, the build
  g++                        # g++ 12, the default compiler
  clang-14                   # second compiler, and libFuzzer
  libclang-rt-14-dev         # libFuzzer and sanitizer runtimes for clang
  libgtest-dev libgmock-dev  # GoogleTest, GoogleMock
  googletest                 # GoogleTest sources, for the mingw-w64 (IOCP) cross build
  libbenchmark-dev           # Google Benchmark
  libtbb-dev                 # oneTBB, the "bring your own thread pool" executor
  libcli11-dev               # CLI11: aerobench's flags (header-only)
  nlohmann-json3-dev         # nlohmann-json: aerobench's --json and its tests (header-only)
  openssl                    # the openssl command: test certificates for the standalone test server
  libssl-dev                 # TLS (client and test server); tests compare RIPEMD-160 with OpenSSL's
  zlib1g-dev                 # compressed Aerospike frames
  libcrypt-dev               # libxcrypt: bcrypt of passwords for Aerospike security
  g++-mingw-w64-x86-64-posix # Windows cross compiler for the IOCP backend
  libz-mingw-w64-dev         # zlib for the Windows (mingw-w64) build of the client
  wine64 wine                # runs the IOCP tests on Linux
  curl                       # fetches Debian's openssl source for the mingw-w64 build (tools/build_openssl_mingw.sh)
  python3                    # small build and CI scripts
  liblua5.4-dev              # Lua 5.4: UDFs in the test server, client-side aggregation
  cmake pkg-config           # the CMake build and its install check (tools/test_cmake.sh)
  clang-format-14            # tools/check_format.sh (.clang-format)
  doxygen                    # the API reference (docs/Doxyfile, tools/check_docs.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
    echo "setup: not root and no sudo; install these packages: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
echo "setup: done" >&2
