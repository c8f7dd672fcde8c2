"""The widget's code stays in small functions: none of static/addchat/widget/**/*.js over ~80 lines.

A plain brace-matching scan: comments, strings, template literals and regex literals are blanked
(newlines kept), then every function body (`function …(…) {`, `… => {`, and method shorthand
`name(…) {`) is measured from its opening to its matching closing brace.
"""

import re
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[2] / "static" / "addchat" / "widget"
MAX_LINES = 80
# A `/` after one of these (or at the start) opens a regex literal, not a division.
REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}
KEYWORDS = {"if", "for", "while", "switch", "catch", "with", "return", "function"}


def _skip_string(src, i, quote):
    """Index just past the string literal that starts at src[i] (a quote)."""
    i += 1
    while i < len(src) and src[i] != quote:
        i += 2 if src[i] == "\\" else 1
    return i + 1


def _skip_regex(src, i):
    """Index just past the regex literal that starts at src[i] ("/"), flags included."""
    i += 1
    in_class = False
    while i < len(src) and src[i] != "\n":
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            break
        i += 1
    i += 1
    while i < len(src) and src[i].isalpha():
        i += 1
    return i


def blank_literals(src):
    """The source with comments and literals replaced by spaces (line breaks kept)."""
    out = []
    i = 0
    prev = ""  # last significant character outside literals
    while i < len(src):
        c = src[i]
        two = src[i : i + 2]
        if two == "//":
            end = src.find("\n", i)
            end = len(src) if end < 0 else end
        elif two == "/*":
            end = src.find("*/", i + 2)
            end = len(src) if end < 0 else end + 2
        elif c in "'\"`":
            end = _skip_string(src, i, c)
        elif c == "/" and prev in REGEX_BEFORE:
            end = _skip_regex(src, i)
        else:
            out.append(c)
            if not c.isspace():
                prev = c
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", src[i:end]))
        if c in "'\"`" or c == "/":
            prev = "a"  # a literal is a value: a following "/" divides
        i = end
    return "".join(out)


FUNCTION_START = re.compile(
    r"(?:\bfunction\b[\s\w$*]*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\{)"  # function name(args) {
    r"|(?:=>\s*\{)"  # (args) => {
    r"|(?:^[ \t]*(?:async\s+|get\s+|set\s+|static\s+)*([\w$]+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\{)",  # name(args) {
    re.M,
)


def long_functions(path, limit=MAX_LINES):
    """[(line, length, text)] of every function in `path` whose body spans more than `limit` lines."""
    src = blank_literals(path.read_text(encoding="utf-8"))
    found = []
    for match in FUNCTION_START.finditer(src):
        if match.group(1) in KEYWORDS:
            continue
        open_at = match.end() - 1
        depth = 0
        for j in range(open_at, len(src)):
            if src[j] == "{":
                depth += 1
            elif src[j] == "}":
                depth -= 1
                if depth == 0:
                    break
        first = src.count("\n", 0, open_at) + 1
        length = src.count("\n", open_at, j) + 1
        if length > limit:
            found.append((first, length, match.group(0).strip()[:60]))
    return found


def test_the_scan_finds_a_long_function_and_ignores_braces_in_literals(tmp_path):
    body = "\n".join(f'  x += "{{{i}";  // }}' for i in range(MAX_LINES))
    sample = tmp_path / "sample.js"
    sample.write_text(
        f"export function big(a) {{\n{body}\n}}\nconst re = /[{{]/g;\nconst small = () => {{ return 1; }};\n"
    )
    assert [(line, length) for line, length, _ in long_functions(sample)] == [(1, MAX_LINES + 2)]


def test_no_widget_function_is_longer_than_about_80_lines():
    files = sorted(WIDGET.rglob("*.js"))
    assert files, WIDGET
    too_long = {
        f"{path.relative_to(WIDGET)}:{line} ({length} lines) {text}"
        for path in files
        for line, length, text in long_functions(path)
    }
    assert not too_long, sorted(too_long)
