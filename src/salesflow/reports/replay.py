"""History replay: each deal's stage and status on a past date, from its `history`.

A deal's history is the audit log salesflow appends to, oldest first:

- creation            ``{date, to: G, by}``
- a stage move        ``{date, from, to, by, note?, reason?}`` (backwards too)
- a status change     ``{date, status: lost|hold|open, by, reason?}``
- winning             ``{date, from: A, to: S, status: won, by}``
- a field change      ``{date, field: amount, from: 1250000, to: 1400000, by}``
- an activity         ``{date, activity: call, text, with, by}`` (replays nothing)

Replaying as of a date applies the entries dated on or before it. A deal
whose first entry is later did not exist yet and is left out; a deal without
history (or whose history does not start with the stage it entered) cannot
be replayed and is named, never guessed. The stage, the status, the history
and the fields `salesflow set` records (amount, currency, expected_close,
procurement_step) are rebuilt: a field's value on a date is the `from:` of
its first change after that date, else the file's. A field whose recorded
changes do not end at the file's value was edited by hand since; it is
replayed as recorded up to its last change and as the file says after, and
the deal is named (`fields_as_today`). Owners, names and people are the file's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesflow.model.summary import REPLAYED_FIELDS

if TYPE_CHECKING:
    from salesflow.model.deal import Deal, DealFile, HistoryEntry, Status
    from salesflow.model.process import Process
    from salesflow.model.summary import Move, ProcessSummary


@dataclass(frozen=True)
class State:
    """Where a deal stands: a stage code and a status."""

    stage: str
    status: Status


def step(state: State | None, entry: HistoryEntry | Move,
         process: Process | ProcessSummary) -> State | None:
    """The state after one history entry (None: the deal has not entered a stage yet)."""
    won = process.won.code
    if entry.kind in ("field", "activity"):
        return state  # an amount changed or a call was made: the deal did not move
    to = entry.to_stage
    if state is None:
        if to is None:
            return None
        return State(to, entry.status or ("won" if to == won else "open"))
    stage = to or state.stage
    status: Status
    if entry.status is not None:
        status = entry.status
    elif to is not None and to == won:
        status = "won"
    elif to is not None and state.status == "won":
        status = "open"  # moved back out of the won stage
    else:
        status = state.status  # a move while on hold stays on hold
    return State(stage, status)




class Stepper:
    """`step` remembered across the deals of one report.

    The next state depends only on the state and the entry's kind, target
    stage and status; tens of thousands of deals make the same few moves, so
    one report asks `step` a few dozen times and looks the rest up (building
    a State per history entry was a fifth of a warm `trend`).
    """

    def __init__(self, process: Process | ProcessSummary) -> None:
        self.process = process
        self._known: dict[tuple[str | None, str | None, str, str | None, str | None],
                          State | None] = {}

    def __call__(self, state: State | None, entry: HistoryEntry | Move) -> State | None:
        key = ((None, None, entry.kind, entry.to_stage, entry.status) if state is None
               else (state.stage, state.status, entry.kind, entry.to_stage, entry.status))
        known = self._known
        if key in known:
            return known[key]
        new = known[key] = step(state, entry, self.process)
        return new


def fields_on(deal: Deal, as_of: dt.date) -> dict[str, Any]:
    """The recorded fields whose value at the end of `as_of` differs from the file's.

    For each field, the value before its first change dated after `as_of`;
    fields without a later change are the file's and are not returned.
    """
    values: dict[str, Any] = {}
    for entry in deal.history:
        name = entry.field
        if name in REPLAYED_FIELDS and entry.date > as_of and name not in values:
            values[name] = entry.from_
    return values


def fields_as_of(deal: Deal, as_of: dt.date) -> Deal:
    """The deal with its recorded fields (amount, close date, ...) as they were on `as_of`."""
    values = fields_on(deal, as_of)
    return deal.model_copy(update=values) if values else deal


def fields_untracked(deal: Deal) -> tuple[str, ...]:
    """The recorded fields whose last change does not end at the file's value."""
    last: dict[str, Any] = {}
    for entry in deal.history:
        if entry.field in REPLAYED_FIELDS:
            last[entry.field] = entry.to
    return tuple(name for name, value in last.items() if value != getattr(deal, name))


def replayable(deal: Deal) -> bool:
    """True when the history can say where the deal stood: it starts in a stage."""
    return bool(deal.history) and deal.history[0].to_stage is not None


def state_on(deal: Deal, process: Process, as_of: dt.date) -> State | None:
    """The deal's state at the end of `as_of`; None before its first entry."""
    state: State | None = None
    for entry in deal.history:
        if entry.date > as_of:
            break
        state = step(state, entry, process)
    return state


def won_on(deal: Deal, process: Process) -> dt.date | None:
    """The date the deal was won (the entry that made it won), if its history ends won."""
    return ending(deal, process)[0]


def ending(deal: Deal, process: Process) -> tuple[dt.date | None, str | None]:
    """`won_on`, and where the whole history's replay ends against the file.

    The second is one of `summary.ENDS_*` (None: in no stage), so that the
    reports that ask it of every deal (`changes`, `trend`) need not replay
    the history of a deal that has not moved in their window.
    """
    from salesflow.model.summary import ENDS_ELSEWHERE, ENDS_FILE, ENDS_UNTRACKED

    state: State | None = None
    when: dt.date | None = None
    for entry in deal.history:
        before = state.status if state else None
        state = step(state, entry, process)
        if state is not None and state.status == "won" and before != "won":
            when = entry.date
    won = when if state is not None and state.status == "won" else None
    if state is None:
        return won, None
    if (state.stage, state.status) != (deal.stage, deal.status):
        return won, ENDS_ELSEWHERE
    return won, ENDS_UNTRACKED if fields_untracked(deal) else ENDS_FILE


@dataclass(frozen=True)
class Replay:
    """The deals as they stood on `as_of`, and the ones history could not place."""

    as_of: dt.date
    deals: tuple[DealFile, ...]
    no_history: tuple[str, ...] = ()
    created_later: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()  # history ends elsewhere than the file says
    fields_as_today: tuple[str, ...] = ()  # a recorded field was edited by hand since

    def only(self, ids: set[str]) -> Replay:
        """The same replay, naming only the deals in `ids` (a report's cut)."""
        def keep(found: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(i for i in found if i in ids)

        return Replay(self.as_of, tuple(d for d in self.deals if d.id in ids),
                      keep(self.no_history), keep(self.created_later), keep(self.disagree),
                      keep(self.fields_as_today))


def disagrees(deal: Deal, process: Process) -> bool:
    """True when replaying the whole history does not give the file's stage and status."""
    final = state_on(deal, process, dt.date.max)
    return final is not None and final != State(deal.stage, deal.status)


def replay(process: Process, deals: Iterable[DealFile], as_of: dt.date) -> Replay:
    """Each deal with the stage, status and history it had at the end of `as_of`."""
    from salesflow.model.deal import DealFile

    kept: list[DealFile] = []
    no_history: list[str] = []
    later: list[str] = []
    disagree: list[str] = []
    as_today: list[str] = []
    for item in deals:
        deal = item.deal
        if not replayable(deal):
            no_history.append(item.id)
            continue
        if disagrees(deal, process):
            disagree.append(item.id)
        if fields_untracked(deal):
            as_today.append(item.id)
        state = state_on(deal, process, as_of)
        if state is None:
            later.append(item.id)
            continue
        history = [h for h in deal.history if h.date <= as_of]
        then = deal.model_copy(update={"stage": state.stage, "status": state.status,
                                       "history": history, **fields_on(deal, as_of)})
        kept.append(DealFile(item.id, item.path, then))
    return Replay(as_of, tuple(kept), tuple(no_history), tuple(later), tuple(disagree),
                  tuple(as_today))
