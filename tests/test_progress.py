"""A cold report or a validate of a big workspace shows its progress on a terminal.

Parsing tens of thousands of deal files takes seconds (after a `git pull`
that changed many files, or an upgrade, which empties the cache): a terminal
shows a bar on stderr meanwhile; piped output and a warm run show nothing.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from salesflow.cli import _common
from salesflow.files.load import load_overview, load_workspace, validate_report
from tests.conftest import WS
from tests.terminal import on_a_terminal


class Shown:
    """A progress factory that records what it was told."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.advanced = 0

    @contextlib.contextmanager
    def __call__(self, total: int) -> Iterator[Callable[[int], None]]:
        self.totals.append(total)

        def advance(n: int) -> None:
            self.advanced += n

        yield advance


@pytest.fixture
def many(ws: WS) -> WS:
    for n in range(30):
        ws.deal(f"deal-{n:02}", f"customer: C{n}\nstage: {'GFEDCBA'[n % 7]}\n")
    ws.deal("broken", "customer: X\nstage: Q\n")
    return ws


def test_every_file_parsed_is_shown_and_nothing_when_warm(many: WS, settled: None) -> None:
    shown = Shown()
    load_overview(many.root, progress=shown)
    assert shown.totals == [31] and shown.advanced == 31  # the broken file too
    load_overview(many.root, progress=shown)
    assert shown.totals == [31]  # warm: nothing parsed, no bar
    many.deal("deal-03", "customer: C3\nstage: C\n")
    load_workspace(many.root, progress=shown)
    assert shown.totals[-1] >= 1 and shown.advanced == sum(shown.totals)


def test_validate_shows_every_file_it_reads(many: WS) -> None:
    shown = Shown()
    report = validate_report(many.root, progress=shown)
    assert shown.totals == [31] and shown.advanced == 31
    assert [p.path for p in report.problems] == ["deals/broken.yaml"]


def test_reports_and_commands_that_load_everything_show_it(
        many: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI hands its bar to the loader, for a report read from the cache and without it."""
    shown = Shown()
    monkeypatch.setattr(_common, "reading", shown)
    assert many.run("funnel").exit_code == 1  # the broken file, said
    assert shown.totals == [31] and shown.advanced == 31
    assert many.run("--no-cache", "review").exit_code == 1
    assert shown.totals == [31, 31] and shown.advanced == 62


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.files import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)


def test_a_terminal_sees_the_bar_and_a_pipe_does_not(tmp_path: Path) -> None:
    """A real pseudo-terminal: the bar goes to stderr with its words; piped, none."""
    root = tmp_path / "big"
    (root / "deals").mkdir(parents=True)
    (root / "stages.yaml").write_bytes(
        (Path(_common.__file__).parents[1] / "templates" / "stages.en.yaml").read_bytes())
    for n in range(_common.PROGRESS_FROM + 50):
        (root / "deals" / f"deal-{n:04}.yaml").write_text(f"customer: C{n}\nstage: G\n")
    env = dict(os.environ, SALESFLOW_CACHE_DIR=str(tmp_path / "cache"), TERM="xterm",
               COLUMNS="80")
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-m", "salesflow", "--root", str(root), "validate"]

    def shown() -> bytes:
        code, seen = on_a_terminal(cmd, env, stdout=False)
        assert code == 0, seen
        return seen

    seen = shown()
    assert b"reading deal files" in seen and b"1050/1050" in seen
    piped = subprocess.run(cmd, capture_output=True, env=env, check=True)
    assert b"reading deal files" not in piped.stderr
    for path in sorted((root / "deals").iterdir())[:51]:
        path.unlink()
    assert b"reading deal files" not in shown()  # 999 files: too few to show
