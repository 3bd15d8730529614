"""Reading the plain YAML that deal files are written in, without building nodes.

pyyaml's C composer spends most of a deal file's parse creating a Python
node, with two marks, for every scalar (about 0.3 ms a file, half the cost of
a cold report). Deal files are written in a small part of YAML: block
mappings and sequences indented with spaces, one-line flow collections
(`{date: 2025-03-05, by: ana}`, `[technical, coach]`), plain words and dates,
quoted text without escapes, comment lines. `read` builds the data of such a
text directly from its lines, three to four times faster.

It is an accelerator, never a second judge: anything outside that part of
YAML (a tab, a block scalar, a `#` after a value, an escape, a plain value
that runs onto the next line, a duplicate key, ...) raises `Unsure`, and the
caller reads the file with pyyaml as before. For every text it accepts, the
result equals what `yamlio.parse_data` builds through pyyaml, value for value
and type for type (`tests/test_fastyaml.py` holds it to that with hypothesis,
on generated texts around every edge of the subset, and on every deal file
the tests and the demo hold).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MAX_NESTING = 20  # deeper texts go to pyyaml, which reports what is too deep


class Unsure(Exception):
    """The text steps outside the subset read here: read it with pyyaml."""


# Any character pyyaml reads differently from what a line split sees (tabs, the
# line breaks \r \x85 \u2028 \u2029, a BOM) or refuses (control characters).
_ODD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                  "\U00010000-\U0010ffff]")
_ODD_ASCII = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
_MARKER = re.compile(r"^(?:---|\.\.\.)", re.MULTILINE)
# A plain scalar in a block: no indicator first ('-' starts a number, below),
# no bracket or '#', and a ':' only inside a word (': ' or a final ':' would be a key).
_PLAIN = r"[^-?:,\[\]{}#&*!|>'\"%@`. ](?:[^:\[\]{}#]|:(?=[^ ]))*"
# A plain key: word characters, dots, dashes and slashes, at most 1,024 of
# them (libyaml reads no longer key: it refuses the line).
_KEY_TEXT = r"[^\W][\w.\-/]{0,1023}"
# `key:`, `key: plain value` or `key: anything else`.
_KEY = re.compile("(" + _KEY_TEXT + r"):(?: +(?:(" + _PLAIN + r")|(.+)))?\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
# A plain value may not start with an indicator; '-' starts one only before a digit.
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`.")
_FLOW_PLAIN = re.compile(r"[^ ,\[\]{}:#\"'][^,\[\]{}:#\"']*")
_FLOW_KEY = re.compile(_KEY_TEXT)
# One-level flow collections (most of them) are read by two regular expressions.
# A plain value there never ends in a space (spaces inside it come before a
# character that is not one), so that each text splits one way only: with
# `[^,]*?` followed by ` *`, a line of many values with trailing spaces that
# fails to match would make the engine try every split (exponential time).
_FLAT_PLAIN = r"""[^- ,\[\]{}:#"'?&*!|>%@`.](?: *[^ ,\[\]{}:#"'])*"""
# A value: double-quoted, single-quoted or plain (one group each).
_FLAT_ONE = "(?:" + _DOUBLE.pattern + "|" + _SINGLE.pattern + "|(" + _FLAT_PLAIN + "))"
_FLAT_MAP = re.compile(r"\{ *(?:" + _KEY_TEXT + ": +" + _FLAT_ONE + " *, *)*"
                       + _KEY_TEXT + ": +" + _FLAT_ONE + r" *\}")
_FLAT_SEQ = re.compile(r"\[ *(?:" + _FLAT_ONE + " *, *)*" + _FLAT_ONE + r" *\]")
_FLAT_PAIR = re.compile("(" + _KEY_TEXT + "): +" + _FLAT_ONE + " *[,}]")
_FLAT_ITEM = re.compile(" *" + _FLAT_ONE + r" *[,\]]")


def read(text: str, scalar: Callable[[str], Any]) -> Any:
    """The data of a YAML text, or `Unsure`.

    `scalar` turns a plain scalar's text into its value (the caller's resolver,
    so both paths resolve alike); quoted scalars are text.
    """
    if (_ODD_ASCII if text.isascii() else _ODD).search(text) or (
            ("---" in text or "..." in text) and _MARKER.search(text)):
        raise Unsure("an unusual character, or a document marker")
    lines = []
    for line in text.split("\n"):
        content = line.lstrip(" ")
        if content and content[0] != "#":
            indent = len(line) - len(content)
            if "#" in content:
                content = _without_comment(content)
            lines.append((indent, content.rstrip(" ")))
    if not lines:
        return None
    reader = _Reader(lines, scalar)
    value, end = reader.block(0, lines[0][0], 0, -1)
    if end != len(lines):
        raise Unsure("text after the document")
    return value


class _Reader:
    def __init__(self, lines: list[tuple[int, str]], scalar: Callable[[str], Any]) -> None:
        self.lines = lines
        self.scalar = scalar

    def block(self, i: int, indent: int, depth: int, parent: int) -> tuple[Any, int]:
        """The node whose first line is line i, at `indent`; and the line after it.

        `parent` is the indentation of the key or item it belongs to (-1 at the
        top): a scalar runs on over any later line indented more than that.
        """
        if depth > MAX_NESTING:
            raise Unsure("deep")
        content = self.lines[i][1]
        if _is_item(content):
            return self.sequence(i, indent, depth)
        if _KEY.match(content):
            return self.mapping(i, indent, depth)
        i += 1
        if i < len(self.lines) and self.lines[i][0] > parent:
            raise Unsure("a value that runs on")
        return self.inline(content, depth), i

    def mapping(self, i: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        lines, scalar, result = self.lines, self.scalar, {}
        count = len(lines)
        while i < count:
            at, content = lines[i]
            if at != indent:
                if at < indent:
                    break
                raise Unsure("not a key")
            match = _KEY.match(content)
            if match is None:
                raise Unsure("not a key")
            key, plain, other = match.groups()
            if key in result:
                raise Unsure("a duplicate key")
            i += 1
            if plain is not None or other is not None:
                if i < count and lines[i][0] > indent:
                    raise Unsure("a value that runs on")
                result[key] = scalar(plain) if plain is not None else self.inline(other, depth + 1)
            elif i < count and (lines[i][0] > indent or (
                    lines[i][0] == indent and _is_item(lines[i][1]))):
                result[key], i = self.block(i, lines[i][0], depth + 1, indent)
            else:
                result[key] = scalar("")
        return result, i

    def sequence(self, i: int, indent: int, depth: int) -> tuple[list[Any], int]:
        lines, result = self.lines, []
        count = len(lines)
        while i < count:
            at, content = lines[i]
            if at < indent or (at == indent and not _is_item(content)):
                break
            if at > indent:
                raise Unsure("not an item")
            rest = content[1:].lstrip(" ")
            if rest:
                inner = indent + len(content) - len(rest)
                lines[i] = (inner, rest)  # the item's node starts here, as if on its own line
                item, i = self.block(i, inner, depth + 1, indent)
                result.append(item)
            else:
                i += 1
                if i < count and lines[i][0] > indent:
                    item, i = self.block(i, lines[i][0], depth + 1, indent)
                    result.append(item)
                else:
                    result.append(self.scalar(""))
        return result, i

    def inline(self, text: str, depth: int) -> Any:
        """A value written on one line: a flow collection, a quoted or a plain scalar."""
        first = text[0]
        if first == "{" and _FLAT_MAP.fullmatch(text):
            return self.flat_mapping(text)
        if first == "[" and _FLAT_SEQ.fullmatch(text):
            return self.flat_sequence(text)
        if first == "{" or first == "[":
            value, end = self.flow(text, 0, depth)
            if end != len(text):
                raise Unsure("text after a flow collection")
            return value
        if first == '"':
            match = _DOUBLE.fullmatch(text)
            if match is None:
                raise Unsure("a quoted value with escapes or more")
            return match.group(1)
        if first == "'":
            match = _SINGLE.fullmatch(text)
            if match is None:
                raise Unsure("a quoted value with more")
            return match.group(1).replace("''", "'")
        _plain_start(text)
        if ": " in text or text[-1] == ":" or "[" in text or "]" in text or "{" in text \
                or "}" in text:
            raise Unsure("a plain value that may be more")
        return self.scalar(text)

    def flat_mapping(self, text: str) -> dict[str, Any]:
        """A flow mapping of scalars, which `_FLAT_MAP` matched whole."""
        scalar, result = self.scalar, {}
        for key, double, single, plain in _FLAT_PAIR.findall(text, 1):
            if key in result:
                raise Unsure("a duplicate key")
            result[key] = _flat_value(scalar, double, single, plain)
        return result

    def flat_sequence(self, text: str) -> list[Any]:
        """A flow sequence of scalars, which `_FLAT_SEQ` matched whole."""
        scalar = self.scalar
        return [_flat_value(scalar, double, single, plain)
                for double, single, plain in _FLAT_ITEM.findall(text, 1)]

    def flow(self, text: str, pos: int, depth: int) -> tuple[Any, int]:
        """A flow value starting at `pos`; and the position after it and its spaces."""
        if depth > MAX_NESTING or pos >= len(text):
            raise Unsure("deep, or nothing where a value belongs")
        first = text[pos]
        if first == "{":
            mapping: dict[str, Any] = {}
            pos = _spaces(text, pos + 1)
            if text.startswith("}", pos):
                return mapping, _spaces(text, pos + 1)
            while True:
                match = _FLOW_KEY.match(text, pos)
                if match is None:
                    raise Unsure("not a plain key")
                key, pos = match.group(), match.end()
                if not text.startswith(": ", pos) or key in mapping:
                    raise Unsure("not a key and value")
                mapping[key], pos = self.flow(text, _spaces(text, pos + 2), depth + 1)
                pos, closed = _after(text, pos, "}")
                if closed:
                    return mapping, pos
        if first == "[":
            sequence: list[Any] = []
            pos = _spaces(text, pos + 1)
            if text.startswith("]", pos):
                return sequence, _spaces(text, pos + 1)
            while True:
                item, pos = self.flow(text, pos, depth + 1)
                sequence.append(item)
                pos, closed = _after(text, pos, "]")
                if closed:
                    return sequence, pos
        if first == '"' or first == "'":
            match = (_DOUBLE if first == '"' else _SINGLE).match(text, pos)
            if match is None:
                raise Unsure("a quoted value with escapes or more")
            value = match.group(1)
            return (value if first == '"' else value.replace("''", "'")), _spaces(text, match.end())
        match = _FLOW_PLAIN.match(text, pos)
        if match is None:
            raise Unsure("not a flow value")
        plain = match.group().rstrip(" ")
        _plain_start(plain)
        end = _spaces(text, pos + len(plain))
        if end < len(text) and text[end] not in ",]}":  # the value goes on, in YAML
            raise Unsure("more after a flow value")
        return self.scalar(plain), end



def _after(text: str, pos: int, close: str) -> tuple[int, bool]:
    """Past the `,` between two flow entries, or past the closing bracket (True)."""
    if pos >= len(text):
        raise Unsure("an unclosed flow collection")
    char = text[pos]
    if char == close:
        return _spaces(text, pos + 1), True
    if char != ",":
        raise Unsure("not a separator")
    pos = _spaces(text, pos + 1)
    if pos >= len(text) or text[pos] in ",]}":
        raise Unsure("an empty entry")
    return pos, False


def _without_comment(content: str) -> str:
    """A line's content without the comment after its value (` # ...`).

    Only on lines without quotes: a `#` in a quoted value is text. A `#` not
    after a space (`PO#12`) is text too, as in YAML.
    """
    if '"' in content or "'" in content:
        raise Unsure("a comment on a line with quotes")
    cut = content.find(" #")
    return content[:cut] if cut >= 0 else content


def _flat_value(scalar: Callable[[str], Any], double: str, single: str, plain: str) -> Any:
    """The value of one alternative of `_FLAT_PAIR` or `_FLAT_ITEM` (the others are empty)."""
    if plain:
        return scalar(plain)
    return single.replace("''", "'") if single else double


def _is_item(content: str) -> bool:
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")


def _plain_start(text: str) -> None:
    first = text[0]
    if first in _PLAIN_START and not (first == "-" and text[1:2].isdigit()):
        raise Unsure("a value starting with an indicator")


def _spaces(text: str, pos: int) -> int:
    length = len(text)
    while pos < length and text[pos] == " ":
        pos += 1
    return pos
