"""Hostile and broken inputs: each a clean problem with a location, in bounded time and memory.

Nothing here may raise anything but salesflow's own problems, and nothing
may hang: the cases are sized so that a loader that expanded aliases, read a
whole huge file or recursed without a limit would blow up or time out.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from salesflow.files.load import load_workspace
from salesflow.files.parse import parse_deal, parse_process
from salesflow.model.process import Process
from tests.conftest import WS

BILLION_LAUGHS = (
    "customer: Acme\nstage: G\n"
    'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"x-{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
              for i in range(8))
)


def _one_problem(process: Process, raw: bytes) -> tuple[int, int, str, str]:
    deal, problems = parse_deal(raw, "deals/x.yaml", process)
    assert deal is None
    assert problems, "expected a problem"
    p = problems[0]
    return p.line, p.col, p.code, p.message


def test_billion_laughs_is_refused_without_expanding(process: Process) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line, col, code, _ = _one_problem(process, BILLION_LAUGHS.encode())
    assert (line, col, code) == (3, 6, "alias")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000  # an expanded bomb would need gigabytes


@pytest.mark.parametrize(
    "text",
    [
        "customer: Acme\nstage: G\nx-deep: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "customer: Acme\nstage: G\nx-deep: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "customer: Acme\nstage: G\nx-deep:\n  " + "- " * 10_000 + "x\n",
        "x-deep:\n" + "".join(" " * i + "- \n" for i in range(1, 1_000)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences", "indented"],
)
def test_ten_thousand_levels_of_nesting(process: Process, text: str) -> None:
    _, _, code, message = _one_problem(process, text.encode())
    assert code in {"too-deep", "yaml-syntax"}
    assert "nesting" in message or "depth" in message or "deeper" in message


def test_fifty_megabyte_deal_is_refused_unread(ws: WS) -> None:
    path = ws.root / "deals" / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"customer: Acme\nstage: G\nnotes: '")
        fh.truncate(50 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    loaded = load_workspace(ws.root)
    assert [p.code for p in loaded.problems] == ["too-large"]
    assert loaded.problems[0].path == "deals/huge.yaml"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (bytes(range(256)) * 4, "binary"),
        (os.urandom(0) + b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "binary"),
        (b"customer: \xc3\x28\nstage: G\n", "encoding"),
        ("customer: Acme\nstage: G\n".encode("utf-16"), "encoding"),
        ("customer: Acme\nstage: G\n".encode("utf-16-be"), "binary"),
        (b"customer: Acme\nstage: G\nname: !custom x\n", "tag"),
        (b"customer: Acme\nstage: G\nname: !!binary aGVsbG8=\n", "tag"),
        (b"customer: Acme\nstage: G\nx-s: !!set {a: null}\n", "tag"),
        (b"customer: !!python/object/apply:os.system ['echo pwned']\nstage: G\n", "tag"),
        (b"customer: Acme\nstage: G\nx-a: &x 1\n", "alias"),
        (b"customer: Acme\ncustomer: Acme\nstage: G\n", "duplicate-key"),
        (b"customer: Acme\nstage: G\nmilestones: {a: 2026-01-01, a: 2026-01-02}\n",
         "duplicate-key"),
        (b"customer: Acme\nstage: G\nstakeholders:\n  - name: A\n    name: B\n", "duplicate-key"),
        (b"customer: Acme\nstage: G\nhistory:\n  - {date: 2026-01-01, to: G, to: F}\n",
         "duplicate-key"),
        (b"customer: Acme\nstage: G\n? [a, b]\n: c\n", "bad-key"),
        (b"customer: Acme\nstage: G\nexpected_close: 0000-00-00\n", "date-type"),
        (b"customer: Acme\nstage: G\nexpected_close: 2026-02-30\n", "date-type"),
        (b"customer: Acme\nstage: G\namount: 1e309\n", "money-range"),
        (b"customer: Acme\nstage: G\namount: .nan\n", "money-finite"),
        (b"customer: Acme\nstage: G\namount: -.inf\n", "money-finite"),
        (b"customer: Acme\nstage: G\namount: 99999999999999999999999999999999999999999999\n",
         "money-range"),
        (b"customer: Acme\nstage: G\n--- \ncustomer: B\n", "yaml-syntax"),
        (b"customer: Acme\x01\nstage: G\n", "yaml-syntax"),
    ],
)
def test_hostile_bytes(process: Process, raw: bytes, code: str) -> None:
    line, col, got, _ = _one_problem(process, raw)
    assert got == code
    assert line >= 1 and col >= 1


def test_negative_zero_is_plain_zero(process: Process) -> None:
    deal, problems = parse_deal(b"customer: A\nstage: G\namount: -0\n", "d.yaml", process)
    assert problems == [] and deal is not None
    assert not deal.amount.is_signed()  # type: ignore[union-attr]


def test_thousands_of_stakeholders_in_a_chain(process: Process) -> None:
    lines = ["customer: Acme", "stage: G", "stakeholders:"]
    lines.append("  - {name: p0}")
    lines += [f"  - {{name: p{i}, reports_to: p{i - 1}}}" for i in range(1, 5000)]
    deal, problems = parse_deal(("\n".join(lines) + "\n").encode(), "d.yaml", process)
    assert problems == []
    assert deal is not None and len(deal.stakeholders) == 5000


def test_thousands_of_stakeholders_in_one_long_cycle(process: Process) -> None:
    lines = ["customer: Acme", "stage: G", "stakeholders:"]
    lines += [f"  - {{name: p{i}, reports_to: p{(i + 1) % 3000}}}" for i in range(3000)]
    _, problems = parse_deal(("\n".join(lines) + "\n").encode(), "d.yaml", process)
    assert [p.code for p in problems] == ["reports-to-cycle"]


@pytest.mark.parametrize(
    "text",
    [
        "currency: CNY\nstages: &s [*s]\n",
        "currency: CNY\n",
        "currency: CNY\nstages: []\n",
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10}\n",
        "currency: CNY\nstages:\n  - {code: G, name: a, probability: 10}\n"
        "  - {code: F, name: b, probability: 100}\n"
        "procurement:\n  - {id: a, name: A, stages: [X]}\n",
    ],
    ids=["alias-cycle", "no-stages", "empty-stages", "one-stage", "unknown-stage-ref"],
)
def test_broken_process_files(text: str) -> None:
    process, problems = parse_process(text.encode())
    assert process is None
    assert problems and all(p.line >= 1 for p in problems)


def test_symlink_outside_the_workspace_is_not_followed(ws: WS, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("customer: Secret Co\nstage: G\n")
    (ws.root / "deals" / "leak.yaml").symlink_to(secret)
    loaded = load_workspace(ws.root)
    assert [p.code for p in loaded.problems] == ["outside"]
    assert loaded.deals == []
    result = ws.run("show", "leak")
    assert result.exit_code == 2
    assert "outside" in result.stderr
    assert "Secret Co" not in result.stdout


@pytest.mark.parametrize("ref", ["../stages.yaml", "/etc/passwd", "deals/../../x.yaml",
                                 "..", "deals/../stages.yaml"])
def test_deal_paths_escaping_the_workspace_are_refused(ws: WS, ref: str) -> None:
    result = ws.run("show", ref)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
