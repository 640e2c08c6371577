"""A C++ toolchain for Windows x64 built by the mingw-w64 cross compiler (Debian's
g++-mingw-w64-x86-64-posix). Used only through `--config=mingw` (see .bazelrc notes in
toolchains/mingw/BUILD.bazel); the output runs under Wine on Linux.

Everything is linked statically (libstdc++, libgcc, winpthread) so a test binary needs no
DLL beside it. Targets name the Windows libraries they use (linkopts), as on Linux.
"""

load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "artifact_name_pattern",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)
load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")

_COMPILE_ACTIONS = [
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.linkstamp_compile,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _flags_feature(name, actions, flags, enabled = True):
    return feature(
        name = name,
        enabled = enabled,
        flag_sets = [flag_set(actions = actions, flag_groups = [flag_group(flags = flags)])],
    )

def _impl(ctx):
    prefix = ctx.attr.tool_prefix
    tools = {
        "gcc": prefix + "g++-posix",
        "cpp": prefix + "cpp-posix",
        "ar": prefix + "ar",
        "ld": prefix + "ld",
        "nm": prefix + "nm",
        "objcopy": prefix + "objcopy",
        "objdump": prefix + "objdump",
        "strip": prefix + "strip",
        "gcov": prefix + "gcov-posix",
    }
    features = [
        _flags_feature("default_compile_flags", _COMPILE_ACTIONS, [
            # Windows 10 APIs (GetQueuedCompletionStatusEx, CancelIoEx, ...).
            "-D_WIN32_WINNT=0x0A00",
            # Depfiles must name headers by the path Bazel gave (external/...), not the
            # resolved /usr/... path, or Bazel reports them as undeclared inclusions.
            "-fno-canonical-system-headers",
        ]),
        _flags_feature("opt", _COMPILE_ACTIONS, ["-O2", "-DNDEBUG"], enabled = False),
        _flags_feature("dbg", _COMPILE_ACTIONS, ["-O0", "-g"], enabled = False),
        feature(
            name = "user_compile_flags",
            enabled = True,
            flag_sets = [flag_set(
                actions = _COMPILE_ACTIONS,
                flag_groups = [flag_group(
                    flags = ["%{user_compile_flags}"],
                    iterate_over = "user_compile_flags",
                    expand_if_available = "user_compile_flags",
                )],
            )],
        ),
        _flags_feature("default_link_flags", _LINK_ACTIONS, ["-static"]),
        feature(
            name = "user_link_flags",
            enabled = True,
            flag_sets = [flag_set(
                actions = _LINK_ACTIONS,
                flag_groups = [flag_group(
                    flags = ["%{user_link_flags}"],
                    iterate_over = "user_link_flags",
                    expand_if_available = "user_link_flags",
                )],
            )],
        ),
        feature(name = "supports_dynamic_linker", enabled = False),
    ]
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        artifact_name_patterns = [
            artifact_name_pattern(category_name = "executable", prefix = "", extension = ".exe"),
        ],
        cxx_builtin_include_directories = ctx.attr.builtin_include_directories,
        toolchain_identifier = "mingw-w64-x86_64",
        host_system_name = "x86_64-linux-gnu",
        target_system_name = "x86_64-w64-mingw32",
        target_cpu = "x64_windows_mingw",
        target_libc = "mingw-w64",
        compiler = "mingw-gcc",
        abi_version = "local",
        abi_libc_version = "local",
        tool_paths = [tool_path(name = k, path = v) for k, v in tools.items()],
    )

mingw_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {
        "tool_prefix": attr.string(mandatory = True),
        "builtin_include_directories": attr.string_list(),
    },
    provides = [CcToolchainConfigInfo],
)
