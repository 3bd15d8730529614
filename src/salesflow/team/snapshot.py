"""The deal files as they were at a past commit: what hand edits looked like then.

History entries say when salesflow moved a deal; a hand edit (an amount typed
into the file, a close date changed in an editor) leaves no entry, only a git
commit. `deals_at` finds the last commit on or before a day and reads every
deal file of that commit in one `git cat-file --batch` process, so ten
thousand deals take one subprocess, not ten thousand. Outside a git
repository (or without git) it answers None and the caller says which deals
it could not explain.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from salesflow.team.gitrepo import TIMEOUT, git, toplevel

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process

DEAL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Snapshot:
    """The valid deals of one commit, by id; the ones that did not parse, by id."""

    commit: str | None  # None: the repository has no commit on or before the day
    date: dt.date | None  # the commit's date (committer's)
    deals: dict[str, Deal] = field(default_factory=dict)
    invalid: tuple[str, ...] = ()


def commit_on_or_before(top: Path, day: dt.date) -> tuple[str, dt.date] | None:
    """The last commit of HEAD made on or before `day`, and its date."""
    done = git(top, "log", "-1", "--format=%H %cs", f"--before={day.isoformat()} 23:59:59",
               "HEAD")
    if done is None or done.returncode != 0 or not done.stdout.strip():
        return None
    sha, date = done.stdout.split()
    return sha, dt.date.fromisoformat(date)


def blobs(top: Path, commit: str, folder: str) -> dict[str, str]:
    """Deal file path (relative to the repository) -> blob id, under `folder` at `commit`."""
    done = git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder)
    if done is None or done.returncode != 0:
        return {}
    found: dict[str, str] = {}
    for record in done.stdout.split("\0"):
        if not record or "\t" not in record:
            continue
        meta, path = record.split("\t", 1)
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and path.endswith(DEAL_SUFFIXES):
            found[path] = parts[2]
    return found


def read_blobs(top: Path, ids: list[str]) -> dict[str, bytes]:
    """Each blob's bytes, from one `git cat-file --batch`."""
    if not ids:
        return {}
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], cwd=top,
                              input="".join(f"{i}\n" for i in ids).encode(),
                              capture_output=True, timeout=TIMEOUT * 10, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    out, pos, found = done.stdout, 0, {}
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        found[header[0].decode()] = out[pos:pos + size]
        pos += size + 1  # the content, then a newline
    return found


def changed_since(top: Path, commit: str, folder: str) -> set[str] | None:
    """Paths under `folder` whose file now differs from `commit`'s (None: git failed)."""
    done = git(top, "diff", "--name-only", "-z", "--no-renames", commit, "--", folder)
    if done is None or done.returncode != 0:
        return None
    return {p for p in done.stdout.split("\0") if p}


def deals_at(root: Path, process: Process, day: dt.date,
             current: Mapping[str, Deal] | None = None) -> Snapshot | None:
    """The workspace's deals at the last commit on or before `day`; None outside git.

    `current` (the deals as parsed now, by path relative to the workspace)
    saves the parsing of every file git says is unchanged since that commit:
    most of them, in a week.
    """
    from salesflow.files.parse import parse_deal

    top = toplevel(root)
    if top is None:
        return None
    found = commit_on_or_before(top, day)
    if found is None:
        return Snapshot(None, None)
    sha, date = found
    base = PurePosixPath(root.resolve().relative_to(top).as_posix())
    folder = (base / "deals").as_posix() if str(base) != "." else "deals"
    paths = blobs(top, sha, folder)
    changed = changed_since(top, sha, folder) if current else None
    same = set(paths) - changed if changed is not None else set()

    def rel_of(path: str) -> str:
        return PurePosixPath(path).relative_to(base).as_posix() if str(base) != "." else path

    deals: dict[str, Deal] = {}
    todo = {p: b for p, b in paths.items() if not (p in same and rel_of(p) in (current or {}))}
    contents = read_blobs(top, list(set(todo.values())))
    invalid: list[str] = []
    for path, blob in sorted(paths.items()):
        rel = rel_of(path)
        deal_id = PurePosixPath(path).stem
        if path not in todo and current is not None:
            deals[deal_id] = current[rel]
            continue
        raw = contents.get(blob)
        deal = parse_deal(raw, rel, process)[0] if raw is not None else None
        if deal is None:
            invalid.append(deal_id)
        else:
            deals[deal_id] = deal
    return Snapshot(sha, date, deals, tuple(invalid))
