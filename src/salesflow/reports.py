"""Reports as plain data: the weighted funnel (more reports build on it).

No printing here: `salesflow.render` turns these values into tables, JSON or
CSV. Money stays Decimal; each deal's amount is converted to the report
currency and rounded to cents once, and every total is the sum of its rows,
so the JSON and the table always add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from salesflow.deal import DealFile
from salesflow.process import Process

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def in_report_currency(amount: Decimal, currency: str | None, process: Process) -> Decimal:
    """The amount in the report currency, rounded to cents."""
    rate = process.rate(currency or process.currency)
    if rate is None:  # validation refuses such deals; this guards library callers
        raise ValueError(f"no exchange rate for {currency}")
    return cents(amount * rate)


@dataclass(frozen=True)
class FunnelRow:
    code: str
    name: str
    probability: int
    count: int
    amount: Decimal
    weighted: Decimal
    without_amount: tuple[str, ...] = ()


@dataclass(frozen=True)
class Funnel:
    currency: str
    rows: tuple[FunnelRow, ...]
    excluded: dict[str, list[str]] = field(default_factory=dict)  # status -> deal ids

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((r.weighted for r in self.rows), Decimal(0))

    @property
    def without_amount(self) -> tuple[str, ...]:
        return tuple(i for r in self.rows for i in r.without_amount)


def funnel(process: Process, deals: Iterable[DealFile]) -> Funnel:
    """Open deals in their stage, won deals in the last stage; lost and held counted apart."""
    counts = {s.code: 0 for s in process.stages}
    amounts = {s.code: Decimal(0) for s in process.stages}
    missing: dict[str, list[str]] = {s.code: [] for s in process.stages}
    excluded: dict[str, list[str]] = {"lost": [], "hold": []}
    for item in deals:
        deal = item.deal
        if deal.status in excluded:
            excluded[deal.status].append(item.id)
            continue
        code = process.won.code if deal.status == "won" else deal.stage
        counts[code] += 1
        if deal.amount is None:
            missing[code].append(item.id)
        else:
            amounts[code] += in_report_currency(deal.amount, deal.currency, process)
    rows = tuple(
        FunnelRow(
            code=s.code, name=s.name, probability=s.probability, count=counts[s.code],
            amount=amounts[s.code], weighted=cents(amounts[s.code] * s.probability / 100),
            without_amount=tuple(missing[s.code]),
        )
        for s in process.stages
    )
    return Funnel(process.currency, rows, excluded)
