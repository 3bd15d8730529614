"""The pre-commit hook, run by the real `pre-commit` tool in temporary git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.gitutil import BIN, env, git, run, salesflow

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = BIN / "pre-commit"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None,
                                reason="needs git and pre-commit (pip install -e '.[dev]')")

GOOD = "customer: Acme Water Works\nstage: G\n"
BAD = "customer: Acme Water Works\nstage: Q\n"


def _head(repo: Path, environ: dict[str, str]) -> str:
    return git(repo, "rev-parse", "HEAD", environ=environ).stdout.strip()


def test_published_hook_manifest() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "salesflow-validate"
    assert hook["entry"] == "salesflow validate"
    assert hook["pass_filenames"] is False  # the whole workspace, once
    assert hook["language"] == "python"


def test_local_hook_blocks_a_broken_deal(tmp_path: Path) -> None:
    e = env(tmp_path)
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", environ=e)
    salesflow(repo, "init", ".", "--pre-commit", environ=e)
    config = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "language: system" in config and "pass_filenames: false" in config
    run(repo, str(PRE_COMMIT), "install", environ=e)

    (repo / "deals" / "acme.yaml").write_text(GOOD, encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    first = git(repo, "commit", "-q", "-m", "start", environ=e, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    head = _head(repo, e)

    (repo / "deals" / "acme.yaml").write_text(BAD, encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    blocked = git(repo, "commit", "-q", "-m", "break it", environ=e, check=False)
    assert blocked.returncode == 1
    said = blocked.stdout + blocked.stderr
    assert "salesflow validate" in said and "Failed" in said
    assert ("deals/acme.yaml:2:8: unknown stage 'Q' (expected one of G, F, E, D, C, B, A, S)"
            in said)
    assert _head(repo, e) == head  # nothing was committed

    (repo / "deals" / "acme.yaml").write_text(GOOD.replace("G", "F"), encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    fixed = git(repo, "commit", "-q", "-m", "fix it", environ=e, check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert _head(repo, e) != head


def test_hook_for_a_workspace_in_a_subfolder(tmp_path: Path) -> None:
    e = env(tmp_path)
    repo = tmp_path / "company"
    repo.mkdir()
    git(repo, "init", "-q", environ=e)
    salesflow(repo, "init", "sales/pipeline", "--pre-commit", environ=e)
    assert not (repo / "sales" / "pipeline" / ".pre-commit-config.yaml").exists()
    config = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: salesflow validate --root sales/pipeline" in config
    assert r"files: ^sales/pipeline/(stages\.yaml|deals/.*\.ya?ml)$" in config

    (repo / "README.txt").write_text("not a deal\n", encoding="utf-8")
    (repo / "sales" / "pipeline" / "deals" / "acme.yaml").write_text(BAD, encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    done = run(repo, str(PRE_COMMIT), "run", "--all-files", environ=e, check=False)
    assert done.returncode == 1
    assert "deals/acme.yaml:2:8: unknown stage 'Q'" in done.stdout


def test_init_pre_commit_keeps_an_existing_config(tmp_path: Path) -> None:
    e = env(tmp_path)
    (tmp_path / "ws").mkdir()
    mine = "repos: []  # ours\n"
    (tmp_path / "ws" / ".pre-commit-config.yaml").write_text(mine, encoding="utf-8")
    done = salesflow(tmp_path / "ws", "init", "--pre-commit", environ=e)
    assert (tmp_path / "ws" / ".pre-commit-config.yaml").read_text(encoding="utf-8") == mine
    assert "already exists; left as it is" in done.stderr
    assert "id: salesflow-validate" in done.stderr


def _project_files() -> list[str] | None:
    """This project's files as git sees them (tracked and new), or None outside a checkout."""
    try:
        done = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    if done.returncode != 0:
        return None
    files = [f for f in done.stdout.split("\0") if f and (REPO / f).is_file()]
    return files if ".pre-commit-hooks.yaml" in files else None


@pytest.mark.skipif(_project_files() is None, reason="needs this project as a git checkout")
def test_published_hook_with_try_repo(tmp_path: Path) -> None:
    """pre-commit builds its own environment from this repository (pip, from PyPI).

    The working tree is copied into a fresh repository first, so the test runs
    the code as it is now, new files included (try-repo would only see tracked ones).
    """
    e = env(tmp_path)
    project = tmp_path / "salesflow"
    for rel in _project_files() or []:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, project / rel)
    git(project, "init", "-q", environ=e)
    git(project, "add", "-A", environ=e)
    git(project, "commit", "-q", "-m", "snapshot", environ=e)

    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", environ=e)
    salesflow(repo, "init", ".", environ=e)
    (repo / "deals" / "acme.yaml").write_text(BAD, encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    done = run(repo, str(PRE_COMMIT), "try-repo", str(project), "salesflow-validate",
               "--all-files", environ=e, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "deals/acme.yaml:2:8: unknown stage 'Q'" in done.stdout
    (repo / "deals" / "acme.yaml").write_text(GOOD, encoding="utf-8")
    git(repo, "add", "-A", environ=e)
    ok = run(repo, str(PRE_COMMIT), "try-repo", str(project), "salesflow-validate",
             "--all-files", environ=e, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
