"""@openssl_mingw: OpenSSL for the Windows (mingw-w64) build of the client's TLS.

Debian ships no mingw-w64 OpenSSL. This repository finds one built outside Bazel:
  1. $OPENSSL_MINGW_ROOT (a user's own build: include/openssl/ssl.h, lib/libssl.a, lib/libcrypto.a);
  2. else tools/build_openssl_mingw.sh's result under $AEROSPIKE_ASYNC_CACHE (default
     ~/.cache/aerospike-async)/openssl-mingw-<version> (tools/setup.sh runs that script).
It defines :ssl and :crypto, and writes defs.bzl with OPENSSL_MINGW_FOUND, which client/tls
reads: without OpenSSL a Windows build of the client still builds and refuses TLS with a clear
error. Re-evaluated on every fetch (local), so a build made later is picked up by
`bazel sync --only=openssl_mingw` or the next server start.
"""

_VERSION = "3.0.19"

_BUILD = """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

cc_library(
    name = "crypto",
    srcs = ["lib/libcrypto.a"],
    hdrs = glob(["include/openssl/*.h"]),
    includes = ["include"],
    linkopts = ["-lws2_32", "-lcrypt32", "-ladvapi32", "-luser32"],
    target_compatible_with = ["@platforms//os:windows"],
)

cc_library(
    name = "ssl",
    srcs = ["lib/libssl.a"],
    target_compatible_with = ["@platforms//os:windows"],
    deps = [":crypto"],
)
"""

_MISSING_BUILD = """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

# No mingw-w64 OpenSSL was found (see tools/openssl_mingw.bzl): incompatible everywhere.
config_setting(
    name = "windows",
    constraint_values = ["@platforms//os:windows"],
)

[cc_library(
    name = name,
    target_compatible_with = select({
        ":windows": ["@platforms//os:linux"],
        "//conditions:default": ["@platforms//os:windows"],
    }),
) for name in ["crypto", "ssl"]]
"""

def _find(ctx):
    root = ctx.os.environ.get("OPENSSL_MINGW_ROOT", "")
    if not root:
        cache = ctx.os.environ.get("AEROSPIKE_ASYNC_CACHE", "")
        if not cache:
            home = ctx.os.environ.get("HOME", "")
            if not home:
                return None
            cache = home + "/.cache/aerospike-async"
        root = "%s/openssl-mingw-%s" % (cache, _VERSION)
    for f in ["include/openssl/ssl.h", "lib/libssl.a", "lib/libcrypto.a"]:
        if not ctx.path(root + "/" + f).exists:
            return None
    return root

def _openssl_mingw_impl(ctx):
    root = _find(ctx)
    if root:
        ctx.symlink(root + "/include", "include")
        ctx.symlink(root + "/lib", "lib")
        ctx.file("BUILD.bazel", _BUILD)
    else:
        ctx.file("BUILD.bazel", _MISSING_BUILD)
    ctx.file("defs.bzl", "OPENSSL_MINGW_FOUND = %s\n" % ("True" if root else "False"))

openssl_mingw_repository = repository_rule(
    implementation = _openssl_mingw_impl,
    local = True,
    environ = ["OPENSSL_MINGW_ROOT", "AEROSPIKE_ASYNC_CACHE", "HOME"],
)
