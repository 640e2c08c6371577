#!/usr/bin/env python3
"""Checks the BUILD files of this repository for one consistent style, and that only the
public targets are visible outside it. Debian has no buildifier, so this checks the few rules
of buildifier's format that the tree follows (github.com/bazelbuild/buildtools: the attribute
order of tables.go's NamePriority and the label order of build/rewrite.go's sortStringList):

  load-first   load() statements come before any other statement
  quotes       strings use double quotes
  indent       indentation is a multiple of 4 spaces, never a tab
  whitespace   no trailing whitespace; the file ends with exactly one newline
  name-first   a rule's first argument is name = "..."
  attr-order   the other arguments in buildifier's order (testonly, srcs, hdrs first;
               deps after the other attributes; the rest by name)
  sorted       srcs, hdrs, deps, data and the other label lists are sorted the way buildifier
               sorts them (":local" first, then "//", then "@"; a comment or a blank line
               starts a new block, sorted on its own)
  visibility   a target (or a package's default_visibility) is "//visibility:public" only for
               the public targets: the ones issue 17 names (//client, the executors,
               //test/server) and the few listed in PUBLIC below

  python3 tools/check_build_files.py [FILE...]   # default: every BUILD file of the tree
Exits 1 and prints file:line: rule: message for each violation.
"""
import ast
import io
import os
import subprocess
import sys
import tokenize

# buildifier's NamePriority (build/tables.go); every other attribute sorts at 0, by name.
PRIORITY = {
    "name": -99, "gwt_name": -98, "package_name": -97, "visible_node_name": -96, "size": -95,
    "timeout": -94, "testonly": -93, "src": -92, "srcdir": -91, "srcs": -90, "out": -89,
    "outs": -88, "hdrs": -87, "has_services": -86, "include": -85, "of": -84, "baseline": -83,
    "destdir": 1, "exports": 2, "runtime_deps": 3, "deps": 4, "implementation": 5,
    "implements": 6, "alwayslink": 7,
}
SORTED_LISTS = {"srcs", "hdrs", "textual_hdrs", "deps", "data", "exports", "runtime_deps",
                "includes", "tags"}

# Targets that may be seen from other workspaces (package:name). Everything else is visible
# inside this repository only (//:__subpackages__ or narrower).
PUBLIC = {
    "client:client",          # the library (issue 17)
    "client:aggregate",       # the optional stream-aggregation part of the API (links Lua)
    "executor:executor",      # the executors (issue 17)
    "executor:tbb_executor",
    "test/server:server",     # the embedded test cluster for the users' own tests (issue 17)
}
# Build files of other repositories (Debian packages, offline stand-ins for Bazel's own rules):
# their targets are public by design, the style rules still apply.
FOREIGN_PREFIXES = ("third_party/",)
PUBLIC_VIS = "//visibility:public"


def build_files(root):
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=root, capture_output=True, text=True, check=True).stdout.split()
    return sorted(f for f in out
                  if os.path.basename(f) in ("BUILD", "BUILD.bazel") or f.endswith(".BUILD"))


def sort_key(value):
    # build/rewrite.go makeSortKey: phase by prefix, then the parts split at ':' and '.'.
    if value.startswith(":"):
        phase = 1
    elif value.startswith("//"):
        phase = 2
    elif value.startswith("@"):
        phase = 3
    else:
        phase = 0
    return (phase, value.replace(":", ".").split("."))


def attr_key(name):
    return (PRIORITY.get(name, 0), name)


class Checker:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.errors = []

    def error(self, line, rule, message):
        self.errors.append("%s:%d: %s: %s" % (self.path, line, rule, message))

    def run(self):
        self.check_text()
        try:
            tree = ast.parse(self.text, self.path)
        except SyntaxError as e:
            self.error(e.lineno or 1, "syntax", str(e.msg))
            return self.errors
        self.check_tokens()
        self.check_statements(tree)
        return self.errors

    def check_text(self):
        if not self.text.endswith("\n") or self.text.endswith("\n\n"):
            self.error(len(self.lines), "whitespace", "the file must end with exactly one newline")
        for i, line in enumerate(self.lines, 1):
            if line != line.rstrip():
                self.error(i, "whitespace", "trailing whitespace")

    def check_tokens(self):
        in_string = set()  # lines that continue a multi-line string: no indentation rule there
        for tok in tokenize.generate_tokens(io.StringIO(self.text).readline):
            if tok.type != tokenize.STRING:
                continue
            body = tok.string.lstrip("rRbBuU")
            if body.startswith("'"):
                self.error(tok.start[0], "quotes", "use double quotes: %s" % tok.string[:40])
            in_string.update(range(tok.start[0] + 1, tok.end[0] + 1))
        for i, line in enumerate(self.lines, 1):
            if i in in_string or not line.strip():
                continue
            indent = line[:len(line) - len(line.lstrip())]
            if "\t" in indent:
                self.error(i, "indent", "a tab in the indentation")
            elif len(indent) % 4:
                self.error(i, "indent", "indentation of %d spaces (a multiple of 4)" % len(indent))

    def check_statements(self, tree):
        seen_other = False
        for stmt in tree.body:
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            is_docstring = isinstance(call, ast.Constant) and isinstance(call.value, str)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                    and call.func.id == "load":
                if seen_other:
                    self.error(stmt.lineno, "load-first", "load() after other statements")
                continue
            if not is_docstring:
                seen_other = True
            if isinstance(call, ast.Call):
                self.check_call(call)

    def check_call(self, call):
        names = [k.arg for k in call.keywords if k.arg]
        if "name" in names:
            if names[0] != "name" or call.args:
                self.error(call.lineno, "name-first", "name = ... must be the first argument")
            want = sorted(names, key=attr_key)
            if names != want:
                self.error(call.lineno, "attr-order",
                           "arguments in the order %s (is %s)" % (", ".join(want), ", ".join(names)))
        for k in call.keywords:
            if k.arg in SORTED_LISTS or k.arg in ("default_visibility", "visibility"):
                self.check_sorted(k.arg, k.value)

    def check_sorted(self, attr, value):
        if isinstance(value, ast.BinOp):  # a + b (+ select(...)): each list on its own
            self.check_sorted(attr, value.left)
            self.check_sorted(attr, value.right)
            return
        if not isinstance(value, ast.List):
            return
        block, previous_line = [], None
        for element in value.elts + [None]:
            if element is not None and not (isinstance(element, ast.Constant)
                                            and isinstance(element.value, str)):
                return  # not a plain list of strings: buildifier leaves it alone too
            breaks = element is None
            if element is not None and previous_line is not None:
                between = self.lines[previous_line:element.lineno - 1]
                breaks = any(not l.strip() or l.strip().startswith("#") for l in between)
            if breaks and block:
                values = [e.value for e in block]
                want = sorted(values, key=sort_key)
                if values != want:
                    self.error(block[0].lineno, "sorted", "%s not sorted: want %s"
                               % (attr, ", ".join('"%s"' % v for v in want)))
                block = []
            if element is not None:
                block.append(element)
                previous_line = element.end_lineno


def string_list(value):
    if isinstance(value, ast.List):
        return [e.value for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def check_visibility(path, text):
    """Targets visible from any workspace must be in PUBLIC."""
    errors = []
    if path.startswith(FOREIGN_PREFIXES):
        return errors
    package = os.path.dirname(path)
    try:
        tree = ast.parse(text, path)
    except SyntaxError:
        return errors
    default = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call):
            continue
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        if isinstance(call.func, ast.Name) and call.func.id == "package":
            default = string_list(kw.get("default_visibility"))
            continue
        name = kw.get("name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            continue
        visibility = string_list(kw["visibility"]) if "visibility" in kw else default
        label = "%s:%s" % (package, name.value)
        if PUBLIC_VIS in visibility and label not in PUBLIC:
            errors.append("%s:%d: visibility: //%s is public; only %s may be (or add it to PUBLIC "
                          "in tools/check_build_files.py with a reason)"
                          % (path, call.lineno, label, ", ".join("//" + p for p in sorted(PUBLIC))))
    return errors


def main(argv):
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=True).stdout.strip()
    os.chdir(root)
    files = argv[1:] or build_files(root)
    errors = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        errors += Checker(path, text).run()
        errors += check_visibility(path, text)
    for e in errors:
        print(e)
    print("check_build_files: %d BUILD files, %d problems" % (len(files), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
