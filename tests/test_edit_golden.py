"""Golden diffs: each write command on hand-written files full of comments and odd
formatting changes exactly the lines in `tests/data/edits/*.diff`, and nothing else.

The same commands on a CRLF copy with a BOM give the same result in CRLF with
the BOM kept. Set SALESFLOW_UPDATE_GOLDEN=1 to rewrite the golden files (then
read every diff before committing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from salesflow.files.update import unified_diff
from tests.conftest import DATA, WS

EDITS = DATA / "edits"
DATE = ("--date", "2026-12-01", "--by", "王芳")

# (input file, golden name, commands run first to set the scene, the command under test)
CASES: list[tuple[str, str, list[tuple[str, ...]], tuple[str, ...]]] = [
    ("handwritten", "tick", [], ("tick", "{id}", "contract-signed", "--note",
                                 "signed: both copies, stamped", *DATE)),
    ("handwritten", "tick-note", [], ("tick", "{id}", "proposal-expected", "--note",
                                      "张工's first proposal")),
    ("handwritten", "tick-date", [], ("tick", "{id}", "visit-committed", "--date",
                                      "2026-03-03")),
    ("handwritten", "tick-block-record", [], ("tick", "{id}", "tech-exchange-committed",
                                              "--date", "2026-04-12")),
    ("handwritten", "untick", [], ("untick", "{id}", "tech-exchange-committed")),
    ("handwritten", "advance", [], ("advance", "{id}", "--note", "合同已签", *DATE)),
    ("handwritten", "advance-back", [], ("advance", "{id}", "--to", "C", "--reason",
                                         "evaluation reopened: new bidder", *DATE)),
    ("handwritten", "lose", [], ("lose", "{id}", "--reason", "price", "--note",
                                 "a local bidder, 18% below us", *DATE)),
    ("handwritten", "hold", [], ("hold", "{id}", "--reason", "预算冻结", *DATE)),
    ("handwritten", "reopen", [("lose", "{id}", "--reason", "price", *DATE)],
     ("reopen", "{id}", "--reason", "budget back", *DATE)),
    ("flowstyle", "tick", [], ("tick", "{id}", "key-supporter", *DATE)),
    ("flowstyle", "untick", [], ("untick", "{id}", "proposal-expected")),
    ("flowstyle", "advance", [], ("advance", "{id}", *DATE)),
    ("flowstyle", "hold", [], ("hold", "{id}", *DATE)),
]


def _args(command: tuple[str, ...], deal_id: str) -> list[str]:
    return [a.format(id=deal_id) for a in command]


def _setup(ws: WS, name: str, crlf: bool = False) -> Path:
    text = (EDITS / f"{name}.yaml").read_bytes()
    if crlf:
        text = b"\xef\xbb\xbf" + text.replace(b"\n", b"\r\n")
    path = ws.root / "deals" / f"{name}.yaml"
    path.write_bytes(text)
    return path


@pytest.mark.parametrize(("name", "golden", "before", "command"), CASES,
                         ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_golden_diff(ws: WS, name: str, golden: str, before: list[tuple[str, ...]],
                     command: tuple[str, ...]) -> None:
    path = _setup(ws, name)
    for step in before:
        assert ws.run(*_args(step, name)).exit_code == 0
    start = path.read_text(encoding="utf-8")
    snapshot = ws.snapshot()

    dry = ws.run(*_args(command, name), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert ws.snapshot() == snapshot, "--dry-run wrote something"
    expected_file = EDITS / f"{name}.{golden}.diff"
    if os.environ.get("SALESFLOW_UPDATE_GOLDEN"):
        expected_file.write_text(dry.stdout, encoding="utf-8")
    assert dry.stdout == expected_file.read_text(encoding="utf-8")

    done = ws.run(*_args(command, name))
    assert done.exit_code == 0, done.stderr
    after = path.read_text(encoding="utf-8")
    assert unified_diff(start, after, f"deals/{name}.yaml") == dry.stdout.splitlines()
    assert ws.run("validate").exit_code == 0


@pytest.mark.parametrize(("name", "golden", "before", "command"), CASES,
                         ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_crlf_and_bom_survive(ws: WS, name: str, golden: str, before: list[tuple[str, ...]],
                              command: tuple[str, ...]) -> None:
    lf = _setup(ws, name)
    for step in [*before, command]:
        assert ws.run(*_args(step, name)).exit_code == 0
    expected = b"\xef\xbb\xbf" + lf.read_bytes().replace(b"\n", b"\r\n")
    lf.unlink()
    crlf = _setup(ws, name, crlf=True)
    for step in [*before, command]:
        result = ws.run(*_args(step, name))
        assert result.exit_code == 0, result.stderr
    assert crlf.read_bytes() == expected
