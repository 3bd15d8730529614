"""Shell completion: deal ids, milestones of the deal's stage, person names; never a traceback.

Completers are tested as functions and through the shell protocol Typer
speaks (`_SALESFLOW_COMPLETE=complete_bash`, `COMP_WORDS`, `COMP_CWORD`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from salesflow.cli import app, complete
from tests.conftest import WS

ACME = """\
customer: Acme Water Works
stage: G
stakeholders:
  - {name: Wang Wu, level: decision}
  - {name: 罗伟, level: management}
history:
  - {date: 2026-11-01, to: G, by: li}
"""


@pytest.fixture
def three(ws: WS) -> WS:
    ws.deal("acme-pumps", ACME)
    ws.deal("acme-valves", ACME)
    ws.deal("export/beta", ACME.replace("stage: G", "stage: F"))
    return ws


def bash(ws: WS, line: str, *, cwd: Path | None = None) -> list[str]:
    """What bash would offer for `line` (the last word is the one being completed)."""
    words = line.split(" ")
    env = {"_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": line,
           "COMP_CWORD": str(len(words) - 1)}
    old = Path.cwd()
    os.chdir(cwd or ws.root)
    try:
        result = CliRunner().invoke(app, [], env=env, prog_name="salesflow")
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_deal_ids_complete_every_deal_command(three: WS) -> None:
    assert bash(three, "salesflow tick acme") == ["acme-pumps", "acme-valves"]
    assert bash(three, "salesflow show b") == ["beta"]
    assert bash(three, "salesflow person add ") == ["acme-pumps", "acme-valves", "beta"]
    assert bash(three, "salesflow step list --deal acme-v") == ["acme-valves"]


def test_deal_ids_come_from_the_cache_once_a_report_ran(three: WS,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.files import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files count as settled at once
    assert three.run("list").exit_code == 0  # records the names in the cache
    (three.root / "deals" / "acme-valves.yaml").unlink()  # the cache still knows it
    assert bash(three, "salesflow log acme") == ["acme-pumps", "acme-valves"]
    assert three.run("--no-cache", "list").exit_code == 0


def test_milestones_of_the_deals_stage(three: WS) -> None:
    assert bash(three, "salesflow tick acme-pumps ") == ["visit-committed"]
    assert bash(three, "salesflow untick beta ") == ["proposal-expected"]
    assert bash(three, "salesflow tick beta x") == []


def test_person_names_of_the_deal(three: WS) -> None:
    assert bash(three, "salesflow person set acme-pumps W") == ["Wang Wu"]
    assert bash(three, "salesflow person remove acme-pumps ") == ["Wang Wu", "罗伟"]
    assert bash(three, "salesflow activity add acme-pumps --kind call x --with 罗") == ["罗伟"]
    assert bash(three, "salesflow person add acme-pumps Li --reports-to ") == ["Wang Wu", "罗伟"]


@pytest.mark.parametrize("breakage", ["no workspace", "bad stages", "bad deal", "no deal"])
def test_a_broken_workspace_completes_nothing_and_never_fails(three: WS, tmp_path: Path,
                                                              breakage: str) -> None:
    cwd = None
    if breakage == "no workspace":
        cwd = tmp_path
    elif breakage == "bad stages":
        three.write("stages.yaml", "stages: [\n")
    elif breakage == "bad deal":
        three.deal("acme-pumps", "customer: [\n")
    line = ("salesflow tick nope " if breakage == "no deal" else "salesflow tick acme-pumps ")
    assert bash(three, line, cwd=cwd) == []
    if breakage != "bad deal":
        expected = [] if breakage in ("no workspace", "bad stages") else ["acme-pumps"]
        got = bash(three, "salesflow show acme-p", cwd=cwd)
        assert got in (expected, ["acme-pumps"])


def test_completers_as_functions(three: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(three.root)
    command = typer.main.get_command(app)
    ctx = click.Context(command, info_name="salesflow")
    ctx.params = {"root": None}
    sub = click.Context(command, parent=ctx, info_name="tick")
    sub.params = {"deal": "acme-p"}
    assert complete.deal_ids(sub, "acme-p") == ["acme-pumps"]
    assert complete.milestones(sub, "") == [
        ("visit-committed",
         "The customer's contact has firmly committed to an on-site visit.")]
    assert complete.people(sub, "") == ["Wang Wu", "罗伟"]
    sub.params = {"deal": None}
    assert complete.milestones(sub, "") == [] and complete.people(sub, "") == []


def test_show_completion_prints_a_script_for_the_shell() -> None:
    result = subprocess.run([sys.executable, "-m", "salesflow", "--show-completion", "bash"],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION":
                                 "1"})
    assert result.returncode == 0, result.stderr
    assert "_SALESFLOW_COMPLETE=complete_bash" in result.stdout


def test_completion_through_a_real_process(three: WS) -> None:
    env = {**os.environ, "_SALESFLOW_COMPLETE": "complete_bash",
           "COMP_WORDS": "salesflow tick acme-pumps v", "COMP_CWORD": "3"}
    result = subprocess.run([sys.executable, "-m", "salesflow"], cwd=three.root, env=env,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "visit-committed\n", "")


# ------------------------------------------------------------ step list at 80

def test_step_list_fits_80_columns_with_chinese(ws: WS, monkeypatch: pytest.MonkeyPatch,
                                                today: object) -> None:
    ws.deal("meida-mes", """\
customer: 佛山美达家电有限公司
stage: D
owner: 陈杰
next_steps:
  - {due: 2026-11-30, by: 陈杰,
     action: 向梁总演示总装车间MES系统的排产模块并确认下一次技术交流的参会人员}
  - {due: 2026-12-09, action: send the revised proposal with the new price list attached}
history:
  - {date: 2026-11-01, to: D, by: 陈杰}
""")
    monkeypatch.setenv("COLUMNS", "80")
    result = ws.run("step", "list")
    assert result.exit_code == 0, result.stderr
    from rich.cells import cell_len

    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[0].split() == ["Due", "Deal", "N", "Action", "By"]
    assert lines[1].startswith("2026-11-30 !  meida-mes  1  向梁总演示")
    assert lines[1].rstrip().endswith("…  陈杰")
    assert lines[2].startswith("2026-12-09    meida-mes  2  send the revised")
    assert result.stderr == "2 step(s), 1 overdue (marked !); done: salesflow step done DEAL N\n"
