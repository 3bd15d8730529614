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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from salesflow.model.money import deal_amount, weighted
from salesflow.reports.replay import replay, replayable, step

if TYPE_CHECKING:
    from salesflow.model.deal import Deal, DealFile
    from salesflow.model.process import Process

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


def closed_in(deal: Deal, process: Process, start: dt.date, end: dt.date,
              ) -> tuple[bool, bool]:
    """(won, lost): did an entry dated start..end make the deal won, or lost?"""
    won = lost = False
    state = None
    for entry in deal.history:
        if entry.date > end:
            break
        before = state.status if state else None
        state = step(state, entry, process)
        if state is None or entry.date < start or state.status == before:
            continue
        won = won or state.status == "won"
        lost = lost or state.status == "lost"
    return won, lost


def trend(process: Process, deals: Sequence[DealFile], *, until: dt.date,
          every: Every = "week", last: int = 8) -> Trend:
    """The pipeline at the end of each of the `last` periods up to `until`."""
    rows: list[TrendRow] = []
    no_history: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()
    for start, end in periods(until, every, last):
        rep = replay(process, deals, end)
        no_history, disagree = rep.no_history, rep.disagree
        count, amount, weight = 0, Decimal(0), Decimal(0)
        won_n, won, lost_n, lost = 0, Decimal(0), 0, Decimal(0)
        missing: list[str] = []
        for item in rep.deals:
            deal = item.deal
            value = deal_amount(deal, process)
            if deal.status == "open":
                count += 1
                if value is None:
                    missing.append(item.id)
                else:
                    amount += value
                    weight += weighted(value, process.stage(deal.stage).probability)
            was_won, was_lost = closed_in(deal, process, start, end)
            if (was_won or was_lost) and value is None and item.id not in missing:
                missing.append(item.id)
            if was_won:
                won_n += 1
                won += value or Decimal(0)
            if was_lost:
                lost_n += 1
                lost += value or Decimal(0)
        rows.append(TrendRow(label_of(start, every), start, end, count, amount, weight,
                             won_n, won, lost_n, lost, tuple(missing)))
    if not rows:
        no_history = tuple(i.id for i in deals if not replayable(i.deal))
    return Trend(process.currency, every, tuple(rows), no_history, disagree)


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
