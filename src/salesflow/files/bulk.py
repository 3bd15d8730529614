"""Parsing many deal files at once: the cold path of a report, spread over the cores.

Each file is parsed the fast way first (`yamlio.parse_data`: no marks), then
validated and checked. Only a file that fails is parsed again with marks, so
its problems name the exact line and column, and are the very problems
`workspace.parse_deal` reports. Workers hand back compact, picklable results
(a summary row, the parsed data as compressed JSON, or the problems), never
pydantic objects: those cost more to pickle than to rebuild.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pydantic import ValidationError

from salesflow.files import yamlio
from salesflow.files.cache_rows import encode_data
from salesflow.files.guard import read_regular
from salesflow.files.parse import parse_deal
from salesflow.files.workspace import MAX_FILE_BYTES, read_bytes
from salesflow.method.checks import check_deal
from salesflow.model.deal import Deal, DealFile
from salesflow.model.errors import Problem
from salesflow.model.summary import Row, SummaryFile, from_row, summary_row

if TYPE_CHECKING:
    from salesflow.model.process import Process

PARALLEL_MIN = 400  # fewer files than this parse faster than a pool starts
CHUNK = 200


class Parsed(NamedTuple):
    """The outcome of one deal file."""

    rel: str
    row: Row | None  # the summary row of a valid deal
    data: bytes | None  # `cache.encode_data` of the parsed file, for a valid deal
    problems: list[Problem]  # why the file is not a valid deal
    deal: Deal | None = None  # the Deal itself, when parsed in this process and asked for
    cacheable: bool = True  # False when the file could not be read at all


def parse_one(path: str, rel: str, process: Process, *, keep: bool = False,
              data: bool = False, brief: bool = False) -> Parsed:
    """Read, parse, validate and check one deal file.

    `keep` keeps the Deal; `data` encodes the parsed file for the cache (what
    a full load rebuilds Deals from: a sixth of the time of parsing a file,
    not spent for reports that read summaries only).
    """
    try:
        raw = read_regular(path, MAX_FILE_BYTES + 1)  # never blocks on a FIFO
    except OSError:
        got, problem = read_bytes(Path(path), rel)  # the same failure, as a problem
        if got is None:
            return Parsed(rel, None, None, [problem] if problem else [], cacheable=False)
        raw = got
    deal, parsed = _fast(raw, rel, process)
    if deal is None:  # the slow way, for exact problems
        deal, problems = parse_deal(raw, rel, process)
        if deal is None:
            return Parsed(rel, None, None, problems)
        parsed = yamlio.parse(raw, rel).data
    return Parsed(rel, row_of(deal, process, brief=brief),
                  encode_data(parsed) if data else None, [], deal if keep else None)


def deal_of(raw: bytes, rel: str, process: Process) -> Deal | None:
    """The valid deal of a file's bytes, or None: `parse_deal`'s deal, the fast way first."""
    deal = _fast(raw, rel, process)[0]
    return deal if deal is not None else parse_deal(raw, rel, process)[0]


def _fast(raw: bytes, rel: str, process: Process) -> tuple[Deal | None, object]:
    """(the deal, the parsed data) without marks; no deal when the slow way must say why."""
    try:
        parsed = yamlio.parse_data(raw, rel)
        if isinstance(parsed, dict):
            deal = Deal.model_validate(parsed)
            if not check_deal(deal, process):
                return deal, parsed
    except (yamlio.YamlProblem, yamlio.NeedsMarks, ValidationError):
        pass
    except Exception:  # the slow way says where and what
        pass
    return None, None


def row_of(deal: Deal, process: Process, *, brief: bool = False) -> Row:
    """The cached summary row of a valid deal, with the facts only its full data gives.

    The date it was won (from its history replay) and the facts `review`
    judges (its buying centre, next steps, needs, activity dates: see
    `method.review_facts`), so those reports need not rebuild the Deal.
    `brief` leaves out all three and the moves (never cached: for `validate`,
    which reads only a row's top-level fields, a fifth less work a file).
    """
    from salesflow.method.review_facts import facts_text
    from salesflow.reports.replay import ending

    if brief:
        return summary_row(deal, won_on=None, brief=True)
    won_on, ends = ending(deal, process)
    return summary_row(deal, won_on=won_on, review=facts_text(deal, process), ends=ends)


def summarize_file(item: DealFile, process: Process, *, facts: bool = False) -> SummaryFile:
    """A loaded deal file as the cache would summarize it: what `load_overview` returns."""
    return from_row(item.id, item.path, row_of(item.deal, process), keep=facts)


def parse_files(files: Sequence[tuple[str, str]], process: Process, *,
                full: bool = False, brief: bool = False) -> Iterator[Parsed]:
    """Parse (absolute path, relative path) pairs, in any order; in parallel when many.

    `full` asks for the Deals and the encoded data: files parsed in this
    process come with their Deal, the others with the data to rebuild it from.
    `brief` rows carry the top-level fields only (`row_of`): never cache them.
    """
    workers = _workers(len(files))
    if workers > 1:
        try:
            yield from _parallel(files, process, workers, full, brief)
            return
        except _PoolUnavailable:
            pass
    for path, rel in files:
        yield parse_one(path, rel, process, keep=full, data=full, brief=brief)


class _PoolUnavailable(Exception):
    """No worker processes could be started (a sandbox, no /dev/shm, ...)."""


def _workers(count: int) -> int:
    if count < PARALLEL_MIN:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, -(-count // CHUNK)))


def _parallel(files: Sequence[tuple[str, str]], process: Process,
              workers: int, data: bool, brief: bool = False) -> Iterator[Parsed]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if sys.platform == "linux" else "spawn"
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                   initializer=_start_worker, initargs=(process,))
        futures = {pool.submit(_parse_chunk, chunk, data, brief): i
                   for i, chunk in enumerate(chunks)}
    except (OSError, ImportError, ValueError, RuntimeError) as exc:
        raise _PoolUnavailable from exc
    done: set[int] = set()
    try:
        for future in as_completed(futures):
            results = future.result()
            done.add(futures[future])
            yield from results
    except BrokenProcessPool:  # a worker died (killed, out of memory): finish here
        for i, chunk in enumerate(chunks):
            if i not in done:
                yield from (parse_one(path, rel, process, data=data, brief=brief)
                            for path, rel in chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_PROCESS: Process | None = None


def _start_worker(process: Process) -> None:
    global _PROCESS  # noqa: PLW0603 - one worker, one process definition
    _PROCESS = process
    # A worker only builds short-lived, acyclic values: the cyclic collector
    # would only rescan the modules it inherited, again and again.
    gc.disable()


def _parse_chunk(files: Sequence[tuple[str, str]], data: bool,
                 brief: bool = False) -> list[Parsed]:
    assert _PROCESS is not None
    return [parse_one(path, rel, _PROCESS, data=data, brief=brief) for path, rel in files]
