"""The trend: is the pipeline growing or shrinking, week by week or month by month?

Each period ends on a day (a Sunday for ISO weeks, a month's last day; the
current period ends on the report's day) and the pipeline is replayed from
history as of that day (`reports.replay`), exactly as `funnel --as-of` would
show it: the open deals, their amount and their weighted amount. Won and
lost count what happened during the period: the history entries dated in it
that made a deal won or lost, valued at the deal's amount as of the period's
end.

Deals whose history cannot be replayed are named, never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from salesflow.model.money import deal_amount, weighted
from salesflow.model.summary import ENDS_FILE, ENDS_UNTRACKED
from salesflow.reports.replay import Stepper
from salesflow.reports.tracks import (
    amount_at,
    applied,
    closed_between,
    closings,
    disagrees,
    fields_at,
    final,
    fold,
    quiet_since,
    track_of,
)

if TYPE_CHECKING:
    from salesflow.model.facts import DealItem
    from salesflow.model.process import Process
    from salesflow.model.summary import ProcessSummary

Every = Literal["week", "month"]
EVERIES: tuple[str, ...] = ("week", "month")


def start_of(day: dt.date, every: Every) -> dt.date:
    """The first day of the period holding `day` (weeks start on Monday, as ISO's)."""
    if every == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def previous_start(start: dt.date, every: Every) -> dt.date:
    if every == "week":
        return start - dt.timedelta(days=7)
    return (start - dt.timedelta(days=1)).replace(day=1)


def end_of(start: dt.date, every: Every) -> dt.date:
    if every == "week":
        return start + dt.timedelta(days=6)
    index = start.year * 12 + start.month  # the next month, zero-based
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


def label_of(start: dt.date, every: Every) -> str:
    """'2026-W48' for a week, '2026-11' for a month."""
    if every == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def periods(until: dt.date, every: Every, last: int) -> list[tuple[dt.date, dt.date]]:
    """The `last` periods up to the one holding `until`, oldest first; it ends on `until`."""
    starts = [start_of(until, every)]
    while len(starts) < last:
        starts.append(previous_start(starts[-1], every))
    starts.reverse()
    return [(s, min(end_of(s, every), until)) for s in starts]


@dataclass(frozen=True)
class TrendRow:
    label: str
    start: dt.date
    end: dt.date
    open_count: int
    open_amount: Decimal
    weighted: Decimal
    won_count: int
    won: Decimal
    lost_count: int
    lost: Decimal
    without_amount: tuple[str, ...] = ()  # open, won or lost here, but no amount


@dataclass(frozen=True)
class Trend:
    currency: str
    every: Every
    rows: tuple[TrendRow, ...]
    no_history: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()  # history ends elsewhere than the file (hand edits)


@dataclass
class _Sums:
    """One period's running totals while the deals are read."""

    open_count: int = 0
    open_amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    won_count: int = 0
    won: Decimal = Decimal(0)
    lost_count: int = 0
    lost: Decimal = Decimal(0)


def trend(process: Process | ProcessSummary, deals: Sequence[DealItem], *, until: dt.date,
          every: Every = "week", last: int = 8) -> Trend:
    """The pipeline at the end of each of the `last` periods up to `until`.

    `deals` are DealFiles or SummaryFiles kept with their `moves` column: each
    becomes a `tracks.Track` and its history is folded once, whatever the
    number of periods.
    """
    spans = periods(until, every, last)
    starts = [start for start, _ in spans]
    counts = [_Sums() for _ in spans]
    # A deal that did not change after a period began stands the same at the
    # end of that period and of every later one: its share is added once, to
    # `settled[k]`, and carried into the later periods at the end.
    settled = [_Sums() for _ in spans]
    missing: list[list[str]] = [[] for _ in spans]
    no_history: list[str] = []
    disagree: list[str] = []
    steps = Stepper(process)
    before = starts[0] - dt.timedelta(days=1)  # no entry in any period: the same in each
    for item in deals:
        d = item.deal
        if quiet_since(d, before, (ENDS_FILE, ENDS_UNTRACKED)) and d.replayable:
            # untouched since before the first period, its history ending at its
            # file: the same in every period, counted without decoding its history
            if d.status == "open":
                _open_from(0, settled, missing, item.id, deal_amount(d, process), d.stage,
                           process)
            continue
        track = track_of(item)
        if not track.replayable:
            no_history.append(track.id)
            continue
        f = fold(track, process, steps)
        if disagrees(track, f):
            disagree.append(track.id)
        closed = closings(f)
        as_filed = amount_at(track, {}, process)
        last_change = max((c.date for c in track.fields), default=None)
        last_day = max(f.dates[-1] if f.dates else dt.date.min, last_change or dt.date.min)
        calm = bisect.bisect_right(starts, last_day)  # periods begun after the last change
        for k in range(calm):
            start, end = spans[k]
            stop = applied(f, end)
            state = f.states[stop - 1] if stop else None
            if state is None:
                continue  # not created yet at the end of the period
            value = (as_filed if last_change is None or last_change <= end
                     else amount_at(track, fields_at(track, end), process))
            row = counts[k]
            if state.status == "open":
                row.open_count += 1
                if value is None:
                    missing[k].append(track.id)
                else:
                    row.open_amount += value
                    row.weighted += weighted(value, process.stage(state.stage).probability)
            if not closed:
                continue
            was_won, was_lost = closed_between(closed, start, stop)
            if (was_won or was_lost) and value is None and track.id not in missing[k]:
                missing[k].append(track.id)
            if was_won:
                row.won_count += 1
                row.won += value or Decimal(0)
            if was_lost:
                row.lost_count += 1
                row.lost += value or Decimal(0)
        end_state = final(f)
        if calm < len(spans) and end_state is not None and end_state.status == "open":
            _open_from(calm, settled, missing, track.id, as_filed, end_state.stage, process)
    carry = _Sums()
    for k, row in enumerate(counts):
        carry.open_count += settled[k].open_count
        carry.open_amount += settled[k].open_amount
        carry.weighted += settled[k].weighted
        row.open_count += carry.open_count
        row.open_amount += carry.open_amount
        row.weighted += carry.weighted
    rows = tuple(TrendRow(label_of(start, every), start, end, c.open_count, c.open_amount,
                          c.weighted, c.won_count, c.won, c.lost_count, c.lost,
                          tuple(missing[k]))
                 for k, ((start, end), c) in enumerate(zip(spans, counts, strict=True)))
    return Trend(process.currency, every, rows, tuple(no_history), tuple(disagree))


def _open_from(k: int, settled: list[_Sums], missing: list[list[str]], deal_id: str,
               value: Decimal | None, stage: str, process: Process | ProcessSummary) -> None:
    """Count a deal open and unchanged from period `k` on (carried forward by `trend`)."""
    row = settled[k]
    row.open_count += 1
    if value is None:
        for later in missing[k:]:
            later.append(deal_id)
    else:
        row.open_amount += value
        row.weighted += weighted(value, process.stage(stage).probability)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal]) -> str:
    """One character per value, lowest to highest; a flat line when all are equal."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[0] * len(values) if high == 0 else SPARKS[3] * len(values)
    span = high - low
    top = len(SPARKS) - 1
    return "".join(SPARKS[int(((v - low) * top / span).to_integral_value())] for v in values)
