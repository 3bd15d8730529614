"""History replay: each deal's stage and status on a past date, from its `history`.

A deal's history is the audit log salesflow appends to, oldest first:

- creation            ``{date, to: G, by}``
- a stage move        ``{date, from, to, by, note?, reason?}`` (backwards too)
- a status change     ``{date, status: lost|hold|open, by, reason?}``
- winning             ``{date, from: A, to: S, status: won, by}``

Replaying as of a date applies the entries dated on or before it. A deal
whose first entry is later did not exist yet and is left out; a deal without
history (or whose history does not start with the stage it entered) cannot
be replayed and is named, never guessed. Only the stage, the status and the
history itself are rebuilt: amounts, owners and dates are the file's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.model.deal import Deal, DealFile, HistoryEntry, Status
    from salesflow.model.process import Process


@dataclass(frozen=True)
class State:
    """Where a deal stands: a stage code and a status."""

    stage: str
    status: Status


def step(state: State | None, entry: HistoryEntry, process: Process) -> State | None:
    """The state after one history entry (None: the deal has not entered a stage yet)."""
    won = process.won.code
    if state is None:
        if entry.to is None:
            return None
        return State(entry.to, entry.status or ("won" if entry.to == won else "open"))
    stage = entry.to or state.stage
    status: Status
    if entry.status is not None:
        status = entry.status
    elif entry.to is not None and entry.to == won:
        status = "won"
    elif entry.to is not None and state.status == "won":
        status = "open"  # moved back out of the won stage
    else:
        status = state.status  # a move while on hold stays on hold
    return State(stage, status)


def replayable(deal: Deal) -> bool:
    """True when the history can say where the deal stood: it starts in a stage."""
    return bool(deal.history) and deal.history[0].to is not None


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
    state: State | None = None
    when: dt.date | None = None
    for entry in deal.history:
        before = state.status if state else None
        state = step(state, entry, process)
        if state is not None and state.status == "won" and before != "won":
            when = entry.date
    return when if state is not None and state.status == "won" else None


@dataclass(frozen=True)
class Replay:
    """The deals as they stood on `as_of`, and the ones history could not place."""

    as_of: dt.date
    deals: tuple[DealFile, ...]
    no_history: tuple[str, ...] = ()
    created_later: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()  # history ends elsewhere than the file says


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
    for item in deals:
        deal = item.deal
        if not replayable(deal):
            no_history.append(item.id)
            continue
        if disagrees(deal, process):
            disagree.append(item.id)
        state = state_on(deal, process, as_of)
        if state is None:
            later.append(item.id)
            continue
        history = [h for h in deal.history if h.date <= as_of]
        then = deal.model_copy(update={"stage": state.stage, "status": state.status,
                                       "history": history})
        kept.append(DealFile(item.id, item.path, then))
    return Replay(as_of, tuple(kept), tuple(no_history), tuple(later), tuple(disagree))
