"""cc_fuzz_target: a libFuzzer target plus a corpus-replay test, from one source.

For `cc_fuzz_target(name = "x_fuzzer", srcs = ["x_fuzzer.cc"], deps = [...])` in package P:

  :x_fuzzer               cc_binary tagged "fuzz". Under --config=fuzz it links libFuzzer
                          (-fsanitize=fuzzer, only on this binary); otherwise it links the
                          replay main, so it still builds and replays inputs given to it.
                          The default build skips it (build --build_tag_filters=-fuzz).
  :x_fuzzer_corpus_test   cc_test replaying every file of P/corpus/x_fuzzer/ through the same
                          LLVMFuzzerTestOneInput: corpus regressions run in every config.

The source defines `extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t)`.
tools/run_fuzzers.sh builds the binaries with --config=fuzz and runs each one against a copy
of its corpus directory.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def cc_fuzz_target(name, srcs, deps = [], corpus = None, copts = [], size = "small"):
    corpus = corpus or ("corpus/" + name)
    lib = name + "_lib"
    cc_library(
        name = lib,
        testonly = True,
        srcs = srcs,
        deps = deps,
        copts = copts,
        alwayslink = True,
    )
    cc_binary(
        name = name,
        testonly = True,
        deps = [":" + lib] + select({
            "//tools:fuzzing": [],
            "//conditions:default": ["//tools:fuzz_replay_main"],
        }),
        linkopts = select({
            "//tools:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = ["fuzz"],
    )
    cc_test(
        name = name + "_corpus_test",
        size = size,
        deps = [":" + lib, "//tools:fuzz_replay_main"],
        data = native.glob([corpus + "/**"]),
        args = [native.package_name() + "/" + corpus],
    )
