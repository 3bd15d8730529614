"""The benchmark's workspace generator: deterministic, realistic and valid."""

from __future__ import annotations

import sys
from pathlib import Path

from salesflow.files.load import load_overview

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate


def test_generated_deals_are_valid_varied_and_deterministic(tmp_path: Path) -> None:
    paths = generate(tmp_path / "a", 60)
    again = generate(tmp_path / "b", 60)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    sizes = [p.stat().st_size for p in paths]
    assert 1200 <= sum(sizes) / len(sizes) <= 1900
    overview = load_overview(tmp_path / "a", cache=False)
    assert overview.problems == []
    deals = [item.deal for item in overview.deals]
    assert len(deals) == 60
    assert {d.status for d in deals} == {"open", "won", "lost", "hold"}
    assert {d.currency for d in deals} == {"CNY", "USD", "EUR"}
    assert len({d.owner for d in deals}) >= 20
    assert len({d.segment for d in deals}) >= 5
    assert len({d.product_line for d in deals}) >= 5


def test_the_git_copy_has_one_commit_and_the_weeks_hand_edits(tmp_path: Path) -> None:
    import subprocess

    from bench import GIT_COMMIT_DAY, git_workspace, workspace

    source = tmp_path / "ws"
    workspace(source, 300)
    since = git_workspace(source, tmp_path / "git")
    assert since == "2026-11-21"
    log = subprocess.run(["git", "log", "--format=%cs"], cwd=tmp_path / "git", check=True,
                         capture_output=True, text=True).stdout.split()
    assert log == [GIT_COMMIT_DAY.isoformat()]
    edited = subprocess.run(["git", "diff", "--name-only"], cwd=tmp_path / "git", check=True,
                            capture_output=True, text=True).stdout.split()
    assert len(edited) == 3 and all(name.startswith("deals/") for name in edited)
    (tmp_path / "git" / "deals" / "extra.yaml").write_text("kept\n")
    git_workspace(source, tmp_path / "git")  # made once, then reused as it is
    assert (tmp_path / "git" / "deals" / "extra.yaml").exists()
