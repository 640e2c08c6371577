"""freebsd_compile_check: builds its deps for the FreeBSD shim platform (:freebsd).

A transition sets --platforms to //test/io/kqueue_shim:freebsd, so every select() takes its
FreeBSD branch (//io picks the kqueue backend) while the host compiler (the legacy C++
toolchain, chosen by --cpu, not by the platform) compiles it, with the declarations-only
<sys/event.h> of this folder. The libraries are compiled and archived; nothing is linked.
"""

def _freebsd_transition_impl(settings, attr):
    return {
        "//command_line_option:platforms": "//test/io/kqueue_shim:freebsd",
        # The host C++ toolchain, declared usable for the shim platform.
        "//command_line_option:extra_toolchains": ["//test/io/kqueue_shim:host_cc_for_freebsd"],
    }

_freebsd_transition = transition(
    implementation = _freebsd_transition_impl,
    inputs = [],
    outputs = [
        "//command_line_option:platforms",
        "//command_line_option:extra_toolchains",
    ],
)

def _impl(ctx):
    # Every library in the deps' closure (a cc_library's own files are only its archive).
    archives = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for library in linker_input.libraries:
                archive = library.pic_static_library or library.static_library
                if archive:
                    archives.append(archive)
    return [DefaultInfo(files = depset(archives))]

freebsd_compile_check = rule(
    implementation = _impl,
    attrs = {
        "deps": attr.label_list(cfg = _freebsd_transition),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
