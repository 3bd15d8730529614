"""The deal files as they were at a past commit: what hand edits looked like then.

History entries say when salesflow moved a deal; a hand edit (an amount typed
into the file, a close date changed in an editor) leaves no entry, only a git
commit. `deals_at` finds the last commit on or before a day and reads every
deal file of that commit that changed since in one `git cat-file --batch`
process, so ten thousand deals take one subprocess, not ten thousand, and a
file unchanged since is not read at all. Outside a git
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
    from salesflow.model.summary import DealSummary

DEAL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Snapshot:
    """The valid deals of one commit, by id; the ones that did not parse, by id.

    A deal whose file is unchanged since the commit (`same`) is the deal of
    the file now, as the caller handed it in (whole or its summary); a deal
    whose file changed since is parsed from the commit, and the whole deal
    its file holds now is in `edited`.
    """

    commit: str | None  # None: the repository has no commit on or before the day
    date: dt.date | None  # the commit's date (committer's)
    deals: dict[str, Deal | DealSummary] = field(default_factory=dict)
    invalid: tuple[str, ...] = ()
    same: frozenset[str] = frozenset()
    edited: dict[str, Deal] = field(default_factory=dict)


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


def deals_at(root: Path, process: Process | None, day: dt.date,
             current: Mapping[str, Deal | DealSummary]) -> Snapshot | None:
    """The workspace's deals at the last commit on or before `day`; None outside git.

    `current` holds every valid deal as its file stands now (a whole Deal or
    its cached summary), by path relative to the workspace. A file git says
    is unchanged since that commit is not read again: its deal then is its
    deal now, taken from `current` as it is (`Snapshot.same` names it), so a
    week's changes over fifty thousand summaries parse only the few files
    edited in the week. A file changed since is parsed as it was committed
    and, when it is a summary in `current`, as it stands now too
    (`Snapshot.edited`): its history then is compared with its history now.
    `process` (None: read from the workspace) is needed only to parse.
    """
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

    def rel_of(path: str) -> str:
        return PurePosixPath(path).relative_to(base).as_posix() if str(base) != "." else path

    same = {p for p in paths if changed is not None and p not in changed
            and rel_of(p) in current}
    todo = {p: b for p, b in paths.items() if p not in same}
    contents = read_blobs(top, list(set(todo.values())))
    parse = _Parser(root, process)
    now_of = {PurePosixPath(rel).stem: rel for rel in current} if todo else {}
    deals: dict[str, Deal | DealSummary] = {}
    unchanged: set[str] = set()
    edited: dict[str, Deal] = {}
    invalid: list[str] = []
    for path, blob in sorted(paths.items()):
        rel = rel_of(path)
        deal_id = PurePosixPath(path).stem
        unchanged.discard(deal_id)  # of two files of one id, the last in path order stands
        edited.pop(deal_id, None)
        if path in same:
            deals[deal_id] = current[rel]
            unchanged.add(deal_id)
            continue
        raw = contents.get(blob)
        deal = parse.committed(raw, rel) if raw is not None else None
        if deal is None:
            invalid.append(deal_id)
            continue
        deals[deal_id] = deal
        if deal_id in now_of:  # the file now, whole, to compare its history with this one
            whole = parse.now(now_of[deal_id], current[now_of[deal_id]])
            if whole is not None:
                edited[deal_id] = whole
    return Snapshot(sha, date, deals, tuple(invalid), frozenset(unchanged), edited)


class _Parser:
    """Parses the files of a snapshot: a commit's blobs, and the few files as they are now."""

    def __init__(self, root: Path, process: Process | None) -> None:
        self.root = root
        self.process = process

    def _process(self) -> Process:
        if self.process is None:  # read only when a file must be parsed
            from salesflow.files.load import load_process

            self.process = load_process(self.root)
        return self.process

    def committed(self, raw: bytes, rel: str) -> Deal | None:
        from salesflow.files.parse import parse_deal

        return parse_deal(raw, rel, self._process())[0]

    def now(self, rel: str, deal: Deal | DealSummary) -> Deal | None:
        """The whole deal of the file `rel` as it stands now (None: no longer valid)."""
        from salesflow.files.load import load_deal_file
        from salesflow.model.summary import DealSummary

        if not isinstance(deal, DealSummary):
            return deal
        item = load_deal_file(self.root, self.root / rel, self._process())[0]
        return item.deal if item is not None else None
