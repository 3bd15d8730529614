"""Changing a deal file safely: locked, re-read, validated, edited, verified, atomic.

Every write command goes through `update_deal`. Under the workspace write
lock it reads the file afresh (so a hand edit made since the command started
is never overwritten), refuses a file that does not validate, computes the
change from what is on disk now, edits the text surgically, checks that the
new text validates and reads back as intended, and only then replaces the
file atomically. A refusal or failure at any step leaves the file
byte-for-byte as it was.

The lock is `files.lock.workspace_lock`.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from salesflow.files import edit, yamlio
from salesflow.files.guard import write_file
from salesflow.files.load import load_process
from salesflow.files.lock import workspace_lock
from salesflow.files.parse import validate_deal_document
from salesflow.files.workspace import DEALS_DIR, is_inside, locate_deal, read_bytes, relative
from salesflow.method.transitions import Change
from salesflow.model.deal import DEAL_KEYS, Deal
from salesflow.model.errors import Problem, ProblemsError, UsageError, WriteError
from salesflow.model.i18n import N_, _
from salesflow.model.process import Process

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
        raise UsageError(_("{ref} leads outside this workspace; salesflow does not write "
                           "there").format(ref=ref),
                         hint=_("replace the symlink with the file (or folder) itself"))
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
            raise WriteError(_("{rel} is read-only; nothing was written").format(rel=rel),
                             hint=_("make it writable (chmod u+w) if you mean to change it"))
        data = (BOM if planned.bom else b"") + planned.after.encode("utf-8")
        remove_stale_temporaries(target)
        try:
            write_file(target, data, within=[root], shown=rel)
        except OSError as exc:
            raise WriteError(
                _("could not write {rel}: {strerror}; the file is unchanged").format(
                    rel=rel, strerror=exc.strerror or exc),
                hint=_("check the disk space and the folder's permissions, then try again"),
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
    doc, deal = read_valid(target, rel, process, validate_deal_document)
    change = compute(deal, doc.data, process)
    if change.empty:
        return Outcome(rel, doc.text, doc.text, change, deal, process, doc.bom)
    text = edit.apply(doc.text, change.ops, path=rel, key_order=DEAL_KEYS)
    new_deal = _revalidate((BOM if doc.bom else b"") + text.encode("utf-8"), rel, process)
    return Outcome(rel, doc.text, text, change, new_deal, process, doc.bom)


V = TypeVar("V")
Validate = Callable[[yamlio.Document, str, Process], tuple[V | None, list[Problem]]]


def read_valid(target: Path, rel: str, process: Process,
               validate: Validate[V]) -> tuple[yamlio.Document, V]:
    """The file's document and what it holds, or ProblemsError: the first step of every edit.

    salesflow never rewrites a file that does not validate, so a change starts here.
    """
    raw, problem = read_bytes(target, rel)
    if raw is None:
        raise ProblemsError([problem] if problem else [])
    try:
        doc = yamlio.parse(raw, rel)
    except yamlio.YamlProblem as exc:
        raise ProblemsError([exc.problem], hint=_(_INVALID_HINT)) from None
    held, problems = validate(doc, rel, process)
    if held is None:
        raise ProblemsError(problems, hint=_(_INVALID_HINT))
    return doc, held


_INVALID_HINT = N_("salesflow never rewrites a file that does not validate: fix the problems "
                   "above first (`salesflow validate` lists them)")


def _revalidate(data: bytes, rel: str, process: Process) -> Deal:
    """The deal the new bytes hold; refuses a change that would leave the file invalid."""
    try:
        doc = yamlio.parse(data, rel)
    except yamlio.YamlProblem as exc:  # pragma: no cover - edit.apply parsed it already
        raise ProblemsError([exc.problem], hint=_("nothing was written")) from None
    deal, problems = validate_deal_document(doc, rel, process)
    if deal is None:
        raise ProblemsError(problems, hint=_("this change would leave the file invalid, so "
                            "nothing was written"))
    return deal
