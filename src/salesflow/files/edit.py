"""Surgical edits of YAML text: change only the bytes a command means to change.

A command describes its change as operations on the document's plain data:
set a value, delete a key, append a list item (`Set`, `Delete`, `Append`).
This module carries each one out on the file's *text*, at the places pyyaml's
node marks give:

- a scalar is replaced within its exact span, keeping its quoting style;
- a new key or list item becomes new lines after the last entry of its block,
  in the block's indentation and in the style of its siblings (a flow
  `{...}` item if they are flow items, block lines if they are block
  mappings), or is added inside the brackets of a flow collection;
- a deleted key takes its whole line(s) with it, and nothing else.

Comments, blank lines, key order, quoting, flow or block style, CRLF line
breaks and every other byte are left alone. The result is parsed again and
compared with the intended data (the old data with the operations applied);
any difference raises `EditError`, and the caller writes nothing. The module
does no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from salesflow.files import yamlio
from salesflow.model.edits import Append, DataPath, Delete, Op, Set
from salesflow.model.errors import DataError
from salesflow.model.i18n import _

__all__ = ["Append", "Delete", "EditError", "Op", "Set", "apply", "plain", "same"]

# What pyyaml counts as a line break; marks count lines by these.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_BREAK_CHARS = "\r\n\x85\u2028\u2029"
_SPACES_BEFORE_COMMENT = re.compile(r" +(?=#)")


class EditError(DataError):
    """A change could not be made surgically; nothing was (or may be) written."""




# ------------------------------------------------------------------ the data side


def plain(value: Any) -> Any:
    """A value as the loader would build it back from its written form (dates are text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def intended(data: Any, ops: Sequence[Op]) -> Any:
    """The data a document should hold after `ops`: what the edited text must parse to."""
    result = copy.deepcopy(data)
    for op in ops:
        *parents, last = op.path
        container = result
        for step in parents:
            if isinstance(container, dict) and step not in container:
                container[step] = {}  # a missing parent mapping is created, as in the text
            container = container[step]
        if isinstance(op, Set):
            container[last] = plain(op.value)
        elif isinstance(op, Delete):
            del container[last]
        else:
            container.setdefault(last, []).append(plain(op.value))
    return result


def same(a: Any, b: Any) -> bool:
    """Deep equality that also compares types (so 1 != True and "1" != 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal):
        return str(a) == str(b)
    return bool(a == b)


# ------------------------------------------------------------------ the text side


def apply(text: str, ops: Sequence[Op], *, path: str = "<text>",
          key_order: Sequence[str] = ()) -> str:
    """`text` with `ops` carried out surgically; raises EditError if that is not possible.

    `key_order` is the usual order of the top-level keys: a new top-level key
    goes right after the nearest key that precedes it in that order (so
    `status:` lands after `stage:`), else at the end of the mapping.
    """
    before = _data(text, path)
    new = text
    for op in ops:
        new = _Editor(new, path, key_order).apply(op)
    try:
        after = _data(new, path)
    except EditError:
        raise EditError(
            _("{path}: the edited text would not parse; nothing was written").format(path=path),
            hint=_("this is a bug in salesflow's editor; please report it with the file"),
        ) from None
    if not same(after, intended(before, ops)):
        raise EditError(
            _("{path}: the edited text does not read back as the intended "
              "change; nothing was written").format(path=path),
            hint=_("this is a bug in salesflow's editor; make the change by hand and "
            "please report it with the file"),
        )
    return new


def _data(text: str, path: str) -> Any:
    try:
        data, _ = yamlio.build(yamlio.compose(text, path), path)
    except yamlio.YamlProblem as exc:
        raise EditError(str(exc.problem)) from None
    return data


def newline_of(text: str) -> str:
    """The file's line break: the first one it uses, else a plain newline."""
    match = _BREAK.search(text)
    return match.group() if match and match.group() in ("\r\n", "\r") else "\n"


@dataclass
class _Found:
    """A node at a data path, with what an edit needs to know about where it sits."""

    node: yaml.Node
    key: yaml.ScalarNode | None  # the key node when the node is a mapping value
    in_flow: bool  # inside a flow collection: plain scalars must avoid , [ ] { } :


class _Editor:
    """One edit on one text. Each operation composes the text afresh for exact marks."""

    def __init__(self, text: str, path: str, key_order: Sequence[str]) -> None:
        self.text = text
        self.path = path
        self.key_order = list(key_order)
        self.nl = newline_of(text)
        root = yamlio.compose(text, path)
        if not isinstance(root, yaml.MappingNode):
            raise self.error((), _("the document is not a mapping"))
        self.root: yaml.MappingNode = root

    # ------------------------------------------------------------- helpers

    def error(self, at: DataPath, why: str) -> EditError:
        where = ".".join(str(p) for p in at) or _("the document")
        return EditError(_("{path}: cannot change {where} surgically: {why}; nothing was "
                           "written").format(path=self.path, where=where, why=why),
                         hint=_("make this change by hand"))

    def find(self, at: DataPath) -> _Found | None:
        node: yaml.Node = self.root
        key: yaml.ScalarNode | None = None
        in_flow = False
        for step in at:
            in_flow = in_flow or bool(getattr(node, "flow_style", False))
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                pair = _pair(node, step)
                if pair is None:
                    return None
                key, node = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    return None
                key, node = None, node.value[step]
            else:
                return None
        return _Found(node, key, in_flow)

    def splice(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]

    def line_start(self, pos: int) -> int:
        while pos > 0 and self.text[pos - 1] not in _BREAK_CHARS:
            pos -= 1
        return pos

    def after_line(self, pos: int) -> int:
        """Just after the line break ending the line that holds `pos` (or the text's end).

        A position at the start of a line is already after the previous line.
        """
        if pos > 0 and self.text[pos - 1] in _BREAK_CHARS:
            return pos
        match = _BREAK.search(self.text, pos)
        return match.end() if match else len(self.text)

    def insert_lines(self, pos: int, lines: list[str]) -> str:
        """Insert whole lines at a line start `pos`, or at the very end of a text
        that lacks a final line break (which then stays without one)."""
        body = self.nl.join(lines)
        if pos == len(self.text) and self.text and self.text[-1] not in _BREAK_CHARS:
            return self.text + self.nl + body
        return self.splice(pos, pos, body + self.nl)

    def content_end(self, node: yaml.Node) -> int:
        """Where a node's own text ends: block collections end at their last value,
        not at the next token (past comments and blank lines) as their marks say."""
        if isinstance(node, yaml.ScalarNode):
            end = int(node.end_mark.index)
            if node.style in ("|", ">"):
                header = self.text[node.start_mark.index:self.after_line(node.start_mark.index)]
                if "+" not in header.split("#")[0]:  # trailing blank lines are not content
                    while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                        end -= 1
            return end
        if getattr(node, "flow_style", False):
            return int(node.end_mark.index)
        if isinstance(node, yaml.MappingNode):
            key, value = node.value[-1]
            return self.pair_end(key, value)
        if isinstance(node, yaml.SequenceNode):
            return self.content_end(node.value[-1])
        return int(node.end_mark.index)  # pragma: no cover - no other node kinds

    def pair_end(self, key: yaml.Node, value: yaml.Node) -> int:
        if _is_empty(value):  # `key:` with nothing after it: its marks may be anywhere
            return int(key.end_mark.index)
        return max(int(key.end_mark.index), self.content_end(value))

    def own_lines(self, start: int, end: int) -> tuple[int, int] | None:
        """The whole lines of a flow entry from `start` to `end` (with its comma), if
        nothing else stands on them; None when it shares a line with other text."""
        first = self.line_start(start)
        if self.text[first:start].strip(" \t"):
            return None
        rest = re.compile(r"[ \t]*,?[ \t]*(?:#[^\r\n\x85\u2028\u2029]*)?").match(self.text, end)
        after = rest.end() if rest else end
        if after < len(self.text) and self.text[after] not in _BREAK_CHARS:
            return None
        return first, self.after_line(after)

    def colon_after(self, key: yaml.Node) -> int:
        """The index just after the `:` that follows a key."""
        match = re.compile(r"[ \t]*:").match(self.text, key.end_mark.index)
        if match is None:
            raise self.error((), _("a key without a following ':'"))
        return match.end()

    def indent_unit(self) -> tuple[int, int]:
        """(mapping indent, sequence indent) the file uses under top-level keys.

        Sequence indent 0 means `key:` followed by `- item` lines at the same
        column (an "indentless" sequence). Defaults: 2 and 2.
        """
        mapping, sequence = None, None
        for key, value in self.root.value:
            if getattr(value, "flow_style", True) or _is_empty(value):
                continue
            if isinstance(value, yaml.MappingNode) and mapping is None:
                mapping = value.value[0][0].start_mark.column - key.start_mark.column
            if isinstance(value, yaml.SequenceNode) and sequence is None:
                sequence = value.start_mark.column - key.start_mark.column
        return (mapping if mapping and mapping > 0 else 2,
                sequence if sequence is not None and sequence >= 0 else 2)

    # --------------------------------------------------------- rendering

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{_key(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return _scalar(value, flow=True)

    def like(self, old: yaml.Node, value: Any, in_flow: bool) -> str:
        """`value` written in place of the scalar `old`, in its quoting style when text."""
        if isinstance(value, dict | list | tuple):
            return self.flow(value)
        text = value.isoformat() if isinstance(value, dt.date) else value
        if isinstance(text, str) and isinstance(old, yaml.ScalarNode):
            if old.style == '"':
                return _quote(yamlio.double_quoted, text)
            single = yamlio.single_quoted(text) if old.style == "'" else None
            if single is not None:
                return single
        return _scalar(value, flow=in_flow)

    def block_entry(self, key: str, value: Any, indent: int, sibling: yaml.Node | None,
                    top: bool) -> list[str]:
        """The line(s) of a new `key: value` entry of a block mapping at column `indent`."""
        pad = " " * indent
        mapping_step, sequence_step = self.indent_unit()
        if isinstance(value, dict) and value and (
            top or (isinstance(sibling, yaml.MappingNode) and not sibling.flow_style)
        ):
            step = mapping_step
            if sibling is not None and isinstance(sibling, yaml.MappingNode) and not top:
                step = sibling.value[0][0].start_mark.column - indent
            return [f"{pad}{_key(key)}:"] + [
                f"{pad}{' ' * step}{_key(k)}: {self.flow(v)}" for k, v in value.items()
            ]
        if isinstance(value, list) and value and top:
            dash = " " * (indent + sequence_step)
            return [f"{pad}{_key(key)}:"] + [f"{dash}- {self.flow(v)}" for v in value]
        return [f"{pad}{_key(key)}: {self.flow(value)}"]

    # -------------------------------------------------------- operations

    def apply(self, op: Op) -> str:
        if not op.path:
            raise self.error((), _("the whole document cannot be replaced"))
        if isinstance(op, Set):
            return self.set(op.path, op.value)
        if isinstance(op, Delete):
            return self.delete(op.path)
        return self.append(op.path, op.value)

    def set(self, at: DataPath, value: Any) -> str:
        *parents, last = at
        parent = self.find(tuple(parents))
        if parent is None:
            if not parents or not isinstance(last, str):
                raise self.error(at, _("its parent is missing"))
            return self.set(tuple(parents), {last: value})
        container = parent.node
        if not isinstance(container, yaml.MappingNode) or not isinstance(last, str):
            raise self.error(at, _("it is not a key of a mapping"))
        in_flow = parent.in_flow or bool(container.flow_style)
        pair = _pair(container, last)
        if pair is not None:
            return self.replace(at, pair[0], pair[1], value, in_flow)
        if container.flow_style:
            return self.add_to_flow(container, f"{_key(last)}: {self.flow(value)}",
                                    container.value)
        return self.add_to_block_mapping(container, last, value)

    def replace(self, at: DataPath, key: yaml.Node, old: yaml.Node, value: Any,
                in_flow: bool) -> str:
        if _is_empty(old):
            colon = self.colon_after(key)
            return self.splice(colon, colon, " " + self.like(old, value, in_flow))
        if isinstance(old, yaml.ScalarNode) and old.style in ("|", ">"):
            raise self.error(at, _("its value is a block scalar (| or >)"))
        if isinstance(old, yaml.ScalarNode) or getattr(old, "flow_style", False):
            start, end = int(old.start_mark.index), int(old.end_mark.index)
            new = self.like(old, value, in_flow)
            aligned = _SPACES_BEFORE_COMMENT.match(self.text, end)
            if aligned and not _BREAK.search(self.text, start, end):
                # keep a trailing comment in its column: `status: won     # ...`
                pad = max(1, len(aligned.group()) + (end - start) - len(new))
                return self.splice(start, aligned.end(), new + " " * pad)
            return self.splice(start, end, new)
        raise self.error(at, _("its value is a block mapping or list"))

    def add_to_block_mapping(self, mapping: yaml.MappingNode, key: str, value: Any) -> str:
        pairs = mapping.value
        anchor = pairs[-1]
        top = mapping is self.root
        if top and key in self.key_order:
            rank = self.key_order.index
            before = [p for p in pairs if p[0].value in self.key_order
                      and rank(p[0].value) < rank(key)]
            if before:
                anchor = max(before, key=lambda p: rank(p[0].value))
        indent = pairs[0][0].start_mark.column  # also right for a mapping on a `- ` line
        pos = self.after_line(self.pair_end(*anchor))
        lines = self.block_entry(key, value, indent, pairs[-1][1], top)
        return self.insert_lines(pos, lines)

    def add_to_flow(self, collection: yaml.Node, entry: str, items: list[Any]) -> str:
        """Add `entry` as the last entry of a flow mapping or sequence."""
        if not items:  # `{}` or `[]`: right after the opening bracket
            start = int(collection.start_mark.index) + 1
            return self.splice(start, start, entry)
        last = items[-1]
        first_node = items[0][0] if isinstance(items[0], tuple) else items[0]
        last_node = last[0] if isinstance(last, tuple) else last
        end = self.pair_end(*last) if isinstance(last, tuple) else self.content_end(last)
        if last_node.start_mark.line != collection.start_mark.line and (
            first_node.start_mark.line != last_node.start_mark.line or len(items) == 1
        ):  # one entry per line: the new one gets its own line
            sep = "," + self.nl + " " * last_node.start_mark.column
        else:
            sep = ", "
        return self.splice(end, end, sep + entry)

    def delete(self, at: DataPath) -> str:
        *parents, last = at
        parent = self.find(tuple(parents))
        if parent is not None and isinstance(parent.node, yaml.SequenceNode) and isinstance(
                last, int):
            return self.delete_item(at, parent, last)
        if parent is None or not isinstance(parent.node, yaml.MappingNode):
            raise self.error(at, _("it is not there"))
        mapping = parent.node
        pairs = mapping.value
        index = next((i for i, (k, _unused) in enumerate(pairs) if k.value == last), None)
        if index is None:
            raise self.error(at, _("it is not there"))
        key, value = pairs[index]
        if mapping.flow_style:
            own = self.own_lines(int(key.start_mark.index), self.pair_end(key, value))
            if own is not None:  # `  key: value,` alone on its line(s): drop the lines
                return self.splice(*own, "")
            if len(pairs) == 1:
                start, end = int(key.start_mark.index), self.pair_end(key, value)
            elif index + 1 < len(pairs):
                start, end = int(key.start_mark.index), int(pairs[index + 1][0].start_mark.index)
            else:
                start, end = self.pair_end(*pairs[index - 1]), self.pair_end(key, value)
            return self.splice(start, end, "")
        start = self.line_start(key.start_mark.index)
        if self.text[start:key.start_mark.index].strip(" "):
            raise self.error(at, _("the key does not start its own line"))
        end = self.after_line(self.pair_end(key, value))
        if end == len(self.text) and self.text[-1] not in _BREAK_CHARS and start > 0:
            # the last line, without a final line break: take the break before it instead
            start -= 2 if self.text[start - 2:start] == "\r\n" else 1
        if len(pairs) > 1:
            return self.splice(start, end, "")
        # the last key: leave an empty flow mapping `{}` behind the parent key
        if parent.key is None:
            raise self.error(at, _("it is the only key of its mapping"))
        colon = self.colon_after(parent.key)
        text = self.splice(start, end, "")
        return text[:colon] + " {}" + text[colon:]

    def delete_item(self, at: DataPath, parent: _Found, index: int) -> str:
        """Remove one list item: its whole lines in a block list, the entry in a flow one.

        The last item of a list leaves `key: []` behind, so the key stays.
        """
        seq = parent.node
        items = seq.value
        if not 0 <= index < len(items):
            raise self.error(at, _("it is not there"))
        node = items[index]
        if len(items) == 1:
            if parent.key is None:
                raise self.error(at, _("it is the only item of a top-level list"))
            start = self.colon_after(parent.key)
            end = self.content_end(seq)
            return self.splice(start, end, " []")
        if getattr(seq, "flow_style", False):
            end = self.content_end(node)
            own = self.own_lines(int(node.start_mark.index), end)
            if own is not None:
                return self.splice(*own, "")
            if index + 1 < len(items):
                return self.splice(int(node.start_mark.index),
                                   int(items[index + 1].start_mark.index), "")
            return self.splice(self.content_end(items[index - 1]), end, "")
        start = self.line_start(node.start_mark.index)
        if self.text[start:node.start_mark.index].strip(" ") != "-":
            raise self.error(at, _("the item does not start its own `- ` line"))
        end = self.after_line(self.content_end(node))
        if end == len(self.text) and self.text[-1] not in _BREAK_CHARS and start > 0:
            start -= 2 if self.text[start - 2:start] == "\r\n" else 1
        return self.splice(start, end, "")

    def append(self, at: DataPath, value: Any) -> str:
        found = self.find(at)
        if found is None:
            return self.set(at, [value])
        seq = found.node
        if not isinstance(seq, yaml.SequenceNode):
            raise self.error(at, _("it is not a list"))
        if seq.flow_style or not seq.value:
            return self.add_to_flow(seq, self.flow(value), seq.value)
        last = seq.value[-1]
        dash = int(seq.start_mark.column)
        gap = max(int(last.start_mark.column) - dash, 2)
        lead = " " * dash + "-" + " " * (gap - 1)
        if (isinstance(value, dict) and value and isinstance(last, yaml.MappingNode)
                and not last.flow_style):
            pad = " " * (dash + gap)
            items = [f"{_key(k)}: {self.flow(v)}" for k, v in value.items()]
            lines = [lead + items[0]] + [pad + item for item in items[1:]]
        else:
            lines = [lead + self.flow(value)]
        return self.insert_lines(self.after_line(self.content_end(last)), lines)


def _pair(mapping: yaml.MappingNode, key: str) -> tuple[yaml.ScalarNode, yaml.Node] | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style


def _key(key: str) -> str:
    return _scalar(key, flow=True)


def _scalar(value: Any, *, flow: bool) -> str:
    return _quote(lambda v: yamlio.scalar(v, flow=flow), value)


def _quote(render: Any, value: Any) -> str:
    try:
        result: str = render(value)
    except ValueError as exc:  # a lone surrogate: text that came from undecodable bytes
        raise EditError(_("cannot write {value!r}: {exc}").format(value=value, exc=exc),
                        hint=_("type the text again in UTF-8")) from None
    return result
