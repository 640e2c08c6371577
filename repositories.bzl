"""Everything the async Aerospike client needs in a Bazel workspace, declared by one macro.

A consuming workspace writes (see examples/consumer/WORKSPACE):

    local_repository(name = "aerospike_async", path = "third_party/aerospike_async")
    load("@aerospike_async//:repositories.bzl", "aerospike_async_dependencies")
    aerospike_async_dependencies()

and depends on @aerospike_async//client (plus @aerospike_async//test/server for an embedded test
cluster in its own tests, @aerospike_async//executor:tbb_executor for oneTBB completions).

Nothing is downloaded: the C/C++ libraries come from Debian packages under /usr (tools/setup.sh
lists them) and the three repositories Bazel 4.2.3 would otherwise fetch on first use (rules_cc,
rules_java, remote_coverage_tools) are small stand-ins kept in this repository (third_party/).
A repository the workspace already declared (its own rules_cc, a gtest built from source, ...)
is left alone: the consumer's declaration wins.
"""

load("//tools:openssl_mingw.bzl", "openssl_mingw_repository")

def _in_tree_repository_impl(ctx):
    # The stand-in's directory inside this repository, wherever this repository itself lives
    # (the main workspace, or an external repository of a consumer).
    third_party = ctx.path(ctx.attr._anchor).dirname
    src = third_party.get_child(ctx.attr.directory)
    if not src.exists:
        fail("aerospike_async: %s is missing" % src)
    for child in src.readdir():
        ctx.symlink(child, child.basename)

# A repository made of a directory of third_party/ (a local_repository whose path is relative to
# this repository rather than to the consuming workspace).
_in_tree_repository = repository_rule(
    implementation = _in_tree_repository_impl,
    attrs = {
        "directory": attr.string(mandatory = True),
        "_anchor": attr.label(default = Label("//third_party:BUILD.bazel")),
    },
    local = True,
)

# Debian packages: repository name -> BUILD file in third_party/.
_SYSTEM_LIBRARIES = {
    "gtest": "gtest.BUILD",  # libgtest-dev, libgmock-dev (tests only)
    "benchmark": "benchmark.BUILD",  # libbenchmark-dev (benchmarks only)
    "tbb": "tbb.BUILD",  # libtbb-dev (//executor:tbb_executor only)
    "openssl": "openssl.BUILD",  # libssl-dev
    "zlib": "zlib.BUILD",  # zlib1g-dev
    "libcrypt": "libcrypt.BUILD",  # libcrypt-dev (bcrypt for password login)
    "lua": "lua.BUILD",  # liblua5.4-dev (UDFs, aggregations)
    "cli11": "cli11.BUILD",  # libcli11-dev (aerobench's flags only)
    "nlohmann_json": "nlohmann_json.BUILD",  # nlohmann-json3-dev (aerobench's JSON only)
}

# Offline stand-ins: repository name -> directory in third_party/.
_IN_TREE = {
    "rules_cc": "rules_cc",
    "rules_java": "rules_java",
    "remote_coverage_tools": "remote_coverage_tools",
}

def aerospike_async_dependencies(system_prefix = "/usr"):
    """Declares every repository @aerospike_async needs that the workspace has not declared.

    Args:
      system_prefix: where the Debian packages' include/ and lib/ are (default /usr).
    """
    for name, directory in _IN_TREE.items():
        if not native.existing_rule(name):
            _in_tree_repository(name = name, directory = directory)
    for name, build_file in _SYSTEM_LIBRARIES.items():
        if not native.existing_rule(name):
            native.new_local_repository(
                name = name,
                build_file = str(Label("//third_party:" + build_file)),
                path = system_prefix,
            )
    # OpenSSL for Windows (mingw-w64) builds of the client's TLS: the user's own
    # (OPENSSL_MINGW_ROOT) or tools/build_openssl_mingw.sh's; absent: TLS refused on Windows.
    if not native.existing_rule("openssl_mingw"):
        openssl_mingw_repository(name = "openssl_mingw")
