#!/usr/bin/env python3
"""Checks that the CMake build (cmake/sources.cmake) compiles exactly the library sources that
Bazel does: every .cc/.c file of the libraries the CMake build installs, as Bazel configures them
for this platform (Linux), must be listed there, and nothing listed may be missing from Bazel.

    tools/check_cmake_sources.py

Exit status 1 with the differences when they are out of step. Needs the workspace's Bazel
(analysis only, nothing is built).
"""
import os
import re
import subprocess
import sys

# The Bazel targets the CMake libraries stand for (see CMakeLists.txt).
TARGETS = [
    "//client",
    "//client:aggregate",
    "//executor:executor",
    "//executor:tbb_executor",
    "//test/server",
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_RE = re.compile(r"\.(cc|cpp|c)$")


def bazel_sources():
    expr = "kind('source file', deps(%s))" % " + ".join(TARGETS)
    cmd = os.environ.get("BAZEL", "bazel").split() + os.environ.get("BAZEL_STARTUP_OPTS", "").split()
    out = subprocess.run(cmd + ["cquery", "--noshow_progress", expr], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    sources = set()
    for line in out.splitlines():
        label = line.split(" ")[0]
        if not label.startswith("//"):
            continue  # external repositories (Debian's libraries)
        package, _, name = label[2:].partition(":")
        path = (package + "/" + name) if package else name
        if SOURCE_RE.search(path):
            sources.add(path)
    return sources


def cmake_sources():
    text = open(os.path.join(ROOT, "cmake", "sources.cmake")).read()
    text = re.sub(r"#[^\n]*", "", text)
    return {t for t in text.split() if SOURCE_RE.search(t)}


def main():
    in_bazel = bazel_sources()
    in_cmake = cmake_sources()
    if not in_bazel:
        print("check_cmake_sources: bazel cquery found no sources", file=sys.stderr)
        return 1
    missing = sorted(in_bazel - in_cmake)
    extra = sorted(in_cmake - in_bazel)
    for path in missing:
        print("check_cmake_sources: %s is built by Bazel but not listed in cmake/sources.cmake" % path,
              file=sys.stderr)
    for path in extra:
        print("check_cmake_sources: %s is listed in cmake/sources.cmake but no Bazel library "
              "builds it" % path, file=sys.stderr)
    if missing or extra:
        return 1
    print("check_cmake_sources: the CMake build lists the %d sources of %s"
          % (len(in_bazel), " ".join(TARGETS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
