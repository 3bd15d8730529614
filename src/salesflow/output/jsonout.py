"""`--format json`: the standard library's bytes, written fast and without a second copy.

Every command's JSON is what `json.dumps(value, ensure_ascii=False, indent=2)`
writes. orjson writes the same bytes ten times faster; anything it will not
take (an integer past 64 bits, a key that is not text, a lone surrogate) goes
to `json.dumps`, so the output never depends on which encoder wrote it
(tests/test_render_json.py).

A report's long lists (the deals of `changes`: fifty thousand of them) can be
handed over as `Lazy`: each item is made and encoded in turn and spliced into
the document at its place and indentation, so the whole tree of dicts is never
held at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if isinstance(value, Lazy):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Lazy:
    """A JSON list whose items are made one at a time: `make(x)` for each x of `source`."""

    def __init__(self, source: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self.source = source  # a sequence, so a fallback can walk it again
        self.make = make

    def __iter__(self) -> Iterator[Any]:
        return map(self.make, self.source)


def dumps(value: Any) -> str:
    """JSON as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, only faster."""
    chunks = dump_chunks(value)
    if chunks is None:
        return json.dumps(value, ensure_ascii=False, indent=2, default=_default)
    return b"".join(chunks).decode("utf-8")


def dump_chunks(value: Any) -> list[bytes] | None:
    """`dumps(value)` as UTF-8 pieces, in order; None when orjson refuses part of it.

    Nothing is written here: a refusal half-way leaves nothing half-written.
    """
    import secrets

    import orjson

    options = (orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME
               | orjson.OPT_PASSTHROUGH_DATACLASS)  # dates and dataclasses: as json.dumps
    token = secrets.token_hex(8)  # no text of the data can pass for a place-holder
    lazies: list[Lazy] = []

    def hold(item: Any) -> Any:
        if isinstance(item, Lazy):
            lazies.append(item)
            return f"\x00{token}:{len(lazies) - 1}"
        return _default(item)

    try:
        whole = orjson.dumps(value, default=hold, option=options)
    except orjson.JSONEncodeError:
        return None
    if not lazies:
        return [whole]
    out: list[bytes] = []
    start = 0
    for n, lazy in enumerate(lazies):
        mark = f'"\\u0000{token}:{n}"'.encode()
        at = whole.index(mark, start)
        line = whole[whole.rfind(b"\n", 0, at) + 1:at]  # the key's line, up to the list
        pad = len(line) - len(line.lstrip(b" "))
        out.append(whole[start:at])
        try:
            out.extend(_items(lazy, pad, options))
        except orjson.JSONEncodeError:
            return None
        start = at + len(mark)
    out.append(whole[start:])
    return out


def _items(lazy: Iterable[Any], pad: int, options: int) -> Iterator[bytes]:
    """A list's items as json.dumps indents them under a line indented by `pad` spaces."""
    import orjson

    inner = b"\n" + b" " * (pad + 2)
    first = True
    for item in lazy:
        text = orjson.dumps(item, default=_default, option=options)
        yield (b"[" if first else b",") + inner + text.replace(b"\n", inner)
        first = False
    yield b"[]" if first else b"\n" + b" " * pad + b"]"
