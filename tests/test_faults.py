"""Faults: writers killed mid-write, a full disk, a read-only file system.

Afterwards every deal file is either its old or its new version and valid,
no update is half-applied, the lock is recovered by the next command, and a
failed write leaves the file byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesflow.files.load import load_workspace
from salesflow.files.parse import parse_deal, parse_process
from tests.conftest import REPO, WS

DEAL = """\
# a deal hammered by writers that get killed
customer: Kill Test Co   # keep this comment
stage: G
amount: 100000
history:
  - {date: 2026-01-01, to: G, by: tester}
"""

# Each writer ticks and unticks milestones of one deal as fast as it can, in
# one process (so a kill lands inside a write far more often than between
# process starts).
WRITER = """
import sys
from salesflow.cli import app
ids = sys.argv[1:]
n = 0
while True:
    mid = ids[n % len(ids)]
    for cmd in (["tick", "victim", mid, "--by", "w"], ["untick", "victim", mid]):
        try:
            app(cmd, standalone_mode=False)
        except SystemExit:
            pass
    n += 1
"""

MILESTONES = ["visit-committed", "proposal-expected", "tech-exchange-committed",
              "key-supporter", "requirements-fit", "evaluation-leaning", "terms-agreed"]


def _files(ws: WS) -> dict[str, bytes]:
    """Every file but the lock file (which a write attempt creates, empty, on purpose)."""
    return {k: v for k, v in ws.snapshot().items() if not k.endswith("salesflow.lock")}


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"SALESFLOW_ROOT": str(root), "NO_COLOR": "1", "PYTHONPATH": str(REPO / "src")})
    return env


def test_sigkill_at_random_moments_never_leaves_a_broken_file(ws: WS) -> None:
    process, _ = parse_process(ws.read("stages.yaml").encode())
    assert process is not None
    ws.deal("victim", DEAL)
    rng = random.Random(20261127)
    kills = 0
    for _ in range(12):
        writers = [
            subprocess.Popen([sys.executable, "-c", WRITER, *rng.sample(MILESTONES, 3)],
                             env=_env(ws.root), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            for _ in range(3)
        ]
        time.sleep(0.6 + rng.random() * 0.6)  # let them start and write for a while
        for w in writers:
            time.sleep(rng.random() * 0.05)
            w.send_signal(signal.SIGKILL)
            kills += 1
        for w in writers:
            w.wait(timeout=10)
        raw = (ws.root / "deals" / "victim.yaml").read_bytes()
        deal, problems = parse_deal(raw, "deals/victim.yaml", process)
        assert problems == [], raw.decode()
        assert deal is not None
        assert raw.decode().startswith("# a deal hammered by writers that get killed\n"
                                       "customer: Kill Test Co   # keep this comment\n")
    assert kills == 36
    # The lock of a killed writer never blocks: the next command writes at once,
    # and clears the temporaries the killed writers may have left.
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "salesflow", "tick", "victim", "terms-agreed",
                           "--note", "after the storm"], env=_env(ws.root),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 20
    assert list((ws.root / "deals").glob(".*.tmp")) == []
    assert load_workspace(ws.root).problems == []


@contextlib.contextmanager
def _tmpfs(size: str) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small file system")
    mnt = Path(os.environ.get("TMPDIR", "/tmp")) / f"salesflow-tmpfs-{os.getpid()}"
    mnt.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        with contextlib.suppress(OSError):
            mnt.rmdir()


def _workspace_in(folder: Path) -> WS:
    root = folder / "ws"
    (root / "deals").mkdir(parents=True)
    shutil.copy(REPO / "stages.yaml", root / "stages.yaml")
    return WS(root)


def test_full_disk_is_a_clean_error_and_the_file_is_untouched() -> None:
    with _tmpfs("256k") as mnt:
        ws = _workspace_in(mnt)
        ws.deal("victim", DEAL)
        with (mnt / "filler").open("wb", buffering=0) as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 4096)
        before = _files(ws)
        result = ws.run("tick", "victim", "visit-committed", "--note", "x" * 2000)
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert _files(ws) == before
        assert [p.name for p in (ws.root / "deals").iterdir()] == ["victim.yaml"]


def test_read_only_file_system_is_a_clean_error() -> None:
    with _tmpfs("1m") as mnt:
        ws = _workspace_in(mnt)
        ws.deal("victim", DEAL)
        before = _files(ws)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        result = ws.run("advance", "victim", "--force", "--reason", "test")
        assert result.exit_code == 1
        assert "Read-only file system" in result.stderr
        assert "Traceback" not in result.stderr
        assert _files(ws) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT])
def test_a_failing_write_syscall_leaves_the_file_as_it_was(
    ws: WS, monkeypatch: pytest.MonkeyPatch, code: int,
) -> None:
    ws.deal("victim", DEAL)
    before = _files(ws)

    def fail(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)
    result = ws.run("lose", "victim", "--reason", "price")
    assert result.exit_code == 1
    assert os.strerror(code) in result.stderr
    assert _files(ws) == before
