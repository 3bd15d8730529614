"""The workspace write lock: one salesflow writer at a time, never a stale lock.

The lock is an advisory `flock` on a lock file that git never sees: inside
`.git/` when the workspace is in a git repository, else `.salesflow.lock` at
the workspace root (which `salesflow init` lists in `.gitignore`). The kernel
releases it when its process ends, however it ends, so a killed command
never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from salesflow.model.errors import WriteError
from salesflow.model.i18n import _

LOCK_FILE = ".salesflow.lock"
GIT_LOCK_FILE = "salesflow.lock"
LOCK_TIMEOUT = 30.0  # seconds to wait for another salesflow command to finish its write



def lock_path(root: Path) -> Path:
    """Where the workspace's write lock lives: in the git dir if any, else at the root."""
    git_dir = _git_dir(root)
    if git_dir is not None:
        return git_dir / GIT_LOCK_FILE
    return root / LOCK_FILE


def _git_dir(root: Path) -> Path | None:
    """The repository's git dir, where the lock may live; None to keep it at the root.

    A `.git` folder (not a symlink) is the repository's own. A `.git` *file*
    (`gitdir: <path>`, a worktree or submodule) is anyone's commit to make, so
    its folder is trusted only when it lies inside the workspace, or when it is
    a worktree's git dir whose `gitdir` file points back at this very `.git`
    file (as `git worktree add` writes it): a `gitdir:` aimed elsewhere never
    gets a lock file created there.
    """
    from salesflow.files.guard import inside, read_regular

    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_symlink():
            return None
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: `gitdir: <path>`
            try:
                line = read_regular(dot_git, 4096).decode("utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            found = (folder / line.removeprefix("gitdir:").strip()).resolve()
            if not found.is_dir():
                return None
            if inside(found, [root]) or _points_back(found, dot_git):
                return found
            return None
    return None


def _points_back(git_dir: Path, dot_git: Path) -> bool:
    from salesflow.files.guard import read_regular

    try:
        back = read_regular(git_dir / "gitdir", 4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return Path(back).resolve() == dot_git.resolve()


def git_dir(root: Path) -> Path | None:
    """The git folder salesflow may write in (lock, config): the repository's own, or None."""
    return _git_dir(root)


def ignore_lock_file(root: Path) -> str | None:
    """Make git ignore the lock file of a workspace that is not (yet) in a git repo.

    Adds `.salesflow.lock` to `root/.gitignore` (created if missing) and says
    what it did; inside a git repository the lock lives in `.git/` and
    nothing is needed.
    """
    if _git_dir(root) is not None:
        return None
    from salesflow.files.guard import read_inside, write_file

    path = root / ".gitignore"
    old = read_inside(path, [root], 1 << 20, ".gitignore")
    if old is None:
        write_file(path, f"# salesflow's write lock\n{LOCK_FILE}\n".encode(), within=[root])
        return _("created {path} (git ignores salesflow's lock file)").format(path=path)
    if LOCK_FILE.encode() in [line.strip() for line in old.splitlines()]:
        return None
    nl = b"\r\n" if b"\r\n" in old else b"\n"
    sep = b"" if not old or old.endswith((b"\n", b"\r")) else nl
    write_file(path, old + sep + LOCK_FILE.encode() + nl, within=[root])
    return _("added {lock_file} to {path}").format(lock_file=LOCK_FILE, path=path)


@contextlib.contextmanager
def workspace_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace write lock; wait up to `timeout` seconds for another holder."""
    wait = LOCK_TIMEOUT if timeout is None else timeout
    path = lock_path(root)
    try:
        handle = _open_lock(path)
    except OSError as first:
        if path.parent == root:
            raise _lock_error(path, first) from None
        path = root / LOCK_FILE  # e.g. a read-only .git: fall back to the workspace root
        try:
            handle = _open_lock(path)
        except OSError as exc:
            raise _lock_error(path, exc) from None
    try:
        deadline = time.monotonic() + wait
        delay = 0.005
        while not _locked(handle, path):
            if time.monotonic() >= deadline:
                raise WriteError(
                    _("another salesflow command is changing this workspace (it "
                      "holds {path}); gave up after {wait:g} s").format(path=path, wait=wait),
                    hint=_("try again in a moment; the lock is released as soon as that "
                    "command ends (even if it is killed)"),
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        handle.close()


def _lock_error(path: Path, exc: OSError) -> WriteError:
    from salesflow.files.guard import NotRegular

    if isinstance(exc, NotRegular) or exc.errno in (errno.ELOOP, errno.EMLINK):
        return WriteError(_("the lock file {path} is a symlink or not a regular file; "
                            "salesflow never follows or opens such a lock, so nothing was "
                            "written").format(path=path),
                          hint=_("delete {path} (salesflow creates a new one)").format(path=path))
    return WriteError(_("cannot create the lock file {path}: {strerror}").format(
                          path=path, strerror=exc.strerror or exc),
                      hint=_("check the workspace folder's permissions"))


def _locked(handle: IO[bytes], path: Path) -> bool:
    try:
        return _try_lock(handle)
    except OSError as exc:  # e.g. a file system without locks
        raise WriteError(_("cannot lock {path}: {strerror}").format(
                             path=path, strerror=exc.strerror or exc),
                         hint=_("keep the workspace on a local disk")) from None


def _open_lock(path: Path) -> IO[bytes]:
    """The lock file, appended to: never truncated, never deleted (deleting a flock file races).

    Never through a symlink (O_NOFOLLOW), never a FIFO or device (a FIFO would
    hang the open; `open_regular` refuses it without blocking).
    """
    from salesflow.files.guard import open_regular

    fd = open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, follow=False)
    return open(fd, "ab")  # noqa: PTH123 - an fd, closed by workspace_lock


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
