"""Deal files by content: the summary of a file's bytes, wherever the bytes came from.

`changes` inside git compares the deal files of a past commit with the files
as they are now. Only the files changed since that commit need reading, and
each of those needs only its summary (what `changes` compares) and its
history as tokens (`model.tokens`: does the history now begin with
the commit's?). The same bytes always give the same outcome, so both are
kept in the cache by the content's id (git's blob id of the bytes): the
next run reads neither YAML nor the models for them, and a commit's blobs are
summarized once, ever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from salesflow.model.process import Process
    from salesflow.model.summary import DealSummary


class Content(NamedTuple):
    """A valid deal file's summary and its history's tokens."""

    summary: DealSummary
    history: tuple[str, ...]


def content_id(raw: bytes) -> str:
    """Git's blob id of these bytes (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def summarize(root: Path, wanted: Mapping[str, str],
              read: Callable[[list[str]], Mapping[str, bytes]], *, cache: bool = True,
              process: Process | None = None) -> dict[str, Content | None]:
    """The Content of each content id in `wanted` (id -> a path to name it by).

    None for bytes that are not a valid deal, or that `read` (the bytes of
    the ids asked, by id) could not give. Ids the cache knows are not read;
    the others are read, parsed against the workspace's process (`process`,
    or stages.yaml read when first needed) and recorded.
    """
    from salesflow.files.cache import Store, cache_file, cache_key
    from salesflow.files.load import load_process, process_bytes

    store = Store(cache_file(root), cache_key(process_bytes(root))) if cache else None
    try:
        out: dict[str, Content | None] = {}
        for content, value in (store.contents(wanted) if store is not None else {}).items():
            try:
                out[content] = _decoded(value)
            except (TypeError, ValueError, ArithmeticError):  # not what was written
                continue
        missing = [content for content in wanted if content not in out]
        if not missing:
            return out
        from salesflow.files.bulk import deal_of, row_of
        from salesflow.model.summary import summary_of
        from salesflow.model.tokens import history_tokens

        if process is None:
            process = load_process(root)
        got = read(missing)
        fresh: dict[str, object] = {}
        for content in missing:
            raw = got.get(content)
            if raw is None:  # not read: said as not valid, and not recorded
                out[content] = None
                continue
            deal = deal_of(raw, wanted[content], process)
            if deal is None:
                fresh[content] = out[content] = None
                continue
            row, tokens = row_of(deal, process), history_tokens(deal)
            fresh[content] = [list(row), list(tokens)]
            out[content] = Content(summary_of(row, keep=False), tokens)
        if store is not None:
            store.save_contents(fresh)
        return out
    finally:
        if store is not None:
            store.close()


def _decoded(value: Any) -> Content | None:
    """The Content of a recorded value (raises TypeError or ValueError on a wrong shape)."""
    from salesflow.model.summary import ROW_FIELDS, summary_of

    if value is None:
        return None
    row, tokens = value
    if len(row) != len(ROW_FIELDS) or not all(isinstance(t, str) and ":" in t for t in tokens):
        raise ValueError("not a recorded content")
    return Content(summary_of(tuple(row), keep=False), tuple(tokens))


def read_files(root: Path, rels: Collection[str]) -> dict[str, bytes]:
    """The bytes of these deal files (relative to `root`) by path; unreadable ones left out."""
    from salesflow.files.workspace import read_bytes

    out: dict[str, bytes] = {}
    for rel in rels:
        raw = read_bytes(root / rel, rel)[0]
        if raw is not None:
            out[rel] = raw
    return out
