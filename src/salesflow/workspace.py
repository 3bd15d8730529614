"""The workspace on disk: finding its root, its deal files, and loading them.

Loading returns values and problems side by side (like beancount's loader):
one bad deal file never hides the others, and every problem carries the file,
line and column to fix.

Loading many deals goes through the cache (`salesflow.cache`) and, for the
files it cannot vouch for, the parallel parser (`salesflow.bulk`). Reports
that read only the top-level fields of each deal use `load_overview`, which
needs neither pydantic nor YAML when nothing changed; this module imports
neither at the top for that reason.
"""

from __future__ import annotations

import gc
import os
import time
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from salesflow.errors import Problem, ProblemsError, UsageError, WorkspaceNotFound
from salesflow.ids import ID_RE

if TYPE_CHECKING:
    from pydantic import BaseModel

    from salesflow import yamlio
    from salesflow.bulk import Parsed
    from salesflow.cache import Cached, Entry, Store
    from salesflow.checks import Finding
    from salesflow.deal import Deal, DealFile
    from salesflow.process import Process
    from salesflow.summary import DealSummary, ProcessSummary, SummaryFile

PROCESS_FILE = "stages.yaml"
DEALS_DIR = "deals"
DEAL_SUFFIXES = (".yaml", ".yml")
ROOT_ENV = "SALESFLOW_ROOT"


@dataclass
class Workspace:
    """A loaded workspace: the process, the valid deals and every problem found."""

    root: Path
    process: Process
    deals: list[DealFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def by_id(self, deal_id: str) -> DealFile | None:
        for item in self.deals:
            if item.id == deal_id:
                return item
        return None


@dataclass
class Overview:
    """A workspace as reports see it: the process and a summary of each valid deal."""

    root: Path
    process: ProcessSummary
    deals: list[SummaryFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ------------------------------------------------------------------ the root


def find_root(start: Path | None = None, override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding `stages.yaml`: `override`, else $SALESFLOW_ROOT, else walk up."""
    chosen = override if override is not None else os.environ.get(ROOT_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser()
        if not (root / PROCESS_FILE).is_file():
            raise WorkspaceNotFound(
                f"{root} is not a salesflow workspace (no {PROCESS_FILE} there)",
                hint=f"run `salesflow init {root}` to create one",
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROCESS_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"not inside a salesflow workspace (no {PROCESS_FILE} in {here} or any folder above it)",
        hint="run `salesflow init` to create one here, or pass --root DIR",
    )


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def is_inside(root: Path, path: Path) -> bool:
    """True when `path`, with every symlink followed, is inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


class DealPath(NamedTuple):
    """A deal file found under `deals/`."""

    rel: str  # relative to the root, with forward slashes: deals/export/acme.yaml
    stat: str | None  # cache.stat_key; None for a symlink, or when not asked for
    settled: bool = False  # untouched for cache.RACY_NS before the scan began


def scan_deals(root: Path, *, stat: bool = True, seen_ns: int = 0,
               folders: dict[str, str | None] | None = None) -> list[DealPath]:
    """Every deal file under `deals/`, sorted, skipping hidden files and folders.

    Like `os.walk(followlinks=False)`: symlinked folders are not entered. With
    `stat`, each regular file's lstat comes along, as a cache key and whether
    it had settled by `seen_ns` (one `os.scandir` pass, no Path objects: this
    runs on every report, over every file). `folders` receives each folder's
    stat key, or None for a folder that had not settled ("" when deals/ is
    missing): what `files_of_id` checks before trusting the recorded names.
    """
    found: list[DealPath] = []
    top = str(root / DEALS_DIR)
    if folders is not None:
        folders[DEALS_DIR] = _folder_key(top, seen_ns)
    _scan(top, DEALS_DIR, found, stat, seen_ns, folders)
    return found


def _folder_key(folder: str, seen_ns: int, st: os.stat_result | None = None) -> str | None:
    from salesflow.cache import settled, stat_key

    if st is None:
        try:
            st = os.stat(folder)  # noqa: PTH116 - a str path, like the rest of the scan
        except OSError:
            return ""
    return stat_key(st) if settled(st.st_mtime_ns, st.st_ctime_ns, seen_ns) else None


def _scan(folder: str, rel: str, found: list[DealPath], stat: bool, seen_ns: int,
          folders: dict[str, str | None] | None) -> None:
    from operator import attrgetter

    from salesflow import cache

    stat_key, limit = cache.stat_key, seen_ns - cache.RACY_NS  # cache.settled, inlined

    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=attrgetter("name"))
    except OSError:  # missing, not a folder, unreadable: nothing to find there
        return
    # Each folder in name order, a subfolder's files where its name sorts: the
    # result is sorted by path components, as sorted(Path) sorts.
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                sub = f"{rel}/{name}"
                if folders is not None:
                    try:
                        folders[sub] = _folder_key(entry.path, seen_ns,
                                                   entry.stat(follow_symlinks=False))
                    except OSError:
                        folders[sub] = None
                _scan(entry.path, sub, found, stat, seen_ns, folders)
        elif name.endswith(DEAL_SUFFIXES):
            if stat and not entry.is_symlink():
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    found.append(DealPath(f"{rel}/{name}", None))
                    continue
                mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
                found.append(_new(DealPath, (f"{rel}/{name}", stat_key(st),
                                             (mtime if mtime > ctime else ctime) < limit)))
            else:
                found.append(DealPath(f"{rel}/{name}", None))


_new = tuple.__new__  # a NamedTuple without its Python-level __new__: one per deal file


def deal_paths(root: Path) -> Iterator[Path]:
    """Every deal file under `deals/`, sorted, skipping hidden files and folders."""
    for item in scan_deals(root, stat=False):
        yield root / item.rel


use_cache = True  # the CLI's --no-cache turns this off for `files_of_id` and `locate_deal`


def files_of_id(root: Path, deal_id: str, *, cache: bool | None = None) -> list[Path]:
    """The deal files whose id is `deal_id` (more than one is a problem to report).

    A command on one deal must not pay for the others. Listing every folder
    costs about 0.5 µs a file in the kernel alone, so the names a report
    recorded in the cache are used instead, once a stat of each folder shows
    that none has changed since (adding, removing or renaming a file changes
    its folder). `cache=False` (default: `use_cache`) always lists.
    """
    if use_cache if cache is None else cache:
        known = _recorded(root, deal_id)
        if known is not None:
            return known
    names = frozenset(deal_id + suffix for suffix in DEAL_SUFFIXES)
    found: list[str] = []
    _find(str(root / DEALS_DIR), names, found)
    return sorted(Path(p) for p in found)


def _recorded(root: Path, deal_id: str) -> list[Path] | None:
    """`files_of_id` from the cache; None unless it is sure to be right."""
    from salesflow import cache

    raw, _ = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        return None
    store = cache.Store(cache.cache_file(root), cache.cache_key(raw))
    now = time.time_ns()
    try:
        folders = store.folders()
        if not folders:
            return None
        for folder, key in folders.items():
            if _folder_key(str(root / folder), now) != key:
                return None
        paths = store.files_named(deal_id)
        return None if paths is None else sorted(root / rel for rel in paths)
    finally:
        store.close()


def _find(folder: str, names: frozenset[str], found: list[str]) -> None:
    """`_scan` that keeps only files named one of `names`, unsorted."""
    try:
        with os.scandir(folder) as it:
            for entry in it:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if not entry.is_symlink():
                        _find(entry.path, names, found)
                elif name in names:
                    found.append(entry.path)
    except OSError:
        return


def deal_id_of(path: Path) -> str:
    return path.stem


def check_deal_id(deal_id: str) -> None:
    if not ID_RE.match(deal_id) or len(deal_id) > 120:
        raise UsageError(
            f"{deal_id!r} is not a valid deal id",
            hint="ids use lowercase letters, digits, '.', '_' and '-', starting with a letter "
            "or digit, e.g. acme-pumps",
        )


def locate_deal(root: Path, ref: str) -> Path:
    """The file of a deal given as an id (`acme-pumps`) or a path (`deals/acme-pumps.yaml`)."""
    if ref.endswith(DEAL_SUFFIXES) or "/" in ref or os.sep in ref:
        candidate = Path(ref)
        if not candidate.is_absolute():
            candidate = Path.cwd() / candidate
        if not is_inside(root / DEALS_DIR, candidate):
            raise UsageError(f"{ref} is not a deal file inside this workspace's {DEALS_DIR}/",
                             hint=f"deal files live under {root / DEALS_DIR}")
        if not candidate.is_file():
            raise UsageError(f"no such deal file: {ref}", hint="`salesflow list` shows the deals")
        return candidate
    check_deal_id(ref)
    matches = files_of_id(root, ref)
    if not matches:
        raise UsageError(f"no deal with id {ref!r}", hint="`salesflow list --status all` "
                         "shows every deal id")
    if len(matches) > 1:
        where = ", ".join(relative(root, p) for p in matches)
        raise UsageError(f"deal id {ref!r} is used by more than one file: {where}",
                         hint="rename one of them; ids must be unique")
    if not is_inside(root / DEALS_DIR, matches[0]):
        raise UsageError(f"{relative(root, matches[0])} points outside the workspace",
                         hint="replace the symlink with the file itself")
    return matches[0]


# ------------------------------------------------------------------ loading


def _problems(findings: list[Finding], marks: yamlio.Marks, path: str) -> list[Problem]:
    out = []
    for f in findings:
        line, col = marks.locate(f.loc, key=f.key)
        out.append(Problem(path, line, col, f.message, f.code))
    return out


def _validate(model: type[BaseModel], doc: yamlio.Document, path: str, what: str,
              ) -> tuple[Any, list[Problem]]:
    from pydantic import ValidationError

    from salesflow import yamlio

    if doc.data is None:
        return None, [Problem(path, 1, 1, f"file is empty; {what}", "empty")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return None, [Problem(path, 1, 1, f"expected a mapping of `key: value` lines at the top "
                              f"level, found {kind}; {what}", "not-a-mapping")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return None, yamlio.problems_from_validation(
            errors, doc.marks, path, lambda loc: allowed_keys(model, loc))


def parse_process(raw: bytes, path: str = PROCESS_FILE) -> tuple[Process | None, list[Problem]]:
    """A Process from the bytes of `stages.yaml`, or the problems that prevent it."""
    from salesflow import yamlio
    from salesflow.checks import check_process
    from salesflow.process import Process

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    process, problems = _validate(
        Process, doc, path, "stages.yaml needs `currency:` and a list of `stages:`")
    if process is None:
        return None, problems
    problems = _problems(check_process(process), doc.marks, path)
    return (None if problems else process), problems


def parse_deal(raw: bytes, path: str, process: Process) -> tuple[Deal | None, list[Problem]]:
    """A Deal from the bytes of a deal file, checked against the process."""
    from salesflow import yamlio

    try:
        doc = yamlio.parse(raw, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    return validate_deal_document(doc, path, process)


def validate_deal_document(doc: yamlio.Document, path: str, process: Process,
                           ) -> tuple[Deal | None, list[Problem]]:
    from salesflow.checks import check_deal
    from salesflow.deal import Deal

    deal, problems = _validate(Deal, doc, path, "a deal needs at least `customer:` and `stage:`")
    if deal is None:
        return None, problems
    problems = _problems(check_deal(deal, process), doc.marks, path)
    return (None if problems else deal), problems


MAX_FILE_BYTES = 1 << 20  # = yamlio.MAX_FILE_BYTES, without importing YAML to read a file


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, Problem | None]:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, Problem(rel, 0, 0, "is a folder, not a file", "unreadable")
    except OSError as exc:
        return None, Problem(rel, 0, 0, f"cannot read: {exc.strerror or exc}", "unreadable")
    return raw, None


def load_process(root: Path) -> Process:
    """The workspace's process; raises ProblemsError when `stages.yaml` is invalid."""
    return _process_of(_process_bytes(root))


def _process_bytes(root: Path) -> bytes:
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        raise ProblemsError([problem] if problem else [])
    return raw


def _process_of(raw: bytes) -> Process:
    process, problems = parse_process(raw)
    if process is None:
        raise ProblemsError(problems, hint=f"fix {PROCESS_FILE} first: every deal depends on it")
    return process


def _outside(rel: str) -> Problem:
    return Problem(rel, 0, 0, "is a symlink pointing outside the workspace; salesflow does "
                   "not follow it", "outside")


def _bad_id(rel: str, name: str) -> Problem:
    return Problem(rel, 0, 0, f"file name {name!r} is not a valid deal id: use lowercase "
                   "letters, digits, '.', '_' and '-' (e.g. acme-pumps.yaml)", "bad-id")


def _refused(root: Path, path: Path, rel: str) -> list[Problem]:
    """What is wrong with a deal file before it is even read (where it is, its name)."""
    if not is_inside(root / DEALS_DIR, path):
        return [_outside(rel)]
    if not ID_RE.match(deal_id_of(path)):
        return [_bad_id(rel, path.name)]
    return []


def load_deal_file(root: Path, path: Path, process: Process) -> tuple[DealFile | None,
                                                                      list[Problem]]:
    from salesflow.deal import DealFile

    rel = relative(root, path)
    refused = _refused(root, path, rel)
    if refused:
        return None, refused
    deal_id = deal_id_of(path)
    raw, problem = read_bytes(path, rel)
    if raw is None:
        return None, [problem] if problem else []
    deal, problems = parse_deal(raw, rel, process)
    return (DealFile(deal_id, rel, deal) if deal is not None else None), problems


def load_workspace(root: Path, *, cache: bool = True) -> Workspace:
    """The process and every deal; invalid deals become problems, not exceptions.

    Files the cache vouches for are rebuilt from their cached data (validation
    without parsing); the others are parsed, in parallel when there are many.
    `cache=False` reads every file afresh and leaves the cache alone.
    """
    from salesflow.deal import DealFile

    with _no_gc():
        loaded = _Load(root, cache=cache, full=True)
        assert loaded.process is not None
        ws = Workspace(root=root, process=loaded.process, problems=loaded.problems)
        deals = loaded.deals()
        ws.deals = [DealFile(deal_id, rel, deals[rel]) for deal_id, rel, _ in loaded.valid]
    return ws


def validate_files(root: Path, files: list[Path] | None = None) -> tuple[int, list[Problem]]:
    """Check stages.yaml and the given deal files (default: all): (files checked, problems).

    Every problem of every file is returned, sorted, including ids used twice.
    Every file is read afresh (the cache is not consulted: this is the check CI
    trusts), in parallel when there are many.
    """
    from salesflow import bulk

    problems: list[Problem] = []
    raw, problem = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is None:
        return 0, [problem] if problem else []
    process, found = parse_process(raw)
    problems.extend(found)
    if process is None:
        return 0, sorted(problems)
    every = list(deal_paths(root))
    users: dict[str, list[str]] = {}
    for path in every:
        users.setdefault(deal_id_of(path), []).append(relative(root, path))
    targets = every if files is None else files
    readable: list[tuple[str, str]] = []
    for path in targets:
        rel = relative(root, path)
        refused = _refused(root, path, rel)
        if refused:
            problems.extend(refused)
        else:
            readable.append((str(path), rel))
        others = [o for o in users.get(deal_id_of(path), []) if o != rel]
        if others:
            problems.append(Problem(rel, 0, 0, f"deal id {deal_id_of(path)!r} is also used by "
                                    f"{', '.join(others)}; ids (file names) must be unique",
                                    "duplicate-id"))
    for result in bulk.parse_files(readable, process):
        problems.extend(result.problems)
    return len(targets), sorted(problems)


def load_overview(root: Path, *, cache: bool = True) -> Overview:
    """The process and a summary of every valid deal, with every problem found.

    What a report over many deals needs: when the cache vouches for every
    file, no YAML is parsed and no pydantic model built (pydantic is not even
    imported). `cache=False` reads every file afresh and leaves the cache alone.
    """
    from salesflow.summary import SummaryFile

    with _no_gc():
        loaded = _Load(root, cache=cache, full=False)
        deals = [SummaryFile(*valid) for valid in loaded.valid]
    return Overview(root, loaded.summary, deals, loaded.problems)


def _by_folder(files: list[DealPath]) -> dict[str, list[tuple[str, str]]]:
    """(rel, id) of each deal file, by the folder holding it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item in files:
        rel = item.rel
        cut = rel.rfind("/")
        name = rel[cut + 1:]
        out.setdefault(rel[:cut], []).append((rel, name[:name.rfind(".")]))
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

    def __init__(self, root: Path, *, cache: bool, full: bool) -> None:
        from salesflow import cache as cache_module
        from salesflow.summary import ProcessSummary, summary_of

        self.root = root
        self.full = full
        self.shared: dict[Any, Any] = {}  # one object per distinct owner, stage, date, ...
        seen_ns = time.time_ns()  # before any file is looked at: see cache.settled
        raw = _process_bytes(root)
        folders: dict[str, str | None] | None = {} if cache else None
        files = scan_deals(root, seen_ns=seen_ns, folders=folders)
        self.store: Store | None = None
        cached: dict[str, Cached] = {}
        self.process: Process | None = None
        summary: ProcessSummary | None = None
        tree: cache_module.Tree | None = None
        if cache:
            self.store = cache_module.Store(cache_module.cache_file(root),
                                            cache_module.cache_key(raw))
            cached = self.store.entries(lambda row: summary_of(row, self.shared))
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
            cache_module.STAT, cache_module.PROBLEMS, cache_module.HAS_DATA)
        deals_dir = root / DEALS_DIR
        early: dict[str, list[Problem]] = {}  # problems found without reading the file
        todo: list[DealPath] = []
        for item in files:
            rel = item.rel
            name = rel[rel.rfind("/") + 1:]
            if item.stat is None and not is_inside(deals_dir, root / rel):
                early[rel] = [_outside(rel)]
            elif not ID_RE.match(name[:name.rfind(".")]):
                early[rel] = [_bad_id(rel, name)]
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
            for _ in entries:
                pass

        # The outcome, file by file in path order; the first valid file of an id wins.
        self.problems: list[Problem] = []
        self.valid: list[tuple[str, str, DealSummary]] = []
        owner: dict[str, str] = {}
        summary_at = cache_module.SUMMARY
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
            name = rel[rel.rfind("/") + 1:]
            deal_id = name[:name.rfind(".")]
            if deal_id in owner:
                self.problems.append(Problem(
                    rel, 0, 0, f"deal id {deal_id!r} is also used by {owner[deal_id]}; ids "
                    "(file names) must be unique", "duplicate-id"))
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
        from salesflow import bulk
        from salesflow.cache import Entry

        assert self.process is not None
        recordable = {item.rel: item.stat for item in todo if item.settled}
        base = f"{self.root}{os.sep}"  # no Path per file
        for result in bulk.parse_files([(base + item.rel, item.rel) for item in todo],
                                       self.process, full=self.full):
            self.parsed[result.rel] = result
            stat = recordable.get(result.rel)
            if result.cacheable and stat is not None:
                problems = ([(p.line, p.col, p.message, p.code) for p in result.problems]
                            if result.row is None else None)
                yield Entry(result.rel, stat, problems, result.data, result.row)

    def _summary(self, rel: str) -> DealSummary | None:
        """The summary of a valid file; a problem file's problems go to `problems`."""
        from salesflow.cache import SUMMARY, problems_of
        from salesflow.summary import summary_of

        result = self.parsed.get(rel)
        if result is not None:
            self.problems.extend(result.problems)
            return None if result.row is None else summary_of(result.row, self.shared)
        entry = self.cached[rel]
        problems = problems_of(entry)
        if problems is not None:
            self.problems.extend(Problem(rel, *p) for p in problems)
            return None
        return entry[SUMMARY]  # type: ignore[no-any-return]

    def deals(self) -> dict[str, Deal]:
        """The Deal of every valid file, by relative path (for `full` loads)."""
        from salesflow import bulk
        from salesflow.cache import CacheUnusable, decode_data
        from salesflow.deal import Deal

        assert self.process is not None
        wanted = {rel for _, rel, _ in self.valid}
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
                    deals[rel] = Deal.model_validate(data)
            except CacheUnusable:
                pass
            self.store.close()
        for rel in wanted - deals.keys():  # the cache let us down: read the file again
            result = bulk.parse_one(str(self.root / rel), rel, self.process, keep=True)
            if result.deal is None:  # changed since it was scanned; report the next time
                raise ProblemsError(result.problems or [Problem(rel, 0, 0, "changed while "
                                    "salesflow was reading it; run the command again",
                                    "changed")])
            deals[rel] = result.deal
        return deals


# ------------------------------------------------------- did-you-mean support


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at `loc` inside a `model` document may hold."""
    from pydantic import BaseModel

    current: Any = model
    for item in loc:
        current = _step(current, item)
        if current is None:
            return []
    current = _plain(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [_key(name, f) for name, f in current.model_fields.items() if name != "extensions"]
    return []


def _key(name: str, f: Any) -> str:
    return f.validation_alias if isinstance(f.validation_alias, str) else name


def _plain(tp: Any) -> Any:
    """Strip Annotated[...] and `| None`."""
    for _ in range(8):
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is typing.Union or isinstance(tp, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            break
    return tp


def _step(tp: Any, item: str | int) -> Any:
    from pydantic import BaseModel

    tp = _plain(tp)
    origin = typing.get_origin(tp)
    if origin is list and isinstance(item, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(item, str):
        for name, f in tp.model_fields.items():
            if _key(name, f) == item:
                return f.annotation
    return None


def default_author(root: Path) -> str:
    """Who is making a change: `git config user.name` in the workspace, else the login."""
    import getpass
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.name"], cwd=root, capture_output=True, text=True,
            timeout=5, check=False,
        )
        name = done.stdout.strip()
        if done.returncode == 0 and name:
            return name
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
