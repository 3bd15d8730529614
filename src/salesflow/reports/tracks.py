"""A deal's history as the trend and the changes replay it: small, from either source.

Replaying a history needs only its moves, its status changes and the changes
of the four recorded fields (amount, currency, close date, procurement step),
in the history's order. A `Track` holds exactly those beside the top-level
fields, made from a whole Deal (`track_of_deal`) or from the cache's summary
(`track_of_summary`, which decodes the summary's `moves` column), so that a
warm `trend` or `changes` over fifty thousand deals never rebuilds a Deal, and
both sources go through the one replay below and cannot disagree.

`states` folds the history once; each question (where did the deal stand at
the end of a day, was it won in a period, what was its amount then) is then
answered from that fold, not by replaying the history again per period.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from salesflow.model.summary import DealSummary, decode_moves, field_changes_of, moves_of
from salesflow.reports.replay import State, Stepper

if TYPE_CHECKING:
    from salesflow.model.deal import DealFile
    from salesflow.model.facts import ProcessFacts
    from salesflow.model.process import Process
    from salesflow.model.summary import FieldChange, Move, ProcessSummary, SummaryFile


class Track(NamedTuple):
    """A deal's top-level fields and what its history replays (see the module)."""

    id: str
    path: str
    name: str | None
    customer: str
    owner: str | None
    segment: str | None
    product_line: str | None
    stage: str
    status: str
    amount: Decimal | None
    currency: str | None
    expected_close: dt.date | None
    procurement_step: str | None
    replayable: bool  # the history starts in a stage (`replay.replayable`)
    moves: tuple[Move, ...]
    fields: tuple[FieldChange, ...]


def track_of_deal(item: DealFile) -> Track:
    d = item.deal
    replayable, moves = moves_of(d)
    return Track(item.id, item.path, d.name, d.customer, d.owner, d.segment, d.product_line,
                 d.stage, d.status, d.amount, d.currency, d.expected_close,
                 d.procurement_step, replayable, moves, field_changes_of(d))


def track_of_summary(item: SummaryFile) -> Track:
    """The track of a summary kept with its `moves` column (`overview(facts="moves")`)."""
    d = item.deal
    replayable, moves, fields = decode_moves(d.moves)
    return Track(item.id, item.path, d.name, d.customer, d.owner, d.segment, d.product_line,
                 d.stage, d.status, d.amount, d.currency, d.expected_close,
                 d.procurement_step, replayable, moves, fields)


def quiet_since(deal: Any, day: dt.date, ends: tuple[str, ...]) -> TypeGuard[DealSummary]:
    """A summary with no history entry dated after `day`, whose replay ends as `ends` allow.

    Such a deal stood at the end of `day` as its file stands now: `changes` and
    `trend` count it from its summary alone, without decoding its history
    (`summary.ENDS_*` says where the replay ends; `changed` is the last entry's
    date, a valid history being oldest first).
    """
    return (isinstance(deal, DealSummary) and deal.ends in ends
            and deal.changed is not None and deal.changed <= day)


def track_of(item: Any) -> Track:
    """The track of a DealFile or of a SummaryFile."""
    return track_of_summary(item) if isinstance(item.deal, DealSummary) else track_of_deal(item)


class Fold(NamedTuple):
    """A track's history folded once: the state after each move, and its date."""

    dates: tuple[dt.date, ...]  # of each move, oldest first
    states: tuple[State | None, ...]  # after each move


def fold(track: Track, process: Process | ProcessSummary, steps: Stepper | None = None,
         ) -> Fold:
    """The track's moves replayed once; `steps` shares the replay across one report's deals."""
    if steps is None:
        steps = Stepper(process)
    states: list[State | None] = []
    state: State | None = None
    for move in track.moves:
        state = steps(state, move)
        states.append(state)
    return Fold(tuple(m.date for m in track.moves), tuple(states))


def applied(f: Fold, as_of: dt.date) -> int:
    """How many moves a replay to the end of `as_of` applies.

    A replay stops at the first entry dated after the day (`replay.state_on`);
    a valid deal's history is oldest first (`checks.history_in_order`), so that
    is the number of moves dated on or before it.
    """
    return bisect.bisect_right(f.dates, as_of)


def state_at(f: Fold, as_of: dt.date) -> State | None:
    n = applied(f, as_of)
    return f.states[n - 1] if n else None


def final(f: Fold) -> State | None:
    return f.states[-1] if f.states else None


def fields_at(track: Track, as_of: dt.date) -> dict[str, Any]:
    """The recorded fields whose value at the end of `as_of` differs from the file's.

    As `replay.fields_on`: each field's `from` of its first change dated after the day.
    """
    values: dict[str, Any] = {}
    for change in track.fields:
        if change.date > as_of and change.field not in values:
            values[change.field] = change.from_
    return values


def untracked(track: Track) -> bool:
    """As `replay.fields_untracked`: a recorded field's last change is not the file's value."""
    last: dict[str, Any] = {}
    for change in track.fields:
        last[change.field] = change.to
    return any(value != getattr(track, name) for name, value in last.items())


def disagrees(track: Track, f: Fold) -> bool:
    """As `replay.disagrees`: the whole history ends elsewhere than the file."""
    end = final(f)
    return end is not None and (end.stage, end.status) != (track.stage, track.status)


def closings(f: Fold) -> tuple[tuple[int, dt.date, str], ...]:
    """(move index, date, "won" or "lost") of each move that made the deal won or lost.

    As `trend.closed_in` counted them: a move whose status differs from the one
    before it (none before the first) and is won or lost.
    """
    found: list[tuple[int, dt.date, str]] = []
    before: str | None = None
    for i, state in enumerate(f.states):
        status = state.status if state is not None else None
        if state is not None and status != before and status in ("won", "lost"):
            found.append((i, f.dates[i], status))
        before = status
    return tuple(found)


def closed_between(closed: tuple[tuple[int, dt.date, str], ...], start: dt.date,
                   stop: int) -> tuple[bool, bool]:
    """(won, lost): did one of the first `stop` moves, dated from `start` on, make it so?"""
    won = lost = False
    for i, day, status in closed:
        if i < stop and day >= start:
            if status == "won":
                won = True
            else:
                lost = True
    return won, lost


def amount_at(track: Track, values: dict[str, Any], process: ProcessFacts) -> Decimal | None:
    """The amount in the report currency with the fields as they were (`fields_at`)."""
    from salesflow.model.money import in_report_currency

    amount = values.get("amount", track.amount)
    if amount is None:
        return None
    currency = values.get("currency", track.currency)
    return in_report_currency(amount, currency, process)


def tracks(items: Sequence[Any]) -> list[Track]:
    return [track_of(i) for i in items]
