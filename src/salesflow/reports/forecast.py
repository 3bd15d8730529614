"""The forecast: per month or quarter of expected close, what may close and what was won.

For open deals: the best case (their amount) and the weighted amount (amount ×
the stage's probability) in the period of their expected close. For won
deals: the amount in the period of the day they were won, taken from their
history. Two rows stand apart because a manager must act on them: open deals
whose expected close is already past ("overdue"), and open deals with no
expected close at all. Held and lost deals are not forecast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from salesflow.model.money import deal_amount, weighted
from salesflow.reports.replay import won_on

if TYPE_CHECKING:
    from salesflow.model.process import Process

Period = Literal["month", "quarter"]
PERIODS: tuple[str, ...] = ("month", "quarter")
RowKind = Literal["overdue", "period", "no_close"]


def period_start(day: dt.date, period: Period) -> dt.date:
    month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    return dt.date(day.year, month, 1)


def next_start(start: dt.date, period: Period) -> dt.date:
    months = 1 if period == "month" else 3
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(day: dt.date, period: Period) -> dt.date:
    return next_start(period_start(day, period), period) - dt.timedelta(days=1)


def period_label(start: dt.date, period: Period) -> str:
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class ForecastRow:
    kind: RowKind
    label: str | None  # "2027-03" or "2027-Q1" for periods
    start: dt.date | None
    end: dt.date | None
    count: int = 0  # open deals
    best_case: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    won_count: int = 0
    won: Decimal = Decimal(0)
    without_amount: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()  # the open deals counted in this row


@dataclass(frozen=True)
class Forecast:
    currency: str
    period: Period
    today: dt.date  # "overdue" is relative to this day
    start: dt.date
    end: dt.date
    rows: tuple[ForecastRow, ...]
    held: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()  # open deals closing outside start..end (not overdue)
    won_undated: tuple[str, ...] = ()  # won, but the history does not say when

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rows)

    def row(self, kind: RowKind) -> ForecastRow:
        """The first row of `kind`: the one `overdue` or `no_close` row."""
        return next(r for r in self.rows if r.kind == kind)

    @property
    def best_case(self) -> Decimal:
        return sum((r.best_case for r in self.rows), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((r.weighted for r in self.rows), Decimal(0))

    @property
    def won_count(self) -> int:
        return sum(r.won_count for r in self.rows)

    @property
    def won(self) -> Decimal:
        return sum((r.won for r in self.rows), Decimal(0))

    @property
    def without_amount(self) -> tuple[str, ...]:
        return tuple(i for r in self.rows for i in r.without_amount)


@dataclass
class _Acc:
    count: int = 0
    best_case: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    won_count: int = 0
    won: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.missing: list[str] = []
        self.ids: list[str] = []


def won_from_history(process: Process) -> Callable[[Any], dt.date | None]:
    """When each deal was won, replayed from its history: for full deals (`DealFile`)."""
    return lambda item: won_on(item.deal, process)


def won_from_summary(item: Any) -> dt.date | None:
    """When a summarized deal (`SummaryFile`) was won: worked out as the cache parsed it."""
    return item.deal.won_on  # type: ignore[no-any-return]


def forecast(process: Any, deals: Iterable[Any], *, today: dt.date,
             period: Period = "quarter", start: dt.date | None = None,
             end: dt.date | None = None,
             won: Callable[[Any], dt.date | None] | None = None) -> Forecast:
    """The forecast from the period holding `start` (default: today's) to the one holding `end`.

    Without `end` the periods run to the last expected close of an open deal
    (at least today's period), so no open deal falls off the end. The deals
    are full `DealFile`s (won dates replayed from history: the default `won`)
    or the cache's summaries with `won=won_from_summary`, which gives the
    same forecast without parsing a file (tests/test_fast_paths.py).
    """
    won_date = won if won is not None else won_from_history(process)
    items = list(deals)
    opened = [i for i in items if i.deal.status == "open"]
    first = period_start(start or today, period)
    closes = [i.deal.expected_close for i in opened
              if i.deal.expected_close is not None and i.deal.expected_close >= today]
    last = period_end(end or max([today, first, *closes]), period)

    overdue, no_close = _Acc(), _Acc()
    periods: dict[dt.date, _Acc] = {}
    day = first
    while day <= last:
        periods[day] = _Acc()
        day = next_start(day, period)
    left_out: list[str] = []
    won_undated: list[str] = []

    for item in items:
        deal = item.deal
        amount = deal_amount(deal, process)
        if deal.status == "won":
            when = won_date(item)
            if when is None:
                won_undated.append(item.id)
                continue
            if not first <= when <= last:
                continue
            acc = periods[period_start(when, period)]
            acc.won_count += 1
            if amount is None:
                acc.missing.append(item.id)
            else:
                acc.won += amount
            continue
        if deal.status != "open":
            continue
        close = deal.expected_close
        if close is None:
            acc = no_close
        elif close < today:
            acc = overdue
        elif first <= close <= last:
            acc = periods[period_start(close, period)]
        else:
            left_out.append(item.id)
            continue
        acc.count += 1
        acc.ids.append(item.id)
        if amount is None:
            acc.missing.append(item.id)
        else:
            acc.best_case += amount
            acc.weighted += weighted(amount, process.stage(deal.stage).probability)

    def row(kind: RowKind, acc: _Acc, label: str | None = None, begin: dt.date | None = None,
            finish: dt.date | None = None) -> ForecastRow:
        return ForecastRow(kind, label, begin, finish, acc.count, acc.best_case, acc.weighted,
                           acc.won_count, acc.won, tuple(acc.missing), tuple(acc.ids))

    rows = [row("overdue", overdue)]
    rows += [row("period", acc, period_label(s, period), s, next_start(s, period)
                 - dt.timedelta(days=1)) for s, acc in periods.items()]
    rows.append(row("no_close", no_close))
    held = tuple(i.id for i in items if i.deal.status == "hold")
    return Forecast(process.currency, period, today, first, last, tuple(rows), held,
                    tuple(left_out), tuple(won_undated))
