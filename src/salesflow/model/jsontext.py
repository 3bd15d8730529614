"""The short JSON texts salesflow keeps in its cache, written and read back fast.

A warm report decodes one or two short JSON texts per deal (a deal's review
facts, its moves): tens of thousands of calls, in which `json.loads`'s Python
layers cost more than the parse itself. orjson reads each in one C call. A
text orjson refuses but json reads (a lone surrogate, NaN, an integer past 64
bits: all possible from a hostile deal file) is read by json, and so is a
text with a run of 19 digits or more, which orjson would read as a float
where json reads an int: the value is always what `json.loads` gives.

Cold, every deal file gives two such texts (its moves, its review facts)
and a few more inside them: `dumps` writes them with orjson, byte for byte
what `json.dumps` writes compactly, and leaves to json whatever orjson will
not write.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG = re.compile(r"\d{19}").search  # an integer that may not fit in 64 bits


def loads_flags(text: str) -> Any:
    """`json.loads(text)` of a text whose only numbers are 0s and 1s, in one C call.

    The cache's moves and review facts are such texts (`summary._moves_text`,
    `review_facts.facts_text`: dates, codes, names and flags): no number in
    them can be read as a float, so the digit runs need no search, which
    would cost more than the parse.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def loads(text: str) -> Any:
    """`json.loads(text)`, in one C call when orjson reads it the same."""
    if _LONG(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _refuse(value: Any) -> Any:
    raise TypeError  # not a JSON type: json.dumps says what it says of it


def dumps(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"))`, in one C call.

    For values made of None, booleans, integers, texts, lists and dicts with
    text keys (floats are written differently by the two: none are given).
    """
    try:
        return orjson.dumps(value, default=_refuse).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
