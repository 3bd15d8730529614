"""Changing a deal file safely: locked, re-read, validated, edited, verified, atomic.

Every write command goes through `update_deal`. Under the workspace write
lock it reads the file afresh (so a hand edit made since the command started
is never overwritten), refuses a file that does not validate, computes the
change from what is on disk now, edits the text surgically, checks that the
new text validates and reads back as intended, and only then replaces the
file atomically. A refusal or failure at any step leaves the file
byte-for-byte as it was.

The lock is an advisory `flock` on a lock file that git never sees: inside
`.git/` when the workspace is in a git repository, else `.salesflow.lock` at
the workspace root (which `salesflow init` lists in `.gitignore`). The kernel
releases it when its process ends, however it ends, so a killed command
never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from salesflow.files import edit, yamlio
from salesflow.files.guard import write_file
from salesflow.files.load import load_process
from salesflow.files.parse import validate_deal_document
from salesflow.files.workspace import DEALS_DIR, is_inside, locate_deal, read_bytes, relative
from salesflow.method.transitions import Change
from salesflow.model.deal import DEAL_KEYS, Deal
from salesflow.model.errors import ProblemsError, UsageError, WriteError
from salesflow.model.process import Process

LOCK_FILE = ".salesflow.lock"
GIT_LOCK_FILE = "salesflow.lock"
LOCK_TIMEOUT = 30.0  # seconds to wait for another salesflow command to finish its write
BOM = b"\xef\xbb\xbf"

Compute = Callable[[Deal, Mapping[str, Any], Process], Change]


@dataclass(frozen=True)
class Outcome:
    """What an update did (or, in a dry run, would do) to one deal file."""

    path: str  # relative to the workspace root, forward slashes
    before: str
    after: str
    change: Change
    deal: Deal  # the deal as it is after the change
    process: Process
    bom: bool
    written: bool = False

    def diff(self) -> list[str]:
        """The change as a unified diff, labelled like git's (`a/deals/x.yaml`)."""
        return unified_diff(self.before, self.after, self.path)


# A line and its break, as git counts them (str.splitlines also splits at \f, \x1c, ...).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(before: str, after: str, path: str) -> list[str]:
    """Diff lines without line breaks; a missing final newline is marked as git does."""
    old, new = _LINE.findall(before), _LINE.findall(after)
    lines: list[str] = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", n=3):
        stripped = line.rstrip("\r\n")
        lines.append(stripped)
        if not line.endswith(("\n", "\r")):
            lines.append("\\ No newline at end of file")
    return lines


def update_deal(root: Path, ref: str, compute: Compute, *, dry_run: bool = False,
                cache: bool = True) -> Outcome:
    """Apply `compute`'s change to one deal file, safely; see the module docstring.

    The change is worked out once without the lock, so a refusal, a no-op or
    a dry run never touches the lock file; a real write then takes the lock
    and does it all again on the file as it is now. `cache=False` finds the
    file by listing the folders, never by the cache's record of names.
    """
    path = locate_deal(root, ref, cache=cache)
    target = path.resolve()  # write through a symlink inside the workspace, keeping it
    if not (is_inside(root / DEALS_DIR, target) and is_inside(root, target)):
        raise UsageError(f"{ref} leads outside this workspace; salesflow does not write there",
                         hint="replace the symlink with the file (or folder) itself")
    rel = relative(root, path)
    planned, written = write_planned(root, target, rel, lambda: _plan(root, target, rel, compute),
                                     dry_run=dry_run)
    return replace(planned, written=True) if written else planned


class Planned(Protocol):
    """A worked-out change to one file: what `write_planned` needs to know of it."""

    @property
    def change(self) -> Change: ...
    @property
    def after(self) -> str: ...
    @property
    def bom(self) -> bool: ...


P = TypeVar("P", bound=Planned)


def write_planned(root: Path, target: Path, rel: str, plan: Callable[[], P], *,
                  dry_run: bool = False) -> tuple[P, bool]:
    """Plan a change, then redo the plan under the lock and write it; (plan, written).

    The one locked-write sequence of every file salesflow changes (deals,
    accounts). `plan` reads, validates and edits the file and must take no
    lock itself. It runs once without the lock, so a refusal, a no-op or a dry
    run never touches the lock file; a real write then takes the lock, plans
    again on the file as it is now (a hand edit may have landed), and replaces
    the file atomically through the guarded writer.
    """
    planned = plan()
    if dry_run or planned.change.empty:
        return planned, False
    with workspace_lock(root):
        planned = plan()
        if planned.change.empty:
            return planned, False
        if not os.access(target, os.W_OK):
            raise WriteError(f"{rel} is read-only; nothing was written",
                             hint="make it writable (chmod u+w) if you mean to change it")
        data = (BOM if planned.bom else b"") + planned.after.encode("utf-8")
        remove_stale_temporaries(target)
        try:
            write_file(target, data, within=[root], shown=rel)
        except OSError as exc:
            raise WriteError(
                f"could not write {rel}: {exc.strerror or exc}; the file is unchanged",
                hint="check the disk space and the folder's permissions, then try again",
            ) from None
    return planned, True


def plan_update(root: Path, rel: str, compute: Compute) -> Outcome:
    """What `compute` would do to the deal file at `rel`: read, validated, edited, checked.

    For a command that changes many files under one lock (`import --update`):
    it takes no lock itself, so the caller holds the workspace lock, plans each
    file, and writes only when every plan succeeded.
    """
    return _plan(root, (root / rel).resolve(), rel, compute)


def remove_stale_temporaries(target: Path) -> None:
    """Delete temporary files a killed writer of `target` left behind.

    Called under the workspace lock, when no other salesflow writer can be
    mid-write, so every `.NAME.*.tmp` beside the file is an orphan. They are
    hidden files that loading skips; this only keeps the folder tidy.
    """
    for orphan in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            orphan.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _plan(root: Path, target: Path, rel: str, compute: Compute) -> Outcome:
    """Read and validate the file, compute the change, edit the text and check it."""
    process = load_process(root)
    raw, problem = read_bytes(target, rel)
    if raw is None:
        raise ProblemsError([problem] if problem else [])
    try:
        doc = yamlio.parse(raw, rel)
    except yamlio.YamlProblem as exc:
        raise ProblemsError([exc.problem], hint=_INVALID_HINT) from None
    deal, problems = validate_deal_document(doc, rel, process)
    if deal is None:
        raise ProblemsError(problems, hint=_INVALID_HINT)
    change = compute(deal, doc.data, process)
    if change.empty:
        return Outcome(rel, doc.text, doc.text, change, deal, process, doc.bom)
    text = edit.apply(doc.text, change.ops, path=rel, key_order=DEAL_KEYS)
    new_deal = _revalidate((BOM if doc.bom else b"") + text.encode("utf-8"), rel, process)
    return Outcome(rel, doc.text, text, change, new_deal, process, doc.bom)


_INVALID_HINT = ("salesflow never rewrites a file that does not validate: fix the problems "
                 "above first (`salesflow validate` lists them)")


def _revalidate(data: bytes, rel: str, process: Process) -> Deal:
    """The deal the new bytes hold; refuses a change that would leave the file invalid."""
    try:
        doc = yamlio.parse(data, rel)
    except yamlio.YamlProblem as exc:  # pragma: no cover - edit.apply parsed it already
        raise ProblemsError([exc.problem], hint="nothing was written") from None
    deal, problems = validate_deal_document(doc, rel, process)
    if deal is None:
        raise ProblemsError(problems, hint="this change would leave the file invalid, so "
                            "nothing was written")
    return deal


# ---------------------------------------------------------------------- lock


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
        return f"created {path} (git ignores salesflow's lock file)"
    if LOCK_FILE.encode() in [line.strip() for line in old.splitlines()]:
        return None
    nl = b"\r\n" if b"\r\n" in old else b"\n"
    sep = b"" if not old or old.endswith((b"\n", b"\r")) else nl
    write_file(path, old + sep + LOCK_FILE.encode() + nl, within=[root])
    return f"added {LOCK_FILE} to {path}"


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
                    f"another salesflow command is changing this workspace (it holds "
                    f"{path}); gave up after {wait:g} s",
                    hint="try again in a moment; the lock is released as soon as that "
                    "command ends (even if it is killed)",
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
        return WriteError(f"the lock file {path} is a symlink or not a regular file; "
                          "salesflow never follows or opens such a lock, so nothing was written",
                          hint=f"delete {path} (salesflow creates a new one)")
    return WriteError(f"cannot create the lock file {path}: {exc.strerror or exc}",
                      hint="check the workspace folder's permissions")


def _locked(handle: IO[bytes], path: Path) -> bool:
    try:
        return _try_lock(handle)
    except OSError as exc:  # e.g. a file system without locks
        raise WriteError(f"cannot lock {path}: {exc.strerror or exc}",
                         hint="keep the workspace on a local disk") from None


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
