"""Merging the texts of a deal file: what `salesflow merge-driver` does for git.

The three versions are merged as data (`salesflow.team.merge`); the result is then
written into *our* text (side A, the one git asks the driver to overwrite), so
our formatting and comments stay:

- a top-level key only theirs changed takes their lines for that key, as a
  line merge would (their formatting for what they wrote);
- a key that combines both sides (history, milestones, appended people) is
  changed surgically with `salesflow.files.edit`: new history entries inserted in
  date order in our list's style, new milestone records added to our block;
- keys both sides changed differently get git's conflict markers around our
  lines and theirs (`salesflow.team.conflicts`).

The new text is read back and must equal the merged data; anything that
cannot be merged this way (a side that does not parse, a change the editor
cannot make) is reported as `NotMergeable`, and the driver falls back to git's
own line merge. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from salesflow.files import edit, yamlio
from salesflow.files.edit import EditError, same
from salesflow.model.account import ACCOUNT_KEYS, ACCOUNTS_DIR
from salesflow.model.deal import DEAL_KEYS
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.i18n import _
from salesflow.model.process import Process
from salesflow.team.conflicts import key_spans, mark_conflicts, newline_of
from salesflow.team.merge import (
    ACCOUNT_KEYED_LISTS,
    ACCOUNT_UNION_LISTS,
    UNION_LISTS,
    Conflict,
    merge_deal,
)

DataPath = tuple[str | int, ...]
DATE_KEYS = frozenset({"date", "due", "expected_close"})
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOM = "\ufeff"


class NotMergeable(Exception):
    """The files cannot be merged as data; git's line merge should do it."""


@dataclass
class FileMerge:
    """The merged file and what a person needs to know about it."""

    text: str
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the merged data is invalid

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.problems


def _document(raw: bytes, path: str, *, empty_ok: bool = False) -> yamlio.Document | None:
    if empty_ok and not raw.strip():
        return None
    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        raise NotMergeable(str(exc.problem)) from None
    if not isinstance(doc.data, dict):
        raise NotMergeable(_("{path}: not a mapping of `key: value` lines").format(path=path))
    return doc


def is_account(path: str) -> bool:
    """Is `path` (as git names it, relative to the repository) an account file?"""
    folders = path.replace("\\", "/").split("/")[:-1]
    first = next((f for f in folders if f in (ACCOUNTS_DIR, "deals")), None)
    return first == ACCOUNTS_DIR


def merge_files(base: bytes, ours: bytes, theirs: bytes, path: str,
                process: Process | None = None) -> FileMerge:
    """Merge three versions of a deal or account file (bytes as git hands them over).

    An account file (under `accounts/`) merges like a deal without history:
    people, plan lines and wallet years appended on both sides are all kept.
    """
    account = is_account(path)
    o = _document(base, f"{path} (base)", empty_ok=True)
    a = _document(ours, f"{path} (ours)")
    b = _document(theirs, f"{path} (theirs)")
    assert a is not None and b is not None
    merged = merge_deal(o.data if o else None, a.data, b.data,
                        won_stage=process.won.code if process else None,
                        union_lists=ACCOUNT_UNION_LISTS if account else UNION_LISTS,
                        keyed_lists=ACCOUNT_KEYED_LISTS if account else ())
    order = ACCOUNT_KEYS if account else DEAL_KEYS
    text = write_into(a.text, a.data, b.text, b.data, merged.data, path, order)
    result = FileMerge(text, list(merged.conflicts))
    if merged.conflicts:
        result.text = mark_conflicts(text, b.text, [c.key for c in merged.conflicts])
    elif process is not None:
        from salesflow.files.parse import parse_account, parse_deal

        check = parse_account if account else parse_deal
        valid, problems = check(text.encode(), path, process)
        if valid is None:
            # each side was fine alone; together they are not: a person decides
            result.problems = [str(p) for p in problems]
            base_data = o.data if o else {}
            keys = [k for k in merged.data if not same(base_data.get(k), a.data.get(k))
                    and not same(base_data.get(k), b.data.get(k))]
            keys = keys or [k for k in merged.data if not same(a.data.get(k), b.data.get(k))]
            ours_there = {k: v for k, v in merged.data.items() if k not in keys}
            ours_there.update({k: a.data[k] for k in keys if k in a.data})
            mine = write_into(a.text, a.data, b.text, b.data, ours_there, path, order)
            result.text = mark_conflicts(mine, b.text, keys)
    if a.bom:
        result.text = BOM + result.text
    return result


# ------------------------------------------------------------------ writing


def write_into(ours: str, ours_data: dict[str, Any], theirs: str, theirs_data: dict[str, Any],
               merged: dict[str, Any], path: str,
               key_order: tuple[str, ...] = DEAL_KEYS) -> str:
    """Our text changed so that it reads back as `merged`."""
    text = ours
    current = ours_data
    # keys taken whole from theirs: their lines replace ours (or join ours)
    for key, value in merged.items():
        if key in current and same(current[key], value):
            continue
        if key in theirs_data and same(theirs_data[key], value):
            text = _take_theirs(text, theirs, key, list(theirs_data))
            current = _data(text, path)
    # what combines both sides, and keys we lose: surgical edits
    ops: list[Op] = [Delete((k,)) for k in current if k not in merged]
    inserts: list[tuple[DataPath, int, Any]] = []
    for key, value in merged.items():
        if key not in current:
            ops.append(Set((key,), _typed(value, (key,))))
        elif not same(current[key], value):
            _plan(current[key], value, (key,), ops, inserts)
    try:
        if ops:
            text = edit.apply(text, ops, path=path, key_order=key_order)
        for list_path, index, item in sorted(inserts, key=lambda i: (repr(i[0]), i[1])):
            text = insert_item(text, list_path, index, item, path)
    except EditError as exc:
        raise NotMergeable(exc.message) from None
    if not same(_data(text, path), merged):
        raise NotMergeable(_("{path}: the merged text does not read back as the merged "
                             "data").format(path=path))
    return text


def _data(text: str, path: str) -> dict[str, Any]:
    try:
        data, _unused = yamlio.build(yamlio.compose(text, path), path)
    except yamlio.YamlProblem as exc:
        raise NotMergeable(str(exc.problem)) from None
    if not isinstance(data, dict):
        raise NotMergeable(_("{path}: not a mapping").format(path=path))
    return data


def _take_theirs(ours: str, theirs: str, key: str, order: list[str]) -> str:
    """Our text with `key`'s lines replaced by (or, if new, added as) theirs.

    A new key goes after the nearest key before it in their order that we have.
    """
    nl = newline_of(ours)
    mine, other = key_spans(ours), key_spans(theirs)
    if key not in other:
        raise NotMergeable(_("cannot find {key!r} in their text").format(key=key))
    their_lines = theirs.splitlines()[slice(*other[key])]
    lines = ours.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    new = [line + nl for line in their_lines]
    if key in mine:
        start, end = mine[key]
    else:
        before = [k for k in order[:order.index(key)] if k in mine]
        start = end = mine[before[-1]][1] if before else (
            min(s for s, _unused in mine.values()) if mine else len(lines))
    lines[start:end] = new
    return "".join(lines)


def _plan(old: Any, new: Any, at: DataPath, ops: list[Op],
          inserts: list[tuple[DataPath, int, Any]]) -> None:
    """Operations turning `old` (ours) into `new` (merged) at `at`."""
    if isinstance(old, dict) and isinstance(new, dict):
        ops.extend(Delete((*at, k)) for k in old if k not in new)
        for key, value in new.items():
            if key not in old:
                ops.append(Set((*at, key), _typed(value, (*at, key))))
            elif not same(old[key], value):
                _plan(old[key], value, (*at, key), ops, inserts)
        return
    if isinstance(old, list) and isinstance(new, list):
        matched = _subsequence(old, new)
        if matched is not None:
            last = matched[-1] if matched else -1
            for index, item in enumerate(new):
                if index in matched:
                    continue
                if index > last:
                    ops.append(Append(at, _typed(item, (*at, index))))
                else:
                    inserts.append((at, index, _typed(item, (*at, index))))
            return
        if at == ("people",) and len(new) >= len(old) and all(
                isinstance(x, dict) and isinstance(y, dict) for x, y in zip(old, new,
                                                                             strict=False)):
            # an account's people merged by name: each edited in place, new ones appended
            for index, (x, y) in enumerate(zip(old, new, strict=False)):
                if not same(x, y):
                    _plan(x, y, (*at, index), ops, inserts)
            ops.extend(Append(at, _typed(new[i], (*at, i))) for i in range(len(old), len(new)))
            return
    ops.append(Set(at, _typed(new, at)))


def _subsequence(old: list[Any], new: list[Any]) -> list[int] | None:
    """Where each item of `old` sits in `new`, in order; None if `new` does not keep them."""
    found: list[int] = []
    start = 0
    for item in old:
        index = next((i for i in range(start, len(new)) if same(new[i], item)), None)
        if index is None:
            return None
        found.append(index)
        start = index + 1
    return found


def _typed(value: Any, at: DataPath) -> Any:
    """Dates back as dates, so they are written plain (`2026-04-01`) as salesflow writes them.

    The merged data holds dates as text (as the loader builds them); written as
    text they would be quoted, which reads back the same but looks foreign.
    """
    key = at[-1] if at else None
    if isinstance(value, str) and _ISO.match(value) and (
            key in DATE_KEYS or (len(at) == 2 and at[0] == "milestones")):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _typed(v, (*at, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, (*at, i)) for i, v in enumerate(value)]
    return value


# ---------------------------------------------------------- inserting items


def insert_item(text: str, at: DataPath, index: int, value: Any, path: str) -> str:
    """`text` with `value` inserted as item `index` of the block list at `at`.

    The new item takes the line prefix (indentation, dash, gap) of the item it
    goes before, and its style: one flow line, or block lines for a block
    mapping. `salesflow.files.edit` appends at the end of a list; a merge also puts
    entries between ours, in date order.
    """
    root = yamlio.compose(text, path)
    node: yaml.Node | None = root
    for step in at:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if 0 <= step < len(node.value) else None
        else:
            node = None
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not (
            0 <= index < len(node.value)):
        raise EditError(_("{path}: cannot insert into {values}: not a block list").format(
                            path=path, values='.'.join(map(str, at))))
    item = node.value[index]
    start = int(item.start_mark.index)
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    prefix = text[line_start:start]
    if prefix.strip() != "-":
        raise EditError(_("{path}: cannot insert into {values}: an item does not start "
                          "its own line").format(path=path, values='.'.join(map(str, at))))
    nl = newline_of(text)
    if isinstance(value, dict) and value and isinstance(item, yaml.MappingNode) and (
            not item.flow_style):
        pad = " " * len(prefix)
        entries = [f"{_flow(k)}: {_flow(v)}" for k, v in value.items()]
        lines = [prefix + entries[0], *(pad + e for e in entries[1:])]
    else:
        lines = [prefix + _flow(value)]
    return text[:line_start] + nl.join(lines) + nl + text[line_start:]


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return yamlio.scalar(value, flow=True)
