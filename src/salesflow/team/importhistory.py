"""The history an imported deal gets: the events the CRM knows, in order.

A CRM export says when a deal was created, when it closed (won or lost) and
sometimes when it entered its current stage. Those dates become history
entries, so that `stats` (win rate, lost count, cycle time) and `funnel
--as-of` read an imported pipeline as they read one kept in salesflow:

- open or on hold: `{created, to: STAGE}`; with a later stage date,
  `{created, to: FIRST}` then `{stage_date, from: FIRST, to: STAGE}`;
  a deal on hold then gets `{.., status: hold}`;
- won: `{created, to: FIRST}` then `{closed, from: FIRST, to: WON, status: won}`
  (one entry `{closed, to: WON}` when the creation date is unknown);
- lost: the entries of an open deal, then `{closed, status: lost, reason}`;
  lost in a later stage with no stage date: `{created, to: FIRST}` then
  `{closed, from: FIRST, to: STAGE, status: lost, reason}`, the same path a
  won deal gets, so stage figures count won and lost deals alike.

A won or lost deal without a close date is dated by the import date (the
command says how many); a close date before the creation date is a problem
of the row, never a silently reordered history.

Pure: dates in, entries (plain dicts in file key order) out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from salesflow.model.i18n import _
from salesflow.model.process import Process


class HistoryProblem(Exception):
    """The row's dates cannot make an ordered history; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Events:
    """The dates a row gives (None: the file says nothing)."""

    created: dt.date | None = None
    closed: dt.date | None = None
    stage_date: dt.date | None = None


def build_history(stage: str, status: str, events: Events, process: Process, *,
                  today: dt.date, author: str, note: str | None = None,
                  lost_reason: str | None = None) -> tuple[list[dict[str, Any]], bool]:
    """The entries for a deal in `stage` with `status`; True if a close was dated `today`."""
    first = process.first.code
    won = process.won.code
    created, closed, entered = events.created, events.closed, events.stage_date
    if created is not None and closed is not None and closed < created:
        raise HistoryProblem("closed", _("the close date {closed} is before the "
                                         "creation date {created}").format(
                                           closed=closed, created=created))
    if created is not None and entered is not None and entered < created:
        raise HistoryProblem("stage_date", _("the stage date {entered} is before the "
                                             "creation date {created}").format(
                                               entered=entered, created=created))
    entries: list[dict[str, Any]] = []

    def add(date: dt.date, *, from_: str | None = None, to: str | None = None,
            status: str | None = None, reason: str | None = None) -> None:
        fields = {"date": date, "from": from_, "to": to, "status": status, "by": author,
                  "note": note if not entries else None, "reason": reason}
        entries.append({k: v for k, v in fields.items() if v is not None})

    undated = False
    if status == "won" and stage == won:
        when = closed or entered
        if when is None:
            when, undated = max(today, created or today), True
        start = created if created is not None else when
        if start < when:
            add(start, to=first)
            add(when, from_=first, to=won, status="won")
        else:
            add(when, to=won)
        return entries, undated

    start = created or entered or (closed if status == "lost" else None) or today
    if entered is not None and entered > start and stage != first:
        add(start, to=first)
        add(entered, from_=first, to=stage)
    elif status == "lost" and closed is not None and start < closed and stage != first:
        # lost from a later stage, date of reaching it unknown: in the first stage until the
        # loss, like a won deal until its win, so both count from the same stage
        add(start, to=first)
        add(closed, from_=first, to=stage, status="lost", reason=lost_reason)
        return entries, False
    else:
        add(start, to=stage)
    last = entries[-1]["date"]
    if status == "lost":
        when = closed
        if when is None:
            when, undated = max(today, last), True
        elif when < last:
            raise HistoryProblem("closed", _("the close date {when} is before the stage "
                                             "date {last}").format(when=when, last=last))
        add(when, status="lost", reason=lost_reason)
    elif status == "hold":
        add(last, status="hold")
    elif status == "won":  # won outside the won stage: the checks refuse it with a fix
        add(closed or last, status="won")
    return entries, undated
