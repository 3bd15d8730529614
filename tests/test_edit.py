"""The surgical editor: each operation changes only its own lines, on any formatting.

Unit cases pin down each kind of edit; the hypothesis property generates deal
files in many hand-written styles (comments, blank lines, quoting, flow and
block collections, indentless lists, 2 or 4 spaces, CRLF, no final newline)
and random edits, and checks that every line the edits did not target is still
there, in order, that line breaks keep the file's style, and that the result
reads back as the intended data and validates.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from salesflow.files import yamlio
from salesflow.files.edit import EditError, apply, intended, newline_of
from salesflow.files.parse import parse_deal, parse_process
from salesflow.model.deal import DEAL_KEYS
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.process import Process
from tests.conftest import TEMPLATES

D = dt.date(2026, 12, 1)


def edit(text: str, *ops: Op) -> str:
    return apply(text, ops, key_order=DEAL_KEYS)


# ------------------------------------------------------------------ unit cases


def test_scalar_keeps_quotes_and_comment_column() -> None:
    text = "customer: A\nstage:   'C'     # now\nstatus: \"open\"  # s\n"
    assert edit(text, Set(("stage",), "B"), Set(("status",), "hold")) == (
        "customer: A\nstage:   'B'     # now\nstatus: \"hold\"  # s\n")


def test_a_shorter_or_longer_value_keeps_the_comment_in_place() -> None:
    text = "status: open   # c\nx: 1\n"
    assert edit(text, Set(("status",), "won")) == "status: won    # c\nx: 1\n"
    assert edit(text, Set(("status",), "a-much-longer-one")) == (
        "status: a-much-longer-one # c\nx: 1\n")


def test_new_top_level_key_follows_the_usual_order() -> None:
    text = "customer: A\nstage: G   # here\n\nsegment: x\nnotes: |\n  n\n"
    assert edit(text, Set(("status",), "hold")) == (
        "customer: A\nstage: G   # here\nstatus: hold\n\nsegment: x\nnotes: |\n  n\n")


def test_history_is_created_before_notes_with_flow_items() -> None:
    text = "customer: A\nstage: G\nnotes: |\n  keep\n\n\nx-a: 1\n"
    out = edit(text, Append(("history",), {"date": D, "to": "G", "by": "me"}))
    assert out == ("customer: A\nstage: G\nhistory:\n  - {date: 2026-12-01, to: G, by: me}\n"
                   "notes: |\n  keep\n\n\nx-a: 1\n")


def test_new_list_follows_the_files_indentless_style() -> None:
    text = "customer: A\nstage: G\nstakeholders:\n- name: X\n"
    out = edit(text, Append(("history",), {"date": D, "to": "G"}))
    assert out.endswith("history:\n- {date: 2026-12-01, to: G}\n")


def test_append_after_a_block_item_with_nested_lists() -> None:
    text = ("history:\n  - date: 2026-01-01\n    to: G\n    x-tags:\n      - a\n"
            "  # comment after\nz: 1\n")
    out = edit(text, Append(("history",), {"date": D, "from": "G", "to": "F"}))
    assert out == ("history:\n  - date: 2026-01-01\n    to: G\n    x-tags:\n      - a\n"
                   "  - date: 2026-12-01\n    from: G\n    to: F\n  # comment after\nz: 1\n")


def test_append_keeps_the_gap_after_the_dash() -> None:
    text = "history:\n-   {date: 2026-01-01, to: G}\n"
    assert edit(text, Append(("history",), {"date": D, "to": "F"})) == (
        "history:\n-   {date: 2026-01-01, to: G}\n-   {date: 2026-12-01, to: F}\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("m: {}\n", "m: {a: 2026-12-01}\n"),
        ("m: { }\n", "m: {a: 2026-12-01 }\n"),
        ("m: {b: 1}\n", "m: {b: 1, a: 2026-12-01}\n"),
        ("m: {b: 1,}\n", "m: {b: 1, a: 2026-12-01,}\n"),
        ("m: {\n  b: 1,\n  c: 2\n}\n", "m: {\n  b: 1,\n  c: 2,\n  a: 2026-12-01\n}\n"),
        ("m: {\n  b: 1,\n}\n", "m: {\n  b: 1,\n  a: 2026-12-01,\n}\n"),
        ("m:\n  b: 1\n", "m:\n  b: 1\n  a: 2026-12-01\n"),
        ("m:\n    b: 1  # c\n# end\n", "m:\n    b: 1  # c\n    a: 2026-12-01\n# end\n"),
        ("m:\n  b:\n    date: 2026-01-01\n", "m:\n  b:\n    date: 2026-01-01\n  a: 2026-12-01\n"),
        ("x: 1\n", "x: 1\nm:\n  a: 2026-12-01\n"),
        ("x: 1", "x: 1\nm:\n  a: 2026-12-01"),
    ],
    ids=["empty-flow", "empty-flow-space", "flow", "flow-trailing-comma", "flow-lines",
         "flow-lines-trailing-comma", "block", "block-4-comment", "block-nested", "missing",
         "missing-no-final-newline"],
)
def test_add_a_key(text: str, expected: str) -> None:
    assert edit(text, Set(("m", "a"), D)) == expected


def test_a_record_in_a_block_of_block_records_is_written_as_block_lines() -> None:
    text = "milestones:\n  a:\n      date: 2026-01-01\n      by: x\n"
    out = edit(text, Set(("milestones", "b"), {"date": D, "by": "y"}))
    assert out == text + "  b:\n      date: 2026-12-01\n      by: \"y\"\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("m:\n  a: 1   # gone too\n  b: 2\nz: 0\n", "m:\n  b: 2\nz: 0\n"),
        ("m:\n  b: 2\n  # keep\n  a:\n    date: 1\n    note: >-\n      x\n      y\nz: 0\n",
         "m:\n  b: 2\n  # keep\nz: 0\n"),
        ("m:  # the list\n  a: 1\nz: 0\n", "m: {}  # the list\nz: 0\n"),
        ("m: {a: 1, b: 2}\n", "m: {b: 2}\n"),
        ("m: {b: 2, a: 1}\n", "m: {b: 2}\n"),
        ("m: {a: 1}\n", "m: {}\n"),
        ("m: {\n  b: 2,\n  a: 1,\n}\n", "m: {\n  b: 2,\n}\n"),
    ],
    ids=["block", "block-multiline", "block-last", "flow-first", "flow-last", "flow-only",
         "flow-lines"],
)
def test_delete_a_key(text: str, expected: str) -> None:
    assert edit(text, Delete(("m", "a"))) == expected


def test_crlf_lines_stay_crlf() -> None:
    text = "customer: A\r\nstage: G\r\nhistory:\r\n  - {date: 2026-01-01, to: G}\r\n"
    out = edit(text, Set(("status",), "hold"), Append(("history",), {"date": D, "status": "hold"}))
    assert out == ("customer: A\r\nstage: G\r\nstatus: hold\r\nhistory:\r\n"
                   "  - {date: 2026-01-01, to: G}\r\n  - {date: 2026-12-01, status: hold}\r\n")
    assert newline_of("a: 1\rb: 2\r") == "\r"
    old_mac = "customer: A\rstage: G\rhistory:\r  - {date: 2026-01-01, to: G}\r"
    assert edit(old_mac, Set(("stage",), "F"), Append(("history",), {"date": D, "to": "F"})) == (
        "customer: A\rstage: F\rhistory:\r  - {date: 2026-01-01, to: G}\r"
        "  - {date: 2026-12-01, to: F}\r")


def test_text_values_are_quoted_where_needed() -> None:
    out = edit("m: {}\nn:\n  k: 1\n", Set(("m", "a"), {"note": "x, y: z"}),
               Set(("n", "b"), {"note": "Acme #1"}))
    assert out == 'm: {a: {note: "x, y: z"}}\nn:\n  k: 1\n  b: {note: "Acme #1"}\n'


@pytest.mark.parametrize(
    ("text", "op", "why"),
    [
        ("notes: |\n  x\n", Set(("notes",), "y"), "block scalar"),
        ("m:\n  a: 1\n", Set(("m",), "y"), "block mapping"),
        ("m: 1\n", Delete(("n",)), "not there"),
        ("m: 1\n", Append(("m",), 1), "not a list"),
        ("m: [1]\n", Set(("m", "x"), 1), "not a key of a mapping"),
        ("- a\n", Set(("m",), 1), "not a mapping"),
    ],
)
def test_what_cannot_be_done_surgically_is_refused(text: str, op: Op, why: str) -> None:
    with pytest.raises(EditError, match=why):
        edit(text, op)


def test_a_wrong_edit_is_caught_by_reading_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.files import edit as module

    monkeypatch.setattr(module._Editor, "like", lambda self, old, value, in_flow: "B # oops")
    with pytest.raises(EditError, match="does not read back as the intended change"):
        edit("stage: C\n", Set(("stage",), "B oops"))


def test_intended_applies_ops_to_plain_data() -> None:
    data = {"m": {"a": "2026-01-01"}, "h": [1]}
    ops = [Set(("m", "b"), {"date": D}), Delete(("m", "a")), Append(("h",), 2),
           Append(("new",), {"d": D}), Set(("x", "y"), 1)]
    assert intended(data, ops) == {"m": {"b": {"date": "2026-12-01"}}, "h": [1, 2],
                                   "new": [{"d": "2026-12-01"}], "x": {"y": 1}}
    assert data == {"m": {"a": "2026-01-01"}, "h": [1]}


# --------------------------------------------------------- the property test

CODES = ["G", "F", "E", "D", "C", "B", "A"]
IDS = ["visit-committed", "proposal-expected", "tech-exchange-committed", "deal-qualified",
       "key-supporter", "requirements-fit", "evaluation-leaning", "terms-agreed"]
TEXTS = st.text(st.sampled_from([*"ab #:,-'\"[]{}|>!&*?%@`", "泵", "é", "\t"]), min_size=1,
                max_size=12).filter(lambda s: s.strip() != "")


@st.composite
def deal_files(draw: st.DrawFn) -> str:
    """A valid deal file in a randomly chosen hand-written style."""
    unit = draw(st.sampled_from([2, 4]))
    pad = " " * unit

    def comment() -> str:
        return draw(st.sampled_from(["", "", "", "  # note", "   # 注释: x", "\t# tab"]))

    def quoted(text: str) -> str:
        style = draw(st.sampled_from(["plain", "single", "double"]))
        if style == "single":
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return '"' + text + '"'
        return yamlio.scalar(text)

    def date(n: int) -> str:
        value = (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoformat()
        return draw(st.sampled_from([value, value, f'"{value}"']))

    entries: list[list[str]] = []
    entries.append([f"customer: {quoted(draw(st.sampled_from(['Acme', '华东水务', 'O Co'])))}"
                    f"{comment()}"])
    stage = draw(st.sampled_from(CODES))
    entries.append([f"stage: {quoted(stage)}{comment()}"])
    status = draw(st.sampled_from([None, "open", "hold", "lost"]))
    if status:
        entries.append([f"status: {quoted(status)}{comment()}"])
    if status == "lost" or draw(st.booleans()):
        entries.append([f"lost_reason: price{comment()}"])
    if draw(st.booleans()):
        entries.append([f"owner: li.wei{comment()}"])

    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=4))
    style = draw(st.sampled_from(["absent", "empty", "flow", "flow-lines", "block"]))
    records = []
    for i, mid in enumerate(ids):
        kind = draw(st.sampled_from(["date", "flow", "block"]))
        if kind == "date" or style.startswith("flow"):
            records.append((mid, [date(i) if kind == "date" else
                                  f"{{date: {date(i)}, by: li.wei}}"]))
        else:
            records.append((mid, ["", f"date: {date(i)}", "by: li.wei"]))
    if style == "empty" or (style != "absent" and not ids):
        entries.append(["milestones: {}"])
    elif style == "flow":
        entries.append(["milestones: {" + ", ".join(f"{m}: {r[0]}" for m, r in records) + "}"])
    elif style == "flow-lines":
        entries.append(["milestones: {", *(f"{pad}{m}: {r[0]}," for m, r in records), "}"])
    elif style == "block":
        lines = [f"milestones:{comment()}"]
        for mid, rec in records:
            if rec[0]:
                lines.append(f"{pad}{mid}: {rec[0]}{comment()}")
            else:
                lines.append(f"{pad}{mid}:")
                lines.extend(f"{pad * 2}{r}" for r in rec[1:])
            if draw(st.booleans()):
                lines.append(f"{pad}# a comment line")
        entries.append(lines)

    hist = draw(st.sampled_from(["absent", "empty", "flow", "block-flow", "block-block"]))
    dash = draw(st.sampled_from(["", pad]))
    n = draw(st.integers(1, 3))
    items = [f"{{date: {date(10 + i)}, to: {stage}, by: li.wei}}" for i in range(n)]
    if hist == "empty":
        entries.append(["history: []"])
    elif hist == "flow":
        entries.append(["history: [" + ", ".join(items) + "]"])
    elif hist == "block-flow":
        entries.append(["history:", *(f"{dash}- {item}{comment()}" for item in items)])
    elif hist == "block-block":
        lines = ["history:"]
        for i in range(n):
            lines += [f"{dash}- date: {date(10 + i)}", f"{dash}  to: {stage}"]
        entries.append(lines)
    if draw(st.booleans()):
        entries.append(["notes: |", f"{pad}free text", f"{pad}  indented", ""])
    if draw(st.booleans()):
        entries.append([f"x-crm: {quoted('HS-1')}"])

    order = draw(st.permutations(entries))
    lines = []
    if draw(st.booleans()):
        lines.append("# 手写的文件")
    for entry in order:
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# --", f"{pad}# indented comment"])))
        lines.extend(entry)
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    final = draw(st.sampled_from([nl, nl, ""]))
    return nl.join(lines) + final


@st.composite
def edits(draw: st.DrawFn, data: dict[str, Any]) -> list[Op]:
    """Edits that keep a deal valid: ticks, unticks, re-dates, moves and status changes."""
    ops: list[Op] = []
    recorded = dict(data.get("milestones") or {})
    last = max([str(h.get("date")) for h in data.get("history") or []] or ["2026-01-01"])
    later = dt.date.fromisoformat(last) + dt.timedelta(days=1)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["tick", "untick", "redate", "note", "move", "status"]))
        if kind == "tick":
            fresh = [m for m in IDS if m not in recorded]
            if fresh:
                mid = draw(st.sampled_from(fresh))
                value: Any = draw(st.sampled_from([D, {"date": D, "by": "王芳"}]))
                if draw(st.booleans()) and isinstance(value, dict):
                    value = {**value, "note": draw(TEXTS)}
                ops.append(Set(("milestones", mid), value))
                recorded[mid] = value
        elif kind == "untick" and recorded:
            mid = draw(st.sampled_from(sorted(recorded)))
            ops.append(Delete(("milestones", mid)))
            del recorded[mid]
        elif kind in ("redate", "note") and recorded:
            mid = draw(st.sampled_from(sorted(recorded)))
            if isinstance(recorded[mid], dict):
                field = "date" if kind == "redate" else "note"
                ops.append(Set(("milestones", mid, field), D if kind == "redate" else draw(TEXTS)))
            else:
                ops.append(Set(("milestones", mid), D))
        elif kind == "move":
            to = draw(st.sampled_from(CODES))
            ops += [Set(("stage",), to),
                    Append(("history",), {"date": later, "from": data["stage"], "to": to,
                                          "by": "王芳", "reason": draw(TEXTS)})]
        elif kind == "status":
            status = draw(st.sampled_from(["open", "hold"]))
            ops += [Set(("status",), status),
                    Append(("history",), {"date": later, "status": status, "by": "me"})]
    return ops


def _last_line(node: yaml.Node) -> int:
    """The last line holding a node's own text (not trailing comments or blank lines)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    line = int(end.line) - (1 if end.column == 0 else 0)
    if isinstance(node, yaml.ScalarNode) and node.style == "|":
        line = int(node.start_mark.line) + len(node.value.rstrip("\n").split("\n"))
    return line


def _targeted_lines(text: str, ops: list[Op]) -> set[int]:
    """Original lines an edit may rewrite: the ones holding what the ops replace or remove."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    lines: set[int] = set()
    for op in ops:
        node, key, flow = root, None, None
        parent_key, container = None, None
        for step in op.path:
            if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.flow_style:
                flow = flow or node
            if not isinstance(node, yaml.MappingNode):
                node = None
                break
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                node = None
                break
            parent_key, container = key, node
            key, node = pair
        if node is not None and getattr(node, "flow_style", False) and not isinstance(op, Set):
            flow = flow or node  # appending inside a flow list rewrites it
        if flow is not None:
            lines.update(range(flow.start_mark.line, flow.end_mark.line + 1))
        elif node is not None and isinstance(op, Set | Delete):
            first = key.start_mark.line if isinstance(op, Delete) and key else node.start_mark.line
            lines.update(range(first, _last_line(node) + 1))
            if isinstance(op, Delete) and container is not None and parent_key is not None:
                gone = {o.path[-1] for o in ops if isinstance(o, Delete)
                        and o.path[:-1] == op.path[:-1]}
                if {k.value for k, _ in container.value} <= gone:  # emptied: `key: {}`
                    lines.add(parent_key.start_mark.line)
    return lines


@functools.cache
def _process() -> Process:
    process, _ = parse_process((TEMPLATES / "stages.en.yaml").read_bytes())
    assert process is not None
    return process


@settings(max_examples=int(os.environ.get("SALESFLOW_FUZZ_EXAMPLES", "0")) or 400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edits_touch_only_their_own_lines(data: st.DataObject) -> None:
    process = _process()
    text = data.draw(deal_files())
    before = yamlio.parse(text.encode(), "d.yaml")
    assert parse_deal(text.encode(), "d.yaml", process)[1] == [], text
    ops = data.draw(edits(before.data))
    assume(ops)

    out = edit(text, *ops)

    # the result reads back as the intended data, and is a valid deal
    after = yamlio.parse(out.encode(), "d.yaml")
    assert after.data == intended(before.data, ops)
    _, problems = parse_deal(out.encode(), "d.yaml", process)
    assert problems == [], out
    # line breaks keep the file's style
    nl = newline_of(text)
    assert out.replace(nl, "").count("\n") == text.replace(nl, "").count("\n")
    assert out.replace(nl, "").count("\r") == text.replace(nl, "").count("\r")
    assert out.endswith(nl) == text.endswith(nl)
    # every line not targeted by an edit is still there, in the same order
    old_lines, new_lines = text.split(nl), out.split(nl)
    targeted = _targeted_lines(text, ops)
    kept = iter(new_lines)
    for i, line in enumerate(old_lines):
        if i not in targeted:
            assert any(line == new for new in kept), (i, line, text, out)
