"""Writes that never lose data: crashes at every step, the workspace lock, many writers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from salesflow.files import lock
from salesflow.files.lock import lock_path, workspace_lock
from tests.conftest import WS

DEAL = """\
customer: Acme   # keep me
stage: C
history:
  - {date: 2026-11-01, to: C, by: li.wei}
"""


@pytest.fixture
def acme(ws: WS) -> WS:
    ws.deal("acme", DEAL)
    return ws


def _fail(*_: Any, **__: Any) -> Any:
    raise OSError(28, "No space left on device")


class _FailingFile:
    """A temporary file whose write fails half-way, like a full disk."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def write(self, data: bytes) -> int:
        self._fh.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("target", "name", "replacement"),
    [
        (tempfile, "mkstemp", _fail),
        (os, "fdopen", lambda fd, mode: _FailingFile(open(fd, mode))),  # noqa: PTH123, SIM115
        (os, "fsync", _fail),
        (Path, "chmod", _fail),
        (Path, "replace", _fail),
    ],
    ids=["create-temp", "write", "fsync", "chmod", "rename"],
)
def test_a_failing_write_leaves_the_file_intact(acme: WS, monkeypatch: pytest.MonkeyPatch,
                                                target: Any, name: str,
                                                replacement: Any) -> None:
    before = acme.snapshot()
    monkeypatch.setattr(target, name, replacement)
    result = acme.run("tick", "acme", "visit-committed")
    monkeypatch.undo()
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        "error: could not write deals/acme.yaml: No space left on device; the file is "
        "unchanged\nhint: check the disk space and the folder's permissions, then try again\n")
    after = acme.snapshot()
    after.pop(".salesflow.lock")  # the lock was taken for the write; git ignores it
    assert after == before  # the deal intact, and no temporary file left behind
    assert acme.run("tick", "acme", "visit-committed").exit_code == 0  # and it works again


def test_an_interrupted_command_leaves_the_file_intact(acme: WS,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    before = acme.snapshot()
    monkeypatch.setattr(os, "fsync", interrupt)
    result = acme.run("tick", "acme", "visit-committed")
    assert result.exit_code == 130
    after = acme.snapshot()
    after.pop(".salesflow.lock")
    assert after == before


def test_the_lock_lives_in_git_or_at_the_root(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert lock_path(plain) == plain / ".salesflow.lock"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sales").mkdir()
    assert lock_path(repo / "sales") == repo / ".git" / "salesflow.lock"
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (repo / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {repo}/.git/worktrees/wt\n", encoding="utf-8")
    # a `.git` file is anyone's commit: its gitdir is trusted only when it points back
    assert lock_path(worktree) == worktree / ".salesflow.lock"
    (repo / ".git" / "worktrees" / "wt" / "gitdir").write_text(f"{worktree}/.git\n")
    assert lock_path(worktree) == repo / ".git" / "worktrees" / "wt" / "salesflow.lock"


def test_a_held_lock_makes_a_writer_wait_then_give_up(acme: WS,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "LOCK_TIMEOUT", 0.3)
    before = acme.read("deals/acme.yaml")
    with workspace_lock(acme.root):
        result = acme.run("tick", "acme", "visit-committed")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: another salesflow command is changing this workspace (it holds "
        f"{acme.root / '.salesflow.lock'}); gave up after 0.3 s\n")
    assert acme.read("deals/acme.yaml") == before
    # refusals and dry runs never wait for the lock
    with workspace_lock(acme.root):
        assert acme.run("tick", "acme", "visit-committed", "--dry-run").exit_code == 0
        assert acme.run("advance", "acme").exit_code == 1


def _salesflow(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "salesflow", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_lock_held_by_a_killed_process_does_not_block(acme: WS) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from pathlib import Path\n"
         "from salesflow.files.lock import workspace_lock\n"
         "with workspace_lock(Path(sys.argv[1])):\n"
         "    print('locked', flush=True)\n"
         "    time.sleep(60)\n", str(acme.root)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    holder.kill()  # SIGKILL: no cleanup runs; the kernel drops the lock
    holder.wait()
    result = acme.run("tick", "acme", "visit-committed", "--date", "2026-12-01")
    assert result.exit_code == 0, result.stderr


def _wait_until_waiting_for_the_lock(proc: subprocess.Popen[str], lock: Path) -> None:
    """Until `proc` has the lock file open: it has read the deal and waits for the lock."""
    fds = Path(f"/proc/{proc.pid}/fd")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if any(fd.readlink() == lock for fd in fds.iterdir()):
                return
        except OSError:  # a descriptor closed while we looked, or no /proc here
            if not fds.parent.exists():
                time.sleep(2)
                return
        time.sleep(0.02)
    pytest.fail("the writer never waited for the lock")


def test_a_hand_edit_made_while_waiting_for_the_lock_is_kept(acme: WS) -> None:
    path = acme.root / "deals" / "acme.yaml"
    with workspace_lock(acme.root):
        writer = _salesflow(acme.root, "tick", "acme", "visit-committed", "--date",
                            "2026-12-01", "--by", "li.wei")
        _wait_until_waiting_for_the_lock(writer, lock_path(acme.root))
        # someone saves the file in an editor meanwhile
        path.write_text(DEAL.replace("stage: C\n", "stage: C\nowner: zhang.min  # new\n"),
                        encoding="utf-8")
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    text = path.read_text(encoding="utf-8")
    assert "owner: zhang.min  # new\n" in text
    assert "  visit-committed: {date: 2026-12-01, by: li.wei}\n" in text


MILESTONES = ["visit-committed", "proposal-expected", "tech-exchange-committed",
              "deal-qualified", "key-supporter", "requirements-fit", "needs-explicit",
              "senior-supporter", "evaluation-leaning", "terms-agreed"]


@pytest.mark.slow
def test_many_processes_ticking_at_once_lose_no_tick(acme: WS) -> None:
    """Every writer first plans its tick on the same old file, then all race for the lock:
    only re-reading under the lock keeps the other writers' ticks."""
    with workspace_lock(acme.root):
        writers = [_salesflow(acme.root, "tick", "acme", m, "--date", "2026-12-01", "--by",
                              f"p{i}") for i, m in enumerate(MILESTONES)]
        for writer in writers:
            _wait_until_waiting_for_the_lock(writer, lock_path(acme.root))
    results = [(w.communicate(timeout=120), w.returncode) for w in writers]
    for (_, err), code in results:
        assert code == 0, err
    assert acme.run("validate").exit_code == 0
    text = acme.read("deals/acme.yaml")
    for i, m in enumerate(MILESTONES):
        assert f"  {m}: {{date: 2026-12-01, by: p{i}}}\n" in text
    assert text.startswith(DEAL.replace("history:", "milestones:", 1).split("milestones:")[0])
    assert text.endswith(DEAL.split("stage: C\n")[1])
    leftovers = [p.name for p in (acme.root / "deals").iterdir() if p.name != "acme.yaml"]
    assert leftovers == []
