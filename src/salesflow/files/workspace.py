"""The workspace on disk: its root, its deal files, and finding one deal.

Nothing here parses YAML or builds a model: finding a deal must stay cheap
for a command on one deal among tens of thousands. Parsing is in
`salesflow.files.parse`, loading many deals (with the cache and the parallel
parser) in `salesflow.files.load`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from salesflow.model.errors import Problem, UsageError, WorkspaceNotFound
from salesflow.model.i18n import _
from salesflow.model.ids import ID_RE

if TYPE_CHECKING:
    from salesflow.model.deal import DealFile
    from salesflow.model.process import Process
    from salesflow.model.summary import ProcessSummary, SummaryFile

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
                _("{root} is not a salesflow workspace (no {process_file} there)").format(
                    root=root, process_file=PROCESS_FILE),
                hint=_("run `salesflow init {root}` to create one").format(root=root),
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROCESS_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        _("not inside a salesflow workspace (no {process_file} in {here} "
          "or any folder above it)").format(process_file=PROCESS_FILE, here=here),
        hint=_("run `salesflow init` to create one here, or pass --root DIR"),
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
    from salesflow.files.cache import settled, stat_key

    if st is None:
        try:
            st = os.stat(folder)  # noqa: PTH116 - a str path, like the rest of the scan
        except OSError:
            return ""
    return stat_key(st) if settled(st.st_mtime_ns, st.st_ctime_ns, seen_ns) else None


def _scan(folder: str, rel: str, found: list[DealPath], stat: bool, seen_ns: int,
          folders: dict[str, str | None] | None) -> None:
    from operator import attrgetter

    from salesflow.files import cache

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


def files_of_id(root: Path, deal_id: str, *, cache: bool = True) -> list[Path]:
    """The deal files whose id is `deal_id` (more than one is a problem to report).

    A command on one deal must not pay for the others. Listing every folder
    costs about 0.5 µs a file in the kernel alone, so the names a report
    recorded in the cache are used instead, once a stat of each folder shows
    that none has changed since (adding, removing or renaming a file changes
    its folder). `cache=False` always lists.
    """
    if cache:
        known = _recorded(root, deal_id)
        if known is not None:
            return known
    names = frozenset(deal_id + suffix for suffix in DEAL_SUFFIXES)
    found: list[str] = []
    _find(str(root / DEALS_DIR), names, found)
    return sorted(Path(p) for p in found)


def _recorded(root: Path, deal_id: str) -> list[Path] | None:
    """`files_of_id` from the cache; None unless it is sure to be right."""
    from salesflow.files import cache

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


def known_deal_ids(root: Path) -> list[str]:
    """Every deal id, sorted: the cache's names when it has any (fast, for completion),
    else a listing of `deals/`."""
    from salesflow.files import cache

    raw, _ = read_bytes(root / PROCESS_FILE, PROCESS_FILE)
    if raw is not None:
        store = cache.Store(cache.cache_file(root), cache.cache_key(raw))
        try:
            ids = store.ids()
        finally:
            store.close()
        if ids:
            return sorted(ids)
    return sorted({deal_id_of(p) for p in deal_paths(root)})


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


def id_of_rel(rel: str) -> str:
    """The deal id of a relative path (`Path(rel).stem`, without making a Path)."""
    name = rel[rel.rfind("/") + 1:]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def check_deal_id(deal_id: str) -> None:
    if not ID_RE.fullmatch(deal_id) or len(deal_id) > 120:
        raise UsageError(
            _("{deal_id!r} is not a valid deal id").format(deal_id=deal_id),
            hint=_("ids use lowercase letters, digits, '.', '_' and '-', starting with a "
                   "letter or digit, e.g. acme-pumps"),
        )


def locate_deal(root: Path, ref: str, *, cache: bool = True) -> Path:
    """The file of a deal given as an id (`acme-pumps`) or a path (`deals/acme-pumps.yaml`)."""
    if ref.endswith(DEAL_SUFFIXES) or "/" in ref or os.sep in ref:
        candidate = Path(ref)
        if not candidate.is_absolute():
            here = Path.cwd() / candidate
            # `export/x.yaml` as the docs write it: relative to deals/ (or the root) works too
            others = [base / candidate for base in (root / DEALS_DIR, root)]
            candidate = next((c for c in (here, *others)
                              if c.is_file() and is_inside(root / DEALS_DIR, c)), here)
        if not is_inside(root / DEALS_DIR, candidate):
            raise UsageError(
                _("{ref} is not a deal file inside this workspace's {deals_dir}/").format(
                    ref=ref, deals_dir=DEALS_DIR),
                hint=_("deal files live under {folder}").format(folder=root / DEALS_DIR))
        if not candidate.is_file():
            raise UsageError(_("no such deal file: {ref}").format(ref=ref),
                             hint=_("`salesflow list` shows the deals"))
        return candidate
    check_deal_id(ref)
    matches = files_of_id(root, ref, cache=cache)
    if not matches:
        matches = files_of_id(root, _by_prefix(root, ref), cache=cache)
    if not matches:  # the cache's names disagree with the folders: believe the cache
        raise UsageError(_("no deal with id {ref!r}").format(ref=ref),
                         hint=_("`salesflow list --status all` shows every deal id"))
    if len(matches) > 1:
        where = ", ".join(relative(root, p) for p in matches)
        raise UsageError(_("deal id {ref!r} is used by more than one file: {where}").format(
                             ref=ref, where=where),
                         hint=_("rename one of them; ids must be unique"))
    if not is_inside(root / DEALS_DIR, matches[0]):
        raise UsageError(_("{path} points outside the workspace").format(
                             path=relative(root, matches[0])),
                         hint=_("replace the symlink with the file itself"))
    return matches[0]


def _by_prefix(root: Path, ref: str) -> str:
    """The one deal id that starts with `ref`; refused (exit 2) with the candidates or the
    nearest ids by edit distance. Lists the deal folder, so only asked after a miss."""
    import difflib

    ids = sorted({deal_id_of(p) for p in deal_paths(root)})
    starting = [i for i in ids if i.startswith(ref)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        shown = ", ".join(starting[:10]) + (_(" and {n} more").format(n=len(starting) - 10)
                                            if len(starting) > 10 else "")
        raise UsageError(_("{ref!r} is the start of {n} deal ids: {shown}").format(
                             ref=ref, n=len(starting), shown=shown),
                         hint=_("give more of the id"))
    near = difflib.get_close_matches(ref, ids, n=3, cutoff=0.6)
    maybe = (_("; did you mean {ids}?").format(ids=_(" or ").join(repr(n) for n in near))
             if near else "")
    raise UsageError(_("no deal with id {ref!r}{maybe}").format(ref=ref, maybe=maybe),
                     hint=_("`salesflow list --status all` shows every deal id"))


MAX_FILE_BYTES = 1 << 20  # = yamlio.MAX_FILE_BYTES, without importing YAML to read a file


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, Problem | None]:
    from salesflow.files.guard import NotRegular, read_regular

    try:
        raw = read_regular(path, MAX_FILE_BYTES + 1)  # a FIFO named x.yaml never hangs
    except IsADirectoryError:
        return None, Problem(rel, 0, 0, _("is a folder, not a file"), "unreadable")
    except NotRegular as exc:
        if exc.errno == 21:
            return None, Problem(rel, 0, 0, _("is a folder, not a file"), "unreadable")
        return None, Problem(rel, 0, 0, _("is not a regular file (a FIFO, socket or device); "
                                          "salesflow does not open it"), "unreadable")
    except OSError as exc:
        return None, Problem(rel, 0, 0, _("cannot read: {strerror}").format(
                                            strerror=exc.strerror or exc), "unreadable")
    return raw, None


def outside(rel: str) -> Problem:
    return Problem(rel, 0, 0, _("is a symlink pointing outside the workspace; salesflow does "
                                "not follow it"), "outside")


def bad_id(rel: str, name: str) -> Problem:
    return Problem(rel, 0, 0, _("file name {name!r} is not a valid deal id: use lowercase "
                                "letters, digits, '.', '_' and '-' (e.g. acme-pumps.yaml)"
                                ).format(name=name), "bad-id")


def refusal(root: Path, path: Path, rel: str) -> list[Problem]:
    """What is wrong with a deal file before it is even read (where it is, its name)."""
    if not is_inside(root / DEALS_DIR, path):
        return [outside(rel)]
    if not ID_RE.fullmatch(deal_id_of(path)):
        return [bad_id(rel, path.name)]
    return []


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
