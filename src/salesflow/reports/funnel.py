"""The weighted funnel: every stage with its deals, amount and weighted amount.

Open deals sit in their stage, won deals in the last stage; lost and held
deals are left out and counted apart. `funnel_by` cuts the same funnel by
owner, segment or product line; the overall funnel stays the sum of the
groups, because each deal is in exactly one group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from salesflow.model.money import deal_amount, weighted
from salesflow.reports.select import GroupBy, group_of

if TYPE_CHECKING:
    from salesflow.model.facts import DealItem, ProcessFacts


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


def funnel(process: ProcessFacts, deals: Iterable[DealItem]) -> Funnel:
    """Open deals in their stage, won deals in the last stage; lost and held counted apart.

    Each deal's weighted amount is rounded to cents on its own and the rows
    sum them, so a funnel cut into groups adds up to the whole to the cent,
    and to the deals listed under it.
    """
    counts = {s.code: 0 for s in process.stages}
    amounts = {s.code: Decimal(0) for s in process.stages}
    weights = {s.code: Decimal(0) for s in process.stages}
    missing: dict[str, list[str]] = {s.code: [] for s in process.stages}
    excluded: dict[str, list[str]] = {"lost": [], "hold": []}
    for item in deals:
        deal = item.deal
        if deal.status in excluded:
            excluded[deal.status].append(item.id)
            continue
        code = process.won.code if deal.status == "won" else deal.stage
        counts[code] += 1
        amount = deal_amount(deal, process)
        if amount is None:
            missing[code].append(item.id)
        else:
            amounts[code] += amount
            weights[code] += weighted(amount, process.stage(code).probability)
    rows = tuple(
        FunnelRow(
            code=s.code, name=s.name, probability=s.probability, count=counts[s.code],
            amount=amounts[s.code], weighted=weights[s.code],
            without_amount=tuple(missing[s.code]),
        )
        for s in process.stages
    )
    return Funnel(process.currency, rows, excluded)


def funnel_by(process: ProcessFacts, deals: Iterable[DealItem], by: GroupBy,
              ) -> tuple[tuple[str | None, Funnel], ...]:
    """One funnel per value of `by` (None: deals without one, listed last), sorted by name."""
    groups: dict[str | None, list[DealItem]] = {}
    for item in deals:
        groups.setdefault(group_of(item.deal, by), []).append(item)
    keys = sorted(groups, key=lambda k: (k is None, (k or "").casefold(), k or ""))
    return tuple((k, funnel(process, groups[k])) for k in keys)
