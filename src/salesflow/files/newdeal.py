"""The text of a new deal file, as `salesflow new` and `salesflow import` write it.

One `key: value` line per set field in the usual order, then a `history:`
with the deal's first entry. Values go through `yamlio.scalar`, so every YAML
reader reads them back as exactly the values given.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from salesflow.files.yamlio import scalar


def deal_text(fields: dict[str, Any], today: dt.date, author: str, *,
              note: str | None = None) -> str:
    """The text of a new deal file: set fields in the given order, then history."""
    entry: dict[str, Any] = {"date": today, "to": fields["stage"], "by": author}
    if note:
        entry["note"] = note
    return deal_text_with_history(fields, [entry])


def deal_text_with_history(fields: dict[str, Any], entries: list[dict[str, Any]]) -> str:
    """The text of a new deal file whose history is `entries` (one flow mapping each)."""
    lines = [f"{key}: {_any_scalar(value, False)}" for key, value in fields.items()
             if value is not None]
    lines.append("history:")
    for entry in entries:
        inner = ", ".join(f"{key}: {_any_scalar(value, True)}" for key, value in entry.items())
        lines.append(f"  - {{{inner}}}")
    return "\n".join(lines) + "\n"



@functools.lru_cache(maxsize=1 << 14, typed=True)
def _scalar(value: Any, flow: bool) -> str:
    """`scalar`, remembered: an import writes the same owners, stages and dates many times."""
    return scalar(value, flow=flow)


def _any_scalar(value: Any, flow: bool) -> str:
    try:
        return _scalar(value, flow)
    except TypeError:  # a list or mapping: not hashable, not worth remembering
        return scalar(value, flow=flow)
