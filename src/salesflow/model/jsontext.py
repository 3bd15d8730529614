"""JSON texts that salesflow wrote into its cache, read back fast.

A warm report decodes one or two short JSON texts per deal (a deal's review
facts, its moves): tens of thousands of calls, in which `json.loads`'s Python
layers cost more than the parse itself. orjson reads each in one C call. A
text orjson refuses but json reads (a lone surrogate, NaN, an integer past 64
bits: all possible from a hostile deal file) is read by json, and so is a
text with a run of 19 digits or more, which orjson would read as a float
where json reads an int: the value is always what `json.loads` gives.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson


_LONG = re.compile(r"\d{19}").search  # an integer that may not fit in 64 bits


def loads(text: str) -> Any:
    """`json.loads(text)`, in one C call when orjson reads it the same."""
    if _LONG(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)
