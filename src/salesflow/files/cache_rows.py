"""One cached deal file's row: what it holds, how it is written, how it is checked.

`cache.Store` keeps a row per deal file (`Entry`): its stat when read, its
problems or its summary row, and, once a command needed the whole deal, its
parsed data. The summary's short fields travel as one JSON text, its long
`moves` and `review` columns apart, each with a checksum of its own, so that a
report reads and checks only the columns it needs (`checked`), in a couple of
C calls a row.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from salesflow.model.summary import ROW_FIELDS, Row

# A cached entry as `Store.entries` returns it: (stat, problems, has_data, summary),
# the summary being what the caller's `convert` made of the row (None for problems).
STAT, PROBLEMS, HAS_DATA, SUMMARY = 0, 1, 2, 3
Cached = tuple[Any, ...]


def problems_of(entry: Cached) -> list[tuple[int, int, str, str]] | None:
    """A cached file's problems (line, col, message, code); None for a valid deal."""
    text = entry[PROBLEMS]
    if text is None:
        return None
    return [(int(p[0]), int(p[1]), str(p[2]), str(p[3])) for p in json.loads(text)]


class Entry(NamedTuple):
    """One file's entry to write: its stat key when read, and what parsing it gave."""

    path: str
    stat: str
    problems: list[tuple[int, int, str, str]] | None
    data: bytes | None
    row: Row | None


def encode_data(data: Any) -> bytes:
    """Plain YAML data (dict, list, str, int, Decimal, bool, None) as compressed JSON.

    Exact, types included: JSON has no decimals, so each Decimal is written as
    its string and its place is listed beside the data.
    """
    try:
        text = json.dumps([data, []], ensure_ascii=False, separators=(",", ":"))
    except TypeError:  # a Decimal somewhere: rare (amounts are usually whole numbers)
        places: list[list[str | int]] = []
        text = json.dumps([_mark_decimals(data, [], places), places], ensure_ascii=False,
                          separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 1)


def _mark_decimals(value: Any, at: list[str | int], places: list[list[str | int]]) -> Any:
    if isinstance(value, Decimal):
        places.append(list(at))
        return str(value)
    if isinstance(value, dict):
        return {k: _mark_decimals(v, [*at, k], places) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_decimals(v, [*at, i], places) for i, v in enumerate(value)]
    return value


def decode_data(blob: bytes) -> Any:
    """The data `encode_data` was given."""
    data, places = json.loads(zlib.decompress(blob).decode("utf-8"))
    for place in places:
        if not place:
            data = Decimal(data)
            continue
        holder = data
        for step in place[:-1]:
            holder = holder[step]
        holder[place[-1]] = Decimal(holder[place[-1]])
    return data


INSERT = ("INSERT OR REPLACE INTO files (path, stat, problems, data, sum, dsum, summary, "
           "moves, msum, review, rsum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_MOVES, _REVIEW = ROW_FIELDS.index("moves"), ROW_FIELDS.index("review")


def row_sum(path: Any, stat: Any, problems: Any, has_data: Any, summary: bytes | None) -> int:
    """A CRC of everything a row vouches for: a row edited, truncated or swapped fails it.

    Not a defence against someone who can write the cache (they can recompute
    it) but against a damaged or hand-edited file: a row that fails is dropped
    and its deal file parsed again, never served. The long `moves` and
    `review` columns are left to sums of their own (`text_sum`), so that the
    reports that do not read them do not fetch or hash them either; the
    summary's other fields are one JSON text (`encode_row`), hashed in one call.
    """
    head = f"{path}\x1f{stat}\x1f{problems}\x1f{1 if has_data else 0}\x1f{summary is None}"
    return zlib.crc32(summary or b"", zlib.crc32(head.encode("utf-8", "surrogatepass")))


def encode_row(row: Row) -> tuple[bytes, str | None, str | None]:
    """(the summary column, moves, review) of a summary row."""
    import orjson

    cells = list(row)
    moves, review = cells[_MOVES], cells[_REVIEW]
    cells[_MOVES] = cells[_REVIEW] = None
    try:
        return orjson.dumps(cells), moves, review
    except orjson.JSONEncodeError:  # a lone surrogate: json writes it escaped, in ASCII
        return json.dumps(cells).encode("ascii"), moves, review


def decode_row(summary: bytes, moves: str | None, review: str | None) -> list[Any]:
    """The row `encode_row` was given (moves and review as read, or None when not)."""
    import orjson

    try:
        cells = orjson.loads(summary)
    except ValueError:  # what orjson refuses (an escaped lone surrogate), json reads
        cells = json.loads(summary)
    if not isinstance(cells, list) or len(cells) != len(ROW_FIELDS):
        raise ValueError("not a summary row")
    cells[_MOVES], cells[_REVIEW] = moves, review
    return cells


def text_sum(path: str, text: str | None) -> int | None:
    """The CRC of one long column, tied to its file's path (a swapped row fails it)."""
    if text is None:
        return None
    return zlib.crc32(f"{path}\x1f{text}".encode("utf-8", "surrogatepass"))


def checked(r: tuple[Any, ...], convert: Callable[[Sequence[Any]], Any], moves: bool = True,
             review: bool = True) -> Cached | None:
    """A row read back as an entry, or None when it fails its checksums or does not convert."""
    path, stat, problems, has_data, total, summary, mtext, msum, rtext, rsum = r
    try:
        if total != row_sum(path, stat, problems, has_data, summary):
            return None
        if moves and msum != text_sum(path, mtext):
            return None
        if review and rsum != text_sum(path, rtext):
            return None
        if problems is not None:
            problems_of((stat, problems))
            return (stat, problems, has_data, None)
        return (stat, problems, has_data, convert(decode_row(summary, mtext, rtext)))
    except Exception:  # a row that passed its sum yet does not decode: parse the file
        return None


def values(entry: Entry) -> tuple[Any, ...]:
    summary: bytes | None = None
    moves = review = None
    if entry.row is not None:
        summary, moves, review = encode_row(entry.row)
    problems = None if entry.problems is None else json.dumps(entry.problems,
                                                              ensure_ascii=False)
    total = row_sum(entry.path, entry.stat, problems, entry.data is not None, summary)
    dsum = None if entry.data is None else zlib.crc32(entry.data)
    return (entry.path, entry.stat, problems, entry.data, total, dsum, summary,
            moves, text_sum(entry.path, moves), review, text_sum(entry.path, review))
