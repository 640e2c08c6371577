#!/usr/bin/env python3
"""Doxygen input filter: the project's headers document each declaration with plain `//`
comments above it (and short ones after it); Doxygen reads only its own markers. This turns a
whole-line `//` comment into `///` and a trailing `  // text` after code into `///< text`,
leaving code and string literals alone. Used by docs/Doxyfile only; sources are not changed.
"""
import re
import sys

WHOLE = re.compile(r"^(\s*)//(?![/!])\s?(.*)$")
TRAILING = re.compile(r"^(.*?[;,{])(\s+)//(?![/!])\s?(.*)$")


def text(comment):
    # Plain prose, not Doxygen markup: `<name>` is not an HTML tag, `#name` is not a command.
    # Code spans (between backticks) are left as written.
    parts = comment.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"([<>#\\@])", r"\\\1", parts[i])
    return "`".join(parts)


def convert(line):
    m = WHOLE.match(line)
    if m:
        return "%s/// %s" % (m.group(1), text(m.group(2)))
    if '"' not in line:
        m = TRAILING.match(line)
        if m:
            return "%s%s///< %s" % (m.group(1), m.group(2), text(m.group(3)))
    return line


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            sys.stdout.write(convert(line.rstrip("\n")) + "\n")


if __name__ == "__main__":
    main()
