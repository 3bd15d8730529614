"""`team.gitrepo.toplevel`: where the work tree is, and no git started where there is none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from salesflow.team import gitrepo


def test_inside_a_repository_the_root_is_found_from_a_folder_below(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    below = tmp_path / "deals" / "export"
    below.mkdir(parents=True)
    assert gitrepo.toplevel(below) == tmp_path.resolve()


def test_without_a_git_folder_above_git_is_not_started(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if any((p / ".git").exists() for p in (tmp_path, *tmp_path.parents)):
        pytest.skip("the temporary folder lies inside a git work tree")
    monkeypatch.delenv("GIT_DIR", raising=False)

    def no_git(*args: object) -> None:
        raise AssertionError("git was started")

    monkeypatch.setattr(gitrepo, "git", no_git)
    assert gitrepo.toplevel(tmp_path) is None


def test_git_dir_in_the_environment_is_still_asked(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "elsewhere"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(work))
    assert gitrepo.toplevel(work) == work.resolve()
