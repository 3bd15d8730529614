"""The few git questions salesflow asks, each one `git` subprocess.

Everything here degrades gracefully: outside a git repository, or on a
machine without git, the answers are "no repository" and "no commits", never
a traceback. The workspace may sit in a subfolder of the repository.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.method.timeline import Commit


TIMEOUT = 30


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run git in `cwd`; None when git is not installed or does not answer."""
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
            check=False, encoding="utf-8", errors="replace",
        )
    except (OSError, subprocess.SubprocessError):
        return None


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding `path`, or None outside one.

    Without a `.git` in the folder or any above it (and no $GIT_DIR), git
    could only say no: the answer comes without starting it.
    """
    folder = path if path.is_dir() else path.parent
    if "GIT_DIR" not in os.environ and not any(
            (above / ".git").exists() for above in (folder, *folder.absolute().parents)):
        return None
    done = git(folder, "rev-parse", "--show-toplevel")
    if done is None or done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip()).resolve()


def git_dir(path: Path) -> Path | None:
    """The repository's .git folder (where `git config` and hooks live)."""
    done = git(path, "rev-parse", "--absolute-git-dir")
    if done is None or done.returncode != 0:
        return None
    return Path(done.stdout.strip())


_SEP = "\x1f"
_START = "\x1e"


def file_log(path: Path) -> list[Commit]:
    """Commits that touched `path`, newest first, following renames."""
    from salesflow.method.timeline import Commit  # the models: not for `changes` outside git
    top = toplevel(path)
    if top is None:
        return []
    rel = path.resolve().relative_to(top).as_posix()
    done = git(top, "log", "--follow", "--name-only", "--no-color", "-z",
               f"--format={_START}%H{_SEP}%an{_SEP}%aI{_SEP}%s", "--", rel)
    if done is None or done.returncode != 0:
        return []
    commits = []
    for chunk in done.stdout.split(_START)[1:]:
        # -z: "<header>\0\n<name>\0" per commit
        header, *rest = chunk.split("\x00")
        parts = header.split(_SEP)
        if len(parts) != 4:
            continue
        names = [n.strip("\n") for n in rest if n.strip("\n")]
        commits.append(Commit(sha=parts[0], author=parts[1], date=parts[2], subject=parts[3],
                              path=names[0] if names else rel))
    return commits


def config_get(repo: Path, key: str) -> str | None:
    done = git(repo, "config", "--local", "--get", key)
    if done is None or done.returncode != 0:
        return None
    return done.stdout.rstrip("\n")


def config_set(repo: Path, key: str, value: str) -> bool:
    done = git(repo, "config", "--local", key, value)
    return done is not None and done.returncode == 0


def merge_file(ours: Path, base: Path, theirs: Path) -> tuple[bytes, int] | None:
    """git's own line merge of three files: (merged bytes, number of conflicts), or None.

    Bytes, never decoded: a side that is not UTF-8 is merged line by line as
    git merges it, byte for byte (decoding with replacement would change it).
    """
    import subprocess

    try:
        done = subprocess.run(
            ["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs",
             str(ours), str(base), str(theirs)],
            cwd=ours.parent, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode < 0 or done.returncode > 127:
        return None
    return done.stdout, done.returncode
