"""The text of a new deal file, as `salesflow new` and `salesflow import` write it.

One `key: value` line per set field in the usual order, then a `history:`
with the deal's first entry. Values go through `yamlio.scalar`, so every YAML
reader reads them back as exactly the values given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from salesflow.files.yamlio import scalar


def deal_text(fields: dict[str, Any], today: dt.date, author: str, *,
              note: str | None = None) -> str:
    """The text of a new deal file: set fields in the given order, then history."""
    lines = [f"{key}: {scalar(value)}" for key, value in fields.items() if value is not None]
    lines.append("history:")
    extra = f", note: {scalar(note, flow=True)}" if note else ""
    lines.append(f"  - {{date: {today.isoformat()}, to: {fields['stage']}, "
                 f"by: {scalar(author, flow=True)}{extra}}}")
    return "\n".join(lines) + "\n"
