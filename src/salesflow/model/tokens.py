"""A deal's history as short tokens: what each entry may change, and which entry it is.

`changes` inside git asks of a deal whose file changed since a commit whether
its history now begins with the history of the commit's file (or was
rewritten by hand), and what the entries added since may change
(`reports.seen`). Tokens answer both without either file's whole deal, so
they can be cached beside a summary (`files.contents`):

- two entries have the same token exactly when they are equal as the models
  compare them (every field, the team's `x-` keys included, values as Python
  compares them: `50000` and `50000.0` are one amount, `true` and `1` one
  value), because the digest is taken of a canonical form of those values;
- the part before the colon is the fact the entry may change: "stage" for a
  move or a status change, a recorded field's name (an amount for a
  currency), nothing for an activity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.model.jsontext import dumps

if TYPE_CHECKING:
    from salesflow.model.deal import Deal, HistoryEntry


def history_tokens(deal: Deal) -> tuple[str, ...]:
    """The token of each history entry of `deal`, in order."""
    return tuple(entry_token(entry) for entry in deal.history)


def entry_token(entry: HistoryEntry) -> str:
    """`touch:digest` of one entry (see the module)."""
    kind = entry.kind
    if kind in ("move", "status"):
        touch = "stage"
    elif kind == "field":
        touch = "amount" if entry.field == "currency" else str(entry.field)
    else:
        touch = ""
    fields = {name: _canonical(getattr(entry, name)) for name in type(entry).model_fields}
    text = dumps(["entry", fields])
    return f"{touch}:{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}"


def touched(tokens: Sequence[str]) -> set[str]:
    """The facts a run of entries may change, from their tokens."""
    found: set[str] = set()
    for token in tokens:
        touch = token.partition(":")[0]
        if touch == "stage":  # a move or a status change
            found |= {"stage", "status"}
        elif touch:
            found.add(touch)
    return found


def _canonical(value: Any) -> Any:
    """A JSON form of `value` that two values share exactly when they are equal.

    Each value is tagged with its kind, so that no text can pass for a number
    or a list; numbers (booleans, integers, decimals) are equal across types
    in Python, so all are written as their normalized decimal.
    """
    if value is None:
        return ["z"]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, bool | int | Decimal):
        number = Decimal(value)
        return ["n", "0" if number.is_finite() and number == 0 else str(number.normalize())]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, list | tuple):
        return ["l", [_canonical(v) for v in value]]
    if isinstance(value, dict):
        return ["m", sorted([str(k), _canonical(v)] for k, v in value.items())]
    return ["r", repr(value)]  # no other kind comes from a file: said as it is
