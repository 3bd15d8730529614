"""The cache of parsed and validated deal files, kept outside the workspace.

Parsing YAML is what a report over tens of thousands of deals spends its time
on, so each deal file's outcome (its summary and parsed data, or its
problems) is kept in one SQLite database per workspace, in the user's cache
folder: `$SALESFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/salesflow`, else
`~/.cache/salesflow`. Nothing in it can execute code: rows of text, numbers
and JSON (no pickle).

It never serves stale data:

- the whole cache is keyed on the format, the salesflow version and the
  fingerprint of its code and of its parsing libraries, the Python version, and
  the bytes of `stages.yaml` (deals are validated against it); any change
  empties it;
- an entry is used only while the file's device, inode, size, mtime and ctime
  are those it had when it was read (ctime cannot be set back: `touch -d`,
  `os.utime` and `git checkout` all move it) ...
- ... and a file is recorded only if it had already been untouched for
  RACY_NS when it was read. A file written twice within one timestamp tick can
  keep all of its stat; a file read that close to its last change is read
  again next time instead (git's "racily clean" rule);
- the deal files' names, recorded folder by folder, find one deal only while
  every recorded folder's stat is unchanged (a file added, removed or renamed
  changes its folder's), under the same rule.

A cache that cannot be read, is corrupt or cannot be written is ignored and
rebuilt: it only ever makes things faster, never an error. What one file's
row holds, and how it is checked, is `salesflow.files.cache_rows`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from salesflow.files.cache_rows import (
    INSERT,
    Cached,
    Entry,
    checked,
    decode_data,
    text_sum,
    values,
)
from salesflow.model.summary import ROW_FIELDS

CACHE_ENV = "SALESFLOW_CACHE_DIR"
FORMAT = 10  # 4: a checksum per row; 5: the moves and review facts of each deal;
# 6: review findings; 7: the moves column also holds the recorded field changes, and
# moves and review have checksums of their own, so a report reads only what it needs;
# 8: where each history's replay ends (`ends`); 9: deal files by content (`contents`);
# 10: a summary's short fields in one JSON column, read and checked in one C call each
RACY_NS = 2_000_000_000  # FAT's 2-second mtime granularity is the coarsest in use
CONTENTS_KEPT = 20_000  # records of deal files by content (`Store.save_contents`)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    stat TEXT NOT NULL,     -- stat_key() of the file before it was read
    problems TEXT,          -- JSON [[line, col, message, code], ...]; NULL when valid
    data BLOB,              -- zlib(JSON) of the parsed file (see encode_data), if kept
    sum INTEGER NOT NULL,   -- row_sum() of path, stat, problems, data's presence, summary
    dsum INTEGER,           -- zlib.crc32 of data
    summary BLOB,           -- JSON of the summary row (ROW_FIELDS order), moves and review null
    moves TEXT,             -- the row's moves (read by stats, trend, changes only)
    msum INTEGER,           -- text_sum() of moves
    review TEXT,            -- the row's review facts (read by review only)
    rsum INTEGER            -- text_sum() of review
);
-- Every deal file's name, and the stat of every folder as it was when listed: a
-- command on one deal finds it here, after checking only that no folder changed.
CREATE TABLE folders (path TEXT PRIMARY KEY, stat TEXT NOT NULL);
CREATE TABLE names (path TEXT PRIMARY KEY, folder TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX names_by_id ON names (id);
CREATE INDEX names_by_folder ON names (folder);
-- Deal files by their content (git's blob id of their bytes), for `changes` inside
-- git: a commit's files and the few changed since, summarized once. The same bytes
-- always give the same outcome, so an entry never goes stale (the key covers the rest).
CREATE TABLE contents (
    id TEXT PRIMARY KEY,
    value TEXT NOT NULL,    -- JSON [summary row, history tokens], or null: not a valid deal
    sum INTEGER NOT NULL    -- text_sum() of value, tied to the id
);
"""


def stat_key(st: os.stat_result) -> str:
    """What must not have changed for an entry to stand: device, inode, size, mtime, ctime.

    One short string rather than five large integers: a warm report holds one
    per deal file.
    """
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def settled(mtime_ns: int, ctime_ns: int, seen_ns: int) -> bool:
    """True when a file read at `seen_ns` had been untouched for RACY_NS by then.

    Only such files are recorded: a later rewrite of them gets a new mtime and
    ctime even on a file system with coarse timestamps.
    """
    return max(mtime_ns, ctime_ns) < seen_ns - RACY_NS


class Tree(NamedTuple):
    """The folders under deals/ as one scan saw them, and the deal files in each.

    `folders` maps each folder (relative to the root) to its stat key, or to
    None when it had not settled (see `settled`): such a tree is not recorded,
    since a change within the same tick could go unseen.
    """

    folders: dict[str, str | None]
    files: dict[str, list[tuple[str, str]]]  # folder -> [(rel, id), ...]

    @property
    def complete(self) -> bool:
        return None not in self.folders.values()


# ------------------------------------------------------------------ location


def cache_dir() -> Path:
    """The user's cache folder for salesflow (not created here)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "salesflow"


def cache_file(root: Path) -> Path:
    """The database of the workspace at `root` (one per workspace, by its absolute path)."""
    name = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / f"{name}.sqlite3"


def cache_key(process_raw: bytes) -> str:
    """What the whole cache depends on besides the deal files themselves."""
    from salesflow import __version__
    from salesflow.model.i18n import language

    h = hashlib.sha256()
    # The problems of invalid files are kept as messages, in the language they were said in.
    for part in (str(FORMAT), __version__, sys.version, ",".join(ROW_FIELDS), code_fingerprint(),
                 language()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(hashlib.sha256(process_raw).digest())
    return h.hexdigest()


def code_fingerprint() -> str:
    """Size and mtime of salesflow's own modules and translations, and of the parsing libraries.

    Validation rules live in code (the models, the checks, the review's
    findings, the summaries), and cached problems are sentences from the
    translations: an upgraded (or, for a developer, edited) salesflow,
    pydantic or pyyaml may judge or say the same bytes differently, even where
    the version number did not move. Every module of the package counts,
    wherever it sits: a hundred-odd stats, well under a millisecond.
    """
    import importlib.util

    parts: list[str] = []
    _modules(str(Path(__file__).resolve().parent.parent), "", parts)
    for name in ("pydantic", "pydantic_core", "yaml"):
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        try:
            found = Path(origin).stat() if origin else None
        except OSError:
            found = None
        parts.append(f"{name}:{found.st_size}:{found.st_mtime_ns}" if found else f"{name}:-")
    return "|".join(sorted(parts))


def _modules(folder: str, rel: str, parts: list[str]) -> None:
    """`rel/name:size:mtime` of every module and translation under `folder`, into `parts`."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    _modules(entry.path, f"{rel}{entry.name}/", parts)
            elif entry.name.endswith((".py", ".mo")):
                st = entry.stat()
                parts.append(f"{rel}{entry.name}:{st.st_size}:{st.st_mtime_ns}")


# --------------------------------------------------------------------- store


class Store:
    """The cache database of one workspace, as found at the start of a command.

    `entries` are usable only when the database exists, is readable and has
    the right key; otherwise the store is empty and `save` writes a new one.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self.process: str | None = None  # the cached ProcessSummary JSON
        self._db: sqlite3.Connection | None = None
        self._fresh = True  # True: save() writes a whole new database
        with contextlib.suppress(sqlite3.Error, OSError):
            self._open()

    def _open(self) -> None:
        if not self.path.is_file():
            return
        db = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=0.5)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except BaseException:
            db.close()
            raise
        if meta.get("key") != self.key:
            db.close()
            return
        self._db, self._fresh = db, False
        self.process = meta.get("process")

    def entries(self, convert: Callable[[Sequence[Any]], Any], facts: bool | str = True,
                ) -> dict[str, Cached]:
        """Every cached file by workspace-relative path (empty when unusable).

        Each valid deal's summary row is handed to `convert` as it is read, so
        the rows themselves are never all held at once. `facts` says which of
        the long per-deal columns to read (True both, "moves" or "review" one,
        False neither): the others come back as None, unread and unchecked.
        """
        if self._db is None:
            return {}
        moves = facts is True or facts == "moves"
        review = facts is True or facts == "review"
        try:
            cursor = self._db.execute(
                "SELECT path, stat, problems, data IS NOT NULL, sum, summary, "
                f"{'moves, msum' if moves else 'NULL, NULL'}, "
                f"{'review, rsum' if review else 'NULL, NULL'} FROM files")
            found: dict[str, Cached] = {}
            for r in cursor:
                entry = checked(r, convert, moves, review)
                if entry is not None:  # else dropped: the file is parsed again
                    found[r[0]] = entry
            return found
        except sqlite3.Error:
            self._forget()
            return {}

    def folders(self) -> dict[str, str] | None:
        """The recorded folders and their stat keys; None unless the record is whole."""
        if self._db is None:
            return None
        try:
            if self._meta("tree") != "1":
                return None
            return dict(self._db.execute("SELECT path, stat FROM folders").fetchall())
        except sqlite3.Error:
            self._forget()
            return None

    def files_named(self, deal_id: str) -> list[str] | None:
        """The recorded deal files with this id (check `folders` first); None on failure."""
        if self._db is None:
            return None
        try:
            rows = self._db.execute("SELECT path FROM names WHERE id = ?", (deal_id,))
            return [path for (path,) in rows]
        except sqlite3.Error:
            self._forget()
            return None

    def ids(self) -> list[str] | None:
        """Every recorded deal id, for shell completion (maybe stale); None on failure."""
        if self._db is None:
            return None
        try:
            return [i for (i,) in self._db.execute("SELECT DISTINCT id FROM names")]
        except sqlite3.Error:
            self._forget()
            return None

    def _meta(self, key: str) -> str | None:
        assert self._db is not None
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def data(self, paths: Collection[str]) -> Iterator[tuple[str, Any]]:
        """The parsed data of these cached files (those that have it), by path."""
        if self._db is None or not paths:
            return
        try:
            rows = self._db.execute(
                "SELECT path, data, dsum FROM files WHERE data IS NOT NULL")
            wanted = set(paths)
            for path, blob, dsum in rows:
                if path in wanted and isinstance(blob, bytes) and zlib.crc32(blob) == dsum:
                    try:
                        data = decode_data(blob)
                    except Exception:  # a row that does not decode: the file is read again
                        continue
                    yield path, data
        except sqlite3.Error:
            self._forget()
            raise CacheUnusable from None

    def contents(self, ids: Collection[str]) -> dict[str, Any]:
        """The recorded outcomes of these contents (`files.contents`), by content id.

        A row that fails its sum or does not decode is left out: its content
        is summarized again.
        """
        found: dict[str, Any] = {}
        if self._db is None or not ids:
            return found
        wanted = list(ids)
        try:
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT id, value, sum FROM contents WHERE id IN ({marks})", part)
                for content, value, total in rows:
                    if isinstance(value, str) and total == text_sum(content, value):
                        with contextlib.suppress(ValueError):
                            found[content] = json.loads(value)
        except sqlite3.Error:
            self._forget()
            return {}
        return found

    def save_contents(self, outcomes: dict[str, Any], keep: int = CONTENTS_KEPT) -> None:
        """Record outcomes by content id, into an existing cache only; failures are silent.

        Each week's `changes` adds the files edited that week: past `keep`
        records, the older half goes (they are read again if ever needed).
        """
        if self._db is None or self._fresh or not outcomes:
            return
        rows = []
        for content, value in outcomes.items():
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            rows.append((content, text, text_sum(content, text)))
        try:
            with self._db as db:
                db.executemany("INSERT OR REPLACE INTO contents VALUES (?, ?, ?)", rows)
                (count,) = db.execute("SELECT count(*) FROM contents").fetchone()
                if count > keep:  # rowids grow with each insert: the smallest are the oldest
                    db.execute("DELETE FROM contents WHERE rowid IN (SELECT rowid FROM "
                               "contents ORDER BY rowid LIMIT ?)", (count - keep // 2,))
        except sqlite3.Error:
            self._forget()

    def save(self, process: str, entries: Iterable[Entry], removed: Collection[str],
             tree: Tree | None = None) -> None:
        """Record new entries, forget removed files, record the tree; failures are silent.

        `entries` may be a generator that parses as it goes: it is always
        consumed to the end, even when the cache cannot be written.
        """
        source = _Source(entries)
        try:
            if self._fresh:
                self._write_new(process, source, tree)
            else:
                self._update(process, source, removed, tree)
        except (sqlite3.Error, OSError):
            if source.failed:  # the caller's own failure, not the cache's
                raise
            self._forget()
        for _ in source:  # the cache failed half-way: finish the caller's work
            pass

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # ---------------------------------------------------------------- inner

    def _forget(self) -> None:
        """The database misbehaved: stop using it; the next save writes a new one."""
        self.close()
        self._fresh = True
        self.process = None

    def _update(self, process: str, entries: Iterable[Entry], removed: Collection[str],
                tree: Tree | None) -> None:
        assert self._db is not None
        db = self._db
        with db:  # one transaction
            if process != self.process:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('process', ?)", (process,))
            if removed:
                db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in removed))
            db.executemany(INSERT, map(values, entries))
            if tree is not None:
                _record_tree(db, tree, self._meta("tree") == "1")

    def _write_new(self, process: str, entries: Iterable[Entry], tree: Tree | None) -> None:
        import tempfile

        from salesflow.files.guard import make_folders

        self.close()
        folder = self.path.parent
        make_folders(folder, [folder])
        remove_orphans(folder)
        fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        os.close(fd)
        tmp = Path(name)
        try:
            db = sqlite3.connect(tmp)
            try:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                db.executescript(_SCHEMA)
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [("key", self.key), ("process", process)])
                db.executemany(INSERT, map(values, entries))
                if tree is not None:
                    _record_tree(db, tree, False)
                db.commit()
            finally:
                db.close()
            with tmp.open("rb") as fh:  # on disk before it replaces the old one
                os.fsync(fh.fileno())
            tmp.replace(self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


ORPHAN_AGE = 600.0  # seconds: a cache write takes well under a second; older is a killed one


def remove_orphans(folder: Path, now: float | None = None) -> None:
    """Delete the `.*.tmp` files a killed cache writer left in the cache folder.

    Another process may be writing its own temporary file right now (for this or
    another workspace), so only those untouched for ORPHAN_AGE seconds go.
    """
    import time

    limit = (time.time() if now is None else now) - ORPHAN_AGE
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        if entry.stat(follow_symlinks=False).st_mtime < limit:
                            Path(entry.path).unlink()
    except OSError:
        return


def _record_tree(db: sqlite3.Connection, tree: Tree, whole: bool) -> None:
    """Bring the folders and names tables up to `tree`, folder by changed folder."""
    if not tree.complete:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('tree', '0')")
        return
    before: dict[str, str] = {}
    if whole:  # the record was whole: redo only the folders that changed
        before = dict(db.execute("SELECT path, stat FROM folders").fetchall())
    else:
        db.execute("DELETE FROM folders")
        db.execute("DELETE FROM names")
    changed = [f for f, key in tree.folders.items() if before.get(f) != key]
    gone = [f for f in before if f not in tree.folders]
    db.executemany("DELETE FROM names WHERE folder = ?", ((f,) for f in (*changed, *gone)))
    db.executemany("DELETE FROM folders WHERE path = ?", ((f,) for f in gone))
    db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)",
                   ((f, tree.folders[f]) for f in changed))
    db.executemany("INSERT INTO names VALUES (?, ?, ?)",
                   ((rel, folder, deal_id) for folder in changed
                    for rel, deal_id in tree.files.get(folder, ())))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('tree', '1')")


class _Source:
    """An iterator that remembers whether it, rather than its consumer, failed."""

    def __init__(self, items: Iterable[Entry]) -> None:
        self._items = iter(items)
        self.failed = False

    def __iter__(self) -> Iterator[Entry]:
        return self

    def __next__(self) -> Entry:
        try:
            return next(self._items)
        except StopIteration:
            raise
        except BaseException:
            self.failed = True
            raise


class CacheUnusable(Exception):
    """The cache failed half-way through a read: the caller reloads without it."""


