"""`salesflow log`: history entries and git commits of one deal, newest first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import WS
from tests.gitutil import env, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

DEAL = """\
customer: Acme Water Works
stage: F
milestones:
  visit-committed: 2026-08-02
history:
  - {date: 2026-07-15, to: G, by: li.wei}
  - {date: 2026-08-02, from: G, to: F, by: li.wei, note: "visit went well"}
"""


def _commit(ws: WS, tmp: Path, author: str, when: str, message: str) -> None:
    e = env(tmp, author)
    e["GIT_AUTHOR_DATE"] = e["GIT_COMMITTER_DATE"] = when
    git(ws.root, "add", "-A", environ=e)
    git(ws.root, "commit", "-q", "-m", message, environ=e)


def test_log_merges_history_and_commits(ws: WS, tmp_path: Path) -> None:
    git(ws.root, "init", "-q", environ=env(tmp_path))
    ws.deal("acme", DEAL.replace("stage: F", "stage: G").split("  - {date: 2026-08-02")[0])
    _commit(ws, tmp_path, "Li Wei", "2026-07-15T10:00:00+08:00", "acme: new deal")
    ws.deal("acme", DEAL)
    _commit(ws, tmp_path, "Li Wei", "2026-08-02T18:30:00+08:00", "acme: advance to F")
    (ws.root / "deals" / "east").mkdir()
    git(ws.root, "mv", "deals/acme.yaml", "deals/east/acme.yaml", environ=env(tmp_path))
    _commit(ws, tmp_path, "张敏", "2026-08-03T09:00:00+08:00", "Sort deals by region")
    ws.deal("other", "customer: Other\nstage: G\n")
    _commit(ws, tmp_path, "Bob", "2026-08-04T09:00:00+08:00", "unrelated")

    result = ws.run("log", "acme")
    assert result.exit_code == 0, result.stderr
    lines = [line.split("  ") for line in result.stdout.splitlines()]
    rows = [[c.strip() for c in line if c.strip()] for line in lines]
    assert rows == [
        ["acme"],
        ["Date", "Change", "By", "Note / commit"],
        ["2026-08-03", rows[2][1], "张敏", "Sort deals by region"],
        ["2026-08-02", rows[3][1], "Li Wei", "acme: advance to F"],
        ["2026-08-02", "G → F", "li.wei", "visit went well"],
        ["2026-07-15", rows[5][1], "Li Wei", "acme: new deal"],
        ["2026-07-15", "created in G", "li.wei"],
    ]
    assert all(rows[i][1].startswith("commit ") for i in (2, 3, 5))

    data = json.loads(ws.run("log", "deals/east/acme.yaml", "--format", "json").stdout)
    assert [d["kind"] for d in data] == ["commit", "commit", "history", "commit", "history"]
    assert data[0] | {"sha": "x"} == {
        "kind": "commit", "date": "2026-08-03", "time": "2026-08-03T09:00:00+08:00", "sha": "x",
        "author": "张敏", "subject": "Sort deals by region", "path": "deals/east/acme.yaml"}
    assert data[1]["path"] == "deals/acme.yaml"  # followed through the rename
    assert data[2] == {"kind": "history", "date": "2026-08-02", "time": None, "from": "G",
                       "to": "F", "by": "li.wei", "note": "visit went well"}
    csv = ws.run("log", "acme", "--format", "csv").stdout.splitlines()
    assert csv[0] == "kind,date,time,by,change,detail"
    assert csv[3] == "history,2026-08-02,,li.wei,G → F,visit went well"


def test_log_outside_git_shows_the_history(ws: WS) -> None:
    ws.deal("acme", DEAL)
    result = ws.run("log", "acme")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        "2026-08-02  G → F         li.wei  visit went well", "2026-07-15  created in G  li.wei"]
    assert result.stderr == "not in a git repository: showing the deal's history entries only\n"


def test_log_of_a_broken_or_unknown_deal(ws: WS) -> None:
    ws.deal("bad", "customer: X\nstage: Q\n")
    assert ws.run("log", "nope").exit_code == 2
    broken = ws.run("log", "bad")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("deals/bad.yaml:2:8: unknown stage 'Q'")
