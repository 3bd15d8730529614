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
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.files.workspace import id_of_rel
from salesflow.team.gitrepo import TIMEOUT, git, toplevel

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process
    from salesflow.model.summary import DealSummary
    from salesflow.reports.seen import Then

DEAL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Snapshot:
    """The valid deals of one commit, by id; the ones that did not parse, by id.

    A deal whose file is unchanged since the commit (`same`) is the deal of
    the file now, as the caller handed it in (whole or its summary). A deal
    whose file changed since is the summary of the commit's file, with its
    history's tokens (`model.tokens`) in `history`, and the tokens
    of its history now in `edited`.
    """

    commit: str | None  # None: the repository has no commit on or before the day
    date: dt.date | None  # the commit's date (committer's)
    deals: dict[str, Deal | DealSummary] = field(default_factory=dict)
    invalid: tuple[str, ...] = ()
    same: frozenset[str] = frozenset()
    history: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edited: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def then(self) -> Then:
        """The snapshot as `reports.seen` places deals against it."""
        from salesflow.reports.seen import Then

        return Then(self.date, self.deals, frozenset(self.invalid), self.same, self.history,
                    self.edited)


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
             current: Mapping[str, Deal | DealSummary], *, cache: bool = True,
             ) -> Snapshot | None:
    """The workspace's deals at the last commit on or before `day`; None outside git.

    `current` holds every valid deal as its file stands now (a whole Deal or
    its cached summary), by path relative to the workspace. A file git says
    is unchanged since that commit is not read again: its deal then is its
    deal now, taken from `current` as it is (`Snapshot.same` names it), so a
    week's changes over fifty thousand summaries read only the few files
    edited in the week. A file changed since is summarized as it was
    committed, with its history's tokens (`Snapshot.history`), and the tokens
    of its history now (`Snapshot.edited`), through the cache of contents
    (`files.contents`; `cache=False` neither reads nor records it).
    `process` (None: read from the workspace) is needed only to parse.
    """
    from salesflow.files.contents import content_id, read_files, summarize
    from salesflow.model.summary import DealSummary
    from salesflow.model.tokens import history_tokens

    top = toplevel(root)
    if top is None:
        return None
    found = commit_on_or_before(top, day)
    if found is None:
        return Snapshot(None, None)
    sha, date = found
    base = root.resolve().relative_to(top).as_posix()
    prefix = "" if base == "." else f"{base}/"  # of the workspace, in the repository
    paths = blobs(top, sha, f"{prefix}deals")
    changed = changed_since(top, sha, f"{prefix}deals") if current else None
    cut = len(prefix)  # every path git lists is under the workspace's deals folder
    same = {p for p in paths if changed is not None and p not in changed
            and p[cut:] in current}
    todo = sorted((p, b) for p, b in paths.items() if p not in same)

    # The files now of the ids changed since: whole deals give their tokens;
    # the others are read, and summarized by content like the commit's blobs.
    moved: dict[str, str] | None = None  # id -> the file now, for files moved since

    def now_of(path: str) -> str | None:
        """The file now of the deal `path` held in the commit (None: it is gone)."""
        nonlocal moved
        if path[cut:] in current:
            return path[cut:]
        if moved is None:
            moved = {id_of_rel(rel): rel for rel in current}
        return moved.get(id_of_rel(path))

    now_tokens: dict[str, tuple[str, ...]] = {}
    to_read = []
    for path, _blob in todo:
        rel = now_of(path)
        if rel is not None:
            deal = current[rel]
            if isinstance(deal, DealSummary):
                to_read.append(rel)
            else:
                now_tokens[rel] = history_tokens(deal)
    now_raw = read_files(root, to_read)
    now_ids = {rel: content_id(raw) for rel, raw in now_raw.items()}
    by_id = {now_ids[rel]: raw for rel, raw in now_raw.items()}
    wanted = {blob: path[cut:] for path, blob in todo} | {c: rel for rel, c in now_ids.items()}

    def read(ids: list[str]) -> dict[str, bytes]:
        got = {i: by_id[i] for i in ids if i in by_id}
        return got | read_blobs(top, [i for i in ids if i not in by_id])

    known = summarize(root, wanted, read, cache=cache, process=process)
    for rel, content in now_ids.items():
        now = known.get(content)
        if now is not None:  # else changed since the load read it: no history to compare
            now_tokens[rel] = now.history

    deals: dict[str, Deal | DealSummary] = {}
    unchanged: set[str] = set()
    history: dict[str, tuple[str, ...]] = {}
    edited: dict[str, tuple[str, ...]] = {}
    invalid: list[str] = []
    for path, blob in sorted(paths.items()):
        deal_id = id_of_rel(path)
        if deal_id in deals:  # of two files of one id, the last in path order stands
            unchanged.discard(deal_id)
            history.pop(deal_id, None)
            edited.pop(deal_id, None)
        if path in same:
            deals[deal_id] = current[path[cut:]]
            unchanged.add(deal_id)
            continue
        then = known.get(blob)
        if then is None:
            invalid.append(deal_id)
            continue
        deals[deal_id] = then.summary
        history[deal_id] = then.history
        rel = now_of(path)
        if rel is not None and rel in now_tokens:
            edited[deal_id] = now_tokens[rel]
    return Snapshot(sha, date, deals, tuple(invalid), frozenset(unchanged), history, edited)
