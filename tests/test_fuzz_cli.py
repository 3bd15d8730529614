"""Fuzzing the command line: arbitrary arguments over a workspace with broken files.

The only acceptable outcomes are success or salesflow's own error with exit
1 or 2: never a traceback, never an internal error (exit 3), never a hang.
Commands and their options are discovered from the app, so new commands are
fuzzed as soon as they exist. CI runs a fixed number of examples; set
SALESFLOW_FUZZ_EXAMPLES for a longer local session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from salesflow.cli import app
from tests.conftest import REPO

EXAMPLES = int(os.environ.get("SALESFLOW_FUZZ_EXAMPLES", "150"))

GROUP = typer.main.get_command(app)
COMMANDS: dict[str, list[tuple[list[str], bool]]] = {
    name: [(list(p.opts), bool(getattr(p, "is_flag", False)))
           for p in cmd.params if getattr(p, "opts", None) and p.opts[0].startswith("-")]
    for name, cmd in GROUP.commands.items()  # type: ignore[attr-defined]
}
# Commands that would wait on a pipe or need a real git merge are fuzzed elsewhere.
SKIP = {"merge-driver"}

VALUES = st.sampled_from([
    # deal ids and paths, valid and not
    "lubei-compressor-plc", "meida-assembly-mes", "yujiang-paint-wastewater",
    "export/klinikum-nordstadt-ro.yaml", "deals/huaxin-leak-test-data.yaml",
    "broken", "deals/broken.yaml", "twin", "nope", "../stages.yaml", "..", ".", "deals",
    "A B", "-", "--", "x" * 300, "", " ", "deals/../../x.yaml", "new-deal", "a.b_c-d",
    # stages, milestones, statuses, formats
    "G", "F", "C", "S", "Q", "g", "visit-committed", "senior-supporter", "key-supporter",
    "open", "won", "lost", "hold", "all", "json", "csv", "table", "text", "html",
    "owner", "segment", "product_line", "month", "quarter", "price", "competitor",
    # dates and numbers
    "2026-11-27", "2027-03-31", "0000-00-00", "2026-02-30", "today", "yesterday",
    "31/03/2027", "1250000", "-5", "1e309", "NaN", "0", "1,250,000.50", "9" * 40,
    # text
    "华东水务集团", "li.wei", "Zhang San", "a: b", "#", "'", '"', "\\", "\x00", "\n",
    "%s%s", "{}", "[x]", "[bold]x[/bold]", "out.html", "out.csv", "stages.yaml",
    "deals/twin.yaml", "deals/sub", "deals/sub/twin.yaml", "nested/new/dir",
])

Arg = st.one_of(VALUES, st.text(max_size=12))


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(set(COMMANDS) - SKIP)))
    args = [name]
    options = COMMANDS[name]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0 or not options:
            args.append(draw(Arg))
        else:
            opts, is_flag = draw(st.sampled_from(options))
            args.append(draw(st.sampled_from(opts)))
            if not is_flag:
                args.append(draw(Arg))
    # relative paths only: nothing may be written outside the test's folder
    return [a if not a.startswith("/") else a.lstrip("/") for a in args]


def _workspace(base: Path) -> Path:
    root = base / "ws"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy(REPO / "stages.yaml", root / "stages.yaml")
    shutil.copytree(REPO / "deals", root / "deals")
    (root / "deals" / "broken.yaml").write_text("customer: X\nstage: Q\nammount: [\n")
    (root / "deals" / "twin.yaml").write_text("customer: X\nstage: G\n")
    (root / "deals" / "sub").mkdir()
    (root / "deals" / "sub" / "twin.yaml").write_text("customer: Y\nstage: G\n")
    return root


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(args=argv())
def test_cli_never_crashes(tmp_path: Path, args: list[str]) -> None:
    root = _workspace(tmp_path)
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(app, args, catch_exceptions=True)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr, (args, result.stderr)
    assert "internal error" not in result.stderr, (args, result.stderr)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_rejects_an_unknown_option(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--no-such-option"])
    assert result.exit_code == 2
