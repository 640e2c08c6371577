#!/usr/bin/env bash
# Builds OpenSSL (libssl, libcrypto; static) for Windows x64 with mingw-w64, from the source
# tarball of Debian's own openssl package (Debian ships no mingw-w64 OpenSSL), so that the
# client's TLS (client/tls) builds for Windows and its tests run under Wine. The result goes
# to $AEROSPIKE_ASYNC_CACHE/openssl-mingw-<version> (default ~/.cache/aerospike-async), where
# the @openssl_mingw repository (tools/openssl_mingw.bzl) finds it; a user with their own
# mingw OpenSSL sets OPENSSL_MINGW_ROOT instead and never runs this.
#
# Does nothing when the build is already there. Takes a few minutes once (two cores); only
# what a TLS client needs is built (no apps, tests, engines, legacy or rarely used ciphers).
# Called by tools/test_windows.sh. Prints the install prefix (for OPENSSL_MINGW_ROOT) on
# stdout; exits non-zero, with the reason, when the download or the build fails.
set -euo pipefail

version=3.0.19
sha256=fa5a4143b8aae18be53ef2f3caf29a2e0747430b8bc74d32d88335b94ab63072
urls=(
  "http://deb.debian.org/debian-security/pool/updates/main/o/openssl/openssl_${version}.orig.tar.gz"
  "http://deb.debian.org/debian/pool/main/o/openssl/openssl_${version}.orig.tar.gz"
)
cache_dir="${AEROSPIKE_ASYNC_CACHE:-$HOME/.cache/aerospike-async}"
prefix="$cache_dir/openssl-mingw-$version"
finished() { echo "$prefix"; exit 0; }
[ -f "$prefix/.complete" ] && finished

cross=x86_64-w64-mingw32-
command -v "${cross}gcc" >/dev/null || { echo "build_openssl_mingw: missing ${cross}gcc" >&2; exit 1; }
mkdir -p "$cache_dir"
exec 9>"$prefix.lock"
flock 9
[ -f "$prefix/.complete" ] && finished

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$work/openssl.tar.gz"
for url in "${urls[@]}"; do
  if curl -fsSL --retry 2 -o "$tarball" "$url"; then break; fi
done
[ -s "$tarball" ] || { echo "build_openssl_mingw: could not download openssl $version from Debian" >&2; exit 1; }
echo "$sha256  $tarball" | sha256sum -c --quiet - \
  || { echo "build_openssl_mingw: checksum mismatch for openssl $version" >&2; exit 1; }
tar xzf "$tarball" -C "$work"

echo "build_openssl_mingw: building OpenSSL $version for mingw-w64 into $prefix (once, a few minutes)" >&2
start=$SECONDS
(
  cd "$work/openssl-$version"
  ./Configure mingw64 --cross-compile-prefix="$cross" --prefix="$prefix" --libdir=lib \
    no-shared no-tests no-dso no-engine no-deprecated no-legacy no-comp no-sock no-ssl3 \
    no-dtls no-srp no-psk no-idea no-cast no-seed no-md4 no-mdc2 no-rc2 no-rc4 no-rc5 no-bf \
    no-camellia no-aria no-sm2 no-sm3 no-sm4 no-whirlpool no-siphash no-cms no-ts no-ct \
    no-async no-ui-console no-gost no-ocb no-scrypt no-blake2 no-dsa no-des no-cmac no-siv \
    no-srtp no-nextprotoneg no-rfc3779 no-ec2m no-autoload-config -O1 >"$work/configure.log" 2>&1 \
    || { tail -20 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" build_libs >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
  make install_dev >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; exit 1; }
)
touch "$prefix/.complete"
echo "build_openssl_mingw: done in $((SECONDS - start)) s" >&2
finished
