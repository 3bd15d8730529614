"""Loading the workspace: the process, every deal, every problem.

Loading returns values and problems side by side (like beancount's loader):
one bad deal file never hides the others, and every problem carries the file,
line and column to fix.

Loading many deals goes through the cache (`salesflow.files.cache`) and, for
the files it cannot vouch for, the parallel parser (`salesflow.files.bulk`).
Reports that read only the top-level fields of each deal use `load_overview`,
which needs neither pydantic nor YAML when nothing changed; this module
imports neither at the top for that reason.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.files.parse import parse_deal, parse_process
from salesflow.files.workspace import (
    DEALS_DIR,
    PROCESS_FILE,
    DealPath,
    Overview,
    Workspace,
    bad_id,
    deal_id_of,
    id_of_rel,
    is_inside,
    outside,
    read_bytes,
    refusal,
    relative,
    scan_deals,
)
from salesflow.model.errors import Problem, ProblemsError
from salesflow.model.i18n import _
from salesflow.model.ids import ID_RE

if TYPE_CHECKING:
    from salesflow.files.bulk import Parsed
    from salesflow.files.cache import Store
    from salesflow.files.cache_rows import Cached, Entry
    from salesflow.model.deal import Deal, DealFile
    from salesflow.model.process import Process
    from salesflow.model.summary import DealSummary, ProcessSummary


# Shows the parsing of many files to a person: given how many files, a context that
# yields `advance(n)` (the CLI passes `output.progress`; None shows nothing).
Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def _advancing(progress: Progress | None, total: int) -> Iterator[Callable[[int], None]]:
    """`advance(n)` for `total` steps; the bar itself shows from the first step on.

    Not before: the parallel parser forks its workers first, and a process
    forked while the bar's refresh thread holds stderr's lock could hang on
    that lock when it exits.
    """
    if progress is None or not total:
        yield _no_advance
        return
    with ExitStack() as stack:
        shown: list[Callable[[int], None]] = []

        def advance(n: int) -> None:
            if not shown:
                shown.append(stack.enter_context(progress(total)))
            shown[0](n)

        yield advance


def _no_advance(n: int) -> None:
    return None


def load_process(root: Path) -> Process:
    """The workspace's process; raises ProblemsError when `stages.yaml` is invalid."""
    return _process_of(process_bytes(root))


def process_bytes(root: Path) -> bytes:
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        raise ProblemsError([problem] if problem else [])
    return raw


def _process_of(raw: bytes) -> Process:
    process, problems = parse_process(raw)
    if process is None:
        raise ProblemsError(problems, hint=_("fix {file} first: every deal depends on "
                                             "it").format(file=PROCESS_FILE))
    return process


def load_deal_file(root: Path, path: Path, process: Process) -> tuple[DealFile | None,
                                                                      list[Problem]]:
    from salesflow.model.deal import DealFile

    rel = relative(root, path)
    refused = refusal(root, path, rel)
    if refused:
        return None, refused
    deal_id = deal_id_of(path)
    raw, problem = read_bytes(path, rel)
    if raw is None:
        return None, [problem] if problem else []
    deal, problems = parse_deal(raw, rel, process)
    return (DealFile(deal_id, rel, deal) if deal is not None else None), problems


def load_workspace(root: Path, *, cache: bool = True,
                   progress: Progress | None = None) -> Workspace:
    """The process and every deal; invalid deals become problems, not exceptions.

    Files the cache vouches for are rebuilt from their cached data (validation
    without parsing); the others are parsed, in parallel when there are many,
    shown through `progress`. `cache=False` reads every file afresh and leaves
    the cache alone.
    """
    from salesflow.model.deal import DealFile

    with _no_gc():
        loaded = _Load(root, cache=cache, full=True, progress=progress)
        assert loaded.process is not None
        ws = Workspace(root=root, process=loaded.process, problems=loaded.problems)
        deals = loaded.deals()
        ws.deals = [DealFile(deal_id, rel, deals[rel]) for deal_id, rel, _ in loaded.valid]
    return ws


def validate_files(root: Path, files: list[Path] | None = None) -> tuple[int, list[Problem]]:
    """Check stages.yaml and the given deal files (default: all): (files checked, problems).

    Every problem of every file is returned, sorted, including ids used twice.
    Every file is read afresh (the cache is not consulted: this is the check CI
    trusts), in parallel when there are many. Account files among `files`
    (and, by default, every account) are checked too; see `validate_report`.
    """
    report = validate_report(root, files)
    return report.deals, report.problems


@dataclass
class Validation:
    """What `salesflow validate` found: files checked, problems, and warnings."""

    deals: int = 0
    accounts: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # never make a file invalid


def _dated(root: Path, rows: list[tuple[str, Any]], process: Process,
           today: dt.date) -> list[Problem]:
    """The day's problems of the valid deals whose history reaches past `today`."""
    from salesflow.files.parse import dated_problems
    from salesflow.model.summary import from_row

    found: list[Problem] = []
    for rel, row in rows:
        changed = from_row("", rel, row).deal.changed
        if changed is not None and changed > today:
            raw, problem = read_bytes(root / rel, rel)
            found.extend(dated_problems(raw, rel, process, today) if raw is not None
                         else [problem] if problem else [])
    return found


def validate_report(root: Path, files: list[Path] | None = None, *,
                    today: dt.date | None = None,
                    progress: Progress | None = None) -> Validation:
    """`validate_files` with the account files and the deals' links to them.

    With `today`, a valid deal is also held against the day (history dated
    after it: `checks.DATED_CHECKS`); only a deal whose last history entry is
    after today is read again, for the lines of its problems.

    Deal and account files are told apart by folder. A deal's `account:` must
    name an account file; a deal whose `customer` is an account's name but
    does not link to it is a warning.
    """
    from salesflow.files import accounts as acc
    from salesflow.files import bulk
    from salesflow.model.account import ACCOUNTS_DIR

    problems: list[Problem] = []
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        return Validation(problems=[problem] if problem else [])
    process, found = parse_process(raw)
    problems.extend(found)
    if process is None:
        return Validation(problems=sorted(problems))
    # Each file's lstat comes with the scan: a regular file found by walking
    # deals/ (symlinked folders are not entered) is inside it, and only a
    # symlink needs every link followed to tell (`refusal`, a dozen lstats).
    scanned = scan_deals(root)
    walked = {item.rel for item in scanned if item.stat is not None}
    users: dict[str, list[str]] = {}
    for item in scanned:
        users.setdefault(id_of_rel(item.rel), []).append(item.rel)
    account_targets = ([p for p in files if acc.is_account_path(root, p)]
                       if files is not None else None)
    targets = ([(root / item.rel, item.rel) for item in scanned] if files is None
               else [(p, relative(root, p)) for p in files if not acc.is_account_path(root, p)])
    readable: list[tuple[str, str]] = []
    for path, rel in targets:
        deal_id = id_of_rel(rel)
        refused = (([] if ID_RE.fullmatch(deal_id) else [bad_id(rel, path.name)])
                   if files is None and rel in walked else refusal(root, path, rel))
        if refused:
            problems.extend(refused)
        else:
            readable.append((str(path), rel))
        others = [o for o in users.get(deal_id, []) if o != rel]
        if others:
            problems.append(Problem(rel, 0, 0, _(
                "deal id {id!r} is also used by {others}; ids (file names) must be "
                "unique").format(id=deal_id, others=", ".join(others)),
                                    "duplicate-id"))
    rows: list[tuple[str, Any]] = []
    with _advancing(progress, len(readable)) as advance:
        for result in bulk.parse_files(readable, process, brief=True):  # rows never cached
            advance(1)
            problems.extend(result.problems)
            if result.row is not None:
                rows.append((result.rel, result.row))
    if today is not None:
        problems.extend(_dated(root, rows, process, today))
    report = Validation(deals=len(targets))
    from salesflow.model.summary import ACCOUNT_AT

    linked = [rel for rel, row in rows if row[ACCOUNT_AT] is not None]
    if not linked and account_targets is None and not (root / ACCOUNTS_DIR).exists():
        report.problems = sorted(problems)
        return report  # a workspace without accounts: nothing more to read
    loaded = acc.load_accounts(root, process, account_targets)
    report.accounts = loaded.files
    problems.extend(loaded.problems)
    every_account = (loaded if account_targets is None
                     else acc.load_accounts(root, process)).accounts()
    problems.extend(acc.link_problems(root, acc.linked_deals(root, linked, process),
                                      every_account))
    report.warnings = acc.unlinked_warnings(rows, every_account)
    report.problems = sorted(problems)
    return report


def load_overview(root: Path, *, cache: bool = True, facts: bool | str = False,
                  on_scan: Callable[[list[DealPath]], None] | None = None,
                  progress: Progress | None = None) -> Overview:
    """The process and a summary of every valid deal, with every problem found.

    What a report over many deals needs: when the cache vouches for every
    file, no YAML is parsed and no pydantic model built (pydantic is not even
    imported). `cache=False` reads every file afresh and leaves the cache alone.
    `facts` keeps each summary's history moves and review facts (for `stats`
    and `review`; the other reports do without, and hold less): True both,
    "moves" or "review" the one. `on_scan` is handed the deal files found,
    before any is read: the board notes each file's identity then, without a
    second scan of its own. `progress` shows the files being parsed, if any.
    """
    from salesflow.model.summary import SummaryFile

    with _no_gc():
        loaded = _Load(root, cache=cache, full=False, keep_facts=facts, on_scan=on_scan,
                       progress=progress)
        deals = [SummaryFile(*valid) for valid in loaded.valid]
    return Overview(root, loaded.summary, deals, loaded.problems)


def _by_folder(files: list[DealPath]) -> dict[str, list[tuple[str, str]]]:
    """(rel, id) of each deal file, by the folder holding it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item in files:
        rel = item.rel
        out.setdefault(rel[:rel.rfind("/")], []).append((rel, id_of_rel(rel)))
    return out


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic collector while thousands of long-lived values are built.

    They hold no cycles, yet every few hundred allocations the collector would
    walk all of them again: a fifth of a cold load's time at 10,000 deals.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Load:
    """One load of the deal files: scan, consult the cache, parse the rest, record.

    The outcome is `problems` and `valid`: (id, rel, DealSummary) of each valid
    deal, in path order; with `full`, `deals()` builds their Deal objects.
    """

    def __init__(self, root: Path, *, cache: bool, full: bool,
                 keep_facts: bool | str = False,
                 on_scan: Callable[[list[DealPath]], None] | None = None,
                 progress: Progress | None = None) -> None:
        from salesflow.files import cache as cache_module
        from salesflow.files import cache_rows
        from salesflow.model.summary import ProcessSummary, summary_of

        self.root = root
        self.full = full
        self.keep_facts = keep_facts
        self.progress = progress
        self.shared: dict[Any, Any] = {}  # one object per distinct owner, stage, date, ...
        seen_ns = time.time_ns()  # before any file is looked at: see cache.settled
        raw = process_bytes(root)
        folders: dict[str, str | None] | None = {} if cache else None
        files = scan_deals(root, seen_ns=seen_ns, folders=folders)
        if on_scan is not None:
            on_scan(files)
        self.store: Store | None = None
        cached: dict[str, Cached] = {}
        self.process: Process | None = None
        summary: ProcessSummary | None = None
        tree: cache_module.Tree | None = None
        if cache:
            self.store = cache_module.Store(cache_module.cache_file(root),
                                            cache_module.cache_key(raw))
            cached = self.store.entries(
                lambda row: summary_of(row, self.shared, keep=keep_facts),
                facts=True if full else keep_facts)
            if self.store.process is not None:
                summary = ProcessSummary.from_json(self.store.process)
            assert folders is not None
            if self.store.folders() != folders:  # a file or folder came, went or moved
                tree = cache_module.Tree(folders, _by_folder(files))
        if summary is None or full:
            self.process = _process_of(raw)
            summary = ProcessSummary.of(self.process)
        self.summary = summary

        # Which files the cache vouches for, and which must be parsed.
        stat_at, problems_at, data_at = (
            cache_rows.STAT, cache_rows.PROBLEMS, cache_rows.HAS_DATA)
        deals_dir = root / DEALS_DIR
        early: dict[str, list[Problem]] = {}  # problems found without reading the file
        todo: list[DealPath] = []
        for item in files:
            rel = item.rel
            name = rel[rel.rfind("/") + 1:]
            if item.stat is None and not is_inside(deals_dir, root / rel):
                early[rel] = [outside(rel)]
            elif not ID_RE.fullmatch(id_of_rel(rel)):
                early[rel] = [bad_id(rel, name)]
            else:
                entry = cached.get(rel)
                if (entry is None or item.stat is None or entry[stat_at] != item.stat
                        or (full and not entry[data_at] and entry[problems_at] is None)):
                    todo.append(item)
        removed = cached.keys() - {item.rel for item in files}
        self.cached = cached
        self.parsed: dict[str, Parsed] = {}
        if todo and self.process is None:
            self.process = _process_of(raw)
        entries = self._parse(todo)
        if self.store is not None and (todo or removed or tree is not None
                                       or self.store.process is None):
            self.store.save(summary.to_json(), entries, removed, tree)
        else:
            for _unused in entries:
                pass

        # The outcome, file by file in path order; the first valid file of an id wins.
        self.problems: list[Problem] = []
        self.valid: list[tuple[str, str, DealSummary]] = []
        owner: dict[str, str] = {}
        summary_at = cache_rows.SUMMARY
        for item in files:
            rel = item.rel
            if rel in early:
                self.problems.extend(early[rel])
                continue
            entry = None if rel in self.parsed else cached.get(rel)
            facts = entry[summary_at] if entry is not None else None
            if facts is None:  # parsed now, or cached with problems
                facts = self._summary(rel)
                if facts is None:
                    continue
            deal_id = id_of_rel(rel)
            if deal_id in owner:
                self.problems.append(Problem(
                    rel, 0, 0, _("deal id {id!r} is also used by {others}; ids (file names) must "
                                 "be unique").format(id=deal_id, others=owner[deal_id]),
                    "duplicate-id"))
                continue
            owner[deal_id] = rel
            self.valid.append((deal_id, rel, facts))
        if not full:
            self.cached = {}
            if self.store is not None:
                self.store.close()

    def _parse(self, todo: list[DealPath]) -> Iterator[Entry]:
        """Parse the files the cache cannot vouch for; yield what to record of each.

        Only a file that had settled when it was read is recorded (see
        `cache.settled`); the others are read again next time.
        """
        if not todo:  # before importing the parser: it brings YAML and pydantic
            return
        from salesflow.files import bulk
        from salesflow.files.cache_rows import Entry

        assert self.process is not None
        recordable = {item.rel: item.stat for item in todo if item.settled}
        base = f"{self.root}{os.sep}"  # no Path per file
        with _advancing(self.progress, len(todo)) as advance:
            for result in bulk.parse_files([(base + item.rel, item.rel) for item in todo],
                                           self.process, full=self.full):
                advance(1)
                self.parsed[result.rel] = result
                stat = recordable.get(result.rel)
                if result.cacheable and stat is not None:
                    problems = ([(p.line, p.col, p.message, p.code) for p in result.problems]
                                if result.row is None else None)
                    yield Entry(result.rel, stat, problems, result.data, result.row)

    def _summary(self, rel: str) -> DealSummary | None:
        """The summary of a valid file; a problem file's problems go to `problems`."""
        from salesflow.files.cache_rows import SUMMARY, problems_of
        from salesflow.model.summary import summary_of

        result = self.parsed.get(rel)
        if result is not None:
            self.problems.extend(result.problems)
            return None if result.row is None else summary_of(result.row, self.shared,
                                                              keep=self.keep_facts)
        entry = self.cached[rel]
        problems = problems_of(entry)
        if problems is not None:
            self.problems.extend(Problem(rel, *p) for p in problems)
            return None
        return entry[SUMMARY]  # type: ignore[no-any-return]

    def deals(self) -> dict[str, Deal]:
        """The Deal of every valid file, by relative path (for `full` loads)."""
        from salesflow.files import bulk
        from salesflow.files.cache import CacheUnusable
        from salesflow.files.cache_rows import decode_data
        from salesflow.model.deal import Deal

        assert self.process is not None
        wanted = {rel for _id, rel, _facts in self.valid}
        deals: dict[str, Deal] = {}
        for rel in wanted & self.parsed.keys():
            result = self.parsed[rel]
            if result.deal is not None:
                deals[rel] = result.deal
            elif result.data is not None:
                deals[rel] = Deal.model_validate(decode_data(result.data))
        from_cache = wanted - deals.keys()
        if from_cache and self.store is not None:
            try:
                for rel, data in self.store.data(from_cache):
                    try:
                        deals[rel] = Deal.model_validate(data)
                    except Exception:  # a cached row gone bad: the file is read below
                        continue
            except CacheUnusable:
                pass
            self.store.close()
        for rel in wanted - deals.keys():  # the cache let us down: read the file again
            result = bulk.parse_one(str(self.root / rel), rel, self.process, keep=True)
            if result.deal is None:  # changed since it was scanned; report the next time
                raise ProblemsError(result.problems or [Problem(rel, 0, 0, _("changed while "
                                    "salesflow was reading it; run the command again"),
                                    "changed")])
            deals[rel] = result.deal
        return deals
