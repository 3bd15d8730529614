"""`import --update`: a CRM export applied to the deals it already created.

A row whose id matches a deal (its `x-...` id key, or the file name) changes
only what changed in the CRM, through the same edits as the daily commands:
the deal's own fields through `set_fields` (so an amount, currency, close date
or procurement step change gets its `{date, field, from, to, by}` history
entry), a new stage or status through one history entry like `advance`,
`lose` or `reopen` write. What salesflow owns — milestones, stakeholders,
needs, next steps, notes, the history itself — is never touched, an empty
cell never removes a value, and no deal is ever deleted.

Pure: the deal as it is, the row as planned, a `Change` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from salesflow.method.edits import set_fields
from salesflow.method.transitions import Change, Context
from salesflow.model.deal import Deal
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.i18n import _
from salesflow.model.process import Process

# Row fields `import --update` never changes: salesflow's own, or changed by events.
NOT_SYNCED = frozenset({"stage", "status", "lost_reason", "notes"})


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _current(deal: Deal, name: str) -> Any:
    if name.startswith("x-"):
        return deal.extensions.get(name)
    return getattr(deal, name, None)


def changed_fields(deal: Deal, row: Deal, fields: Mapping[str, Any]) -> list[str]:
    """The row's fields (set, and synced) whose value differs from the deal's."""
    out = []
    for name in fields:
        if name in NOT_SYNCED:
            continue
        if _current(row, name) != _current(deal, name):
            out.append(name)
    if (row.stage, row.status) != (deal.stage, deal.status):
        out.append("stage/status")
    elif row.status == "lost" and row.lost_reason and row.lost_reason != deal.lost_reason:
        out.append("lost_reason")
    return out


def sync_change(deal: Deal, data: Mapping[str, Any], process: Process, ctx: Context,
                row: Deal, fields: Mapping[str, Any], *, closed: dt.date | None = None,
                stage_date: dt.date | None = None, note: str | None = None) -> Change:
    """The edits that bring `deal` to the row's values; an empty change if none differ."""
    last = deal.history[-1].date if deal.history else ctx.on
    when = Context(ctx.deal_id, max(ctx.on, last), ctx.by)
    assignments = [(name, _text(value)) for name, value in fields.items()
                   if name not in NOT_SYNCED and value is not None
                   and _current(row, name) != _current(deal, name)]
    ops: list[Op] = []
    said: list[str] = []
    moved = row.stage != deal.stage
    turned = row.status != deal.status
    if moved or turned:
        event = closed if row.status in ("won", "lost") and turned else stage_date
        date = max(event, last) if event is not None else when.on
        entry: dict[str, Any] = {"date": date}
        if moved:
            entry.update({"from": deal.stage, "to": row.stage})
        if turned:
            entry["status"] = row.status
        entry["by"] = ctx.by
        if note:
            entry["note"] = note
        if turned and row.status == "lost" and row.lost_reason:
            entry["reason"] = row.lost_reason
        if moved:
            ops.append(Set(("stage",), row.stage))
        if turned:
            ops.append(Set(("status",), row.status))
        if row.status == "lost" and row.lost_reason and row.lost_reason != deal.lost_reason:
            ops.append(Set(("lost_reason",), row.lost_reason))
        elif deal.status == "lost" and row.status != "lost" and "lost_reason" in data:
            ops.append(Delete(("lost_reason",)))  # reopened: the reason stays in the history
        ops.append(Append(("history",), entry))
        said.append(f"{deal.stage}/{deal.status} → {row.stage}/{row.status}")
    elif row.status == "lost" and row.lost_reason and row.lost_reason != deal.lost_reason:
        ops.append(Set(("lost_reason",), row.lost_reason))
        said.append(f"lost_reason {deal.lost_reason or '—'} → {row.lost_reason}")
    if assignments:  # after the move: its entry may be dated earlier, by the CRM's close
        dated = [op.value["date"] for op in ops if isinstance(op, Append)]
        on = max([when.on, *dated])
        change = set_fields(deal, data, process, Context(ctx.deal_id, on, ctx.by), assignments)
        ops.extend(change.ops)
        said.insert(0, change.summary.split(": ", 1)[-1])
    if not ops:
        return Change((), _("{deal_id}: unchanged").format(deal_id=ctx.deal_id))
    return Change(tuple(ops), f"{ctx.deal_id}: " + "; ".join(said))
