"""Accounts as reports see them: every deal with a customer, and cuts by account.

Pure: summaries of deals (as the cache hands them back) and accounts in,
plain values out. A deal belongs to an account when it links to it with
`account:`; the account's tier and relationship stage then stand for the
deal's in `funnel --by tier|relationship` (an unlinked deal keeps its own
`relationship`, and has no tier).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from salesflow.model.money import deal_amount, weighted
from salesflow.reports.funnel import Funnel, funnel

if TYPE_CHECKING:
    from salesflow.model.account import Account
    from salesflow.model.facts import DealItem, ProcessFacts

Item = TypeVar("Item", bound="DealItem")

ACCOUNT_CUTS: tuple[str, ...] = ("account", "tier", "relationship")


@dataclass(frozen=True)
class AccountDeal:
    """One deal of an account, valued in the report currency."""

    id: str
    name: str | None
    stage: str
    status: str
    probability: int
    amount: Decimal | None
    weighted: Decimal | None  # open and won deals only


@dataclass(frozen=True)
class AccountDeals:
    """Every deal with one account, and the sums a manager asks for first."""

    deals: tuple[AccountDeal, ...]

    def count(self, status: str) -> int:
        return sum(1 for d in self.deals if d.status == status)

    def amount(self, status: str) -> Decimal:
        return sum((d.amount or Decimal(0) for d in self.deals if d.status == status),
                   Decimal(0))

    @property
    def weighted(self) -> Decimal:
        """The open deals' weighted amount (won deals are in hand, not weighted)."""
        return sum((d.weighted or Decimal(0) for d in self.deals if d.status == "open"),
                   Decimal(0))

    @property
    def without_amount(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.deals if d.amount is None)


def account_deals(account_id: str, deals: Iterable[DealItem], process: ProcessFacts,
                  ) -> AccountDeals:
    """The deals linking to `account_id`: open first (most advanced first), then won, lost, hold."""
    order = {"open": 0, "won": 1, "lost": 2, "hold": 3}
    found = []
    for item in deals:
        deal = item.deal
        if getattr(deal, "account", None) != account_id:
            continue
        code = process.won.code if deal.status == "won" else deal.stage
        probability = process.stage(code).probability
        amount = deal_amount(deal, process)
        weight = (weighted(amount, probability) if amount is not None
                  and deal.status in ("open", "won") else None)
        found.append(AccountDeal(item.id, getattr(deal, "name", None), deal.stage,
                                 deal.status, probability, amount, weight))
    found.sort(key=lambda d: (order.get(d.status, 4), -d.probability, d.id))
    return AccountDeals(tuple(found))


def cut_key(by: str, accounts: Mapping[str, Account]) -> Callable[[DealItem], str | None]:
    """The group of a deal for `funnel --by account|tier|relationship`."""
    def key(item: DealItem) -> str | None:
        deal = item.deal
        link = getattr(deal, "account", None)
        account = accounts.get(link) if link else None
        if by == "account":
            return link
        if by == "tier":
            return account.tier if account is not None else None
        if account is not None and account.relationship is not None:
            return account.relationship
        own: str | None = getattr(deal, "relationship", None)
        return own

    return key


def _order(by: str) -> Callable[[str | None], tuple[int, str]]:
    from salesflow.model.account import TIERS
    from salesflow.model.deal import RELATIONSHIPS

    ranked = {"tier": TIERS, "relationship": RELATIONSHIPS}.get(by, ())

    def key(value: str | None) -> tuple[int, str]:
        if value is None:
            return (len(ranked) + 1, "")
        return (ranked.index(value) if value in ranked else len(ranked), value.casefold())

    return key


def group_by_account(deals: Iterable[Item], by: str, accounts: Mapping[str, Account],
                     ) -> list[tuple[str | None, list[Item]]]:
    """Deals grouped by account, tier or relationship stage, in the method's order.

    Tiers go A, B, C; relationship stages from gestation to strategic; deals
    without a value (no account, no tier, no stage) come last, as None.
    """
    key = cut_key(by, accounts)
    groups: dict[str | None, list[Item]] = {}
    for item in deals:
        groups.setdefault(key(item), []).append(item)
    return [(k, groups[k]) for k in sorted(groups, key=_order(by))]


def funnel_by_account(process: ProcessFacts, deals: Iterable[DealItem], by: str,
                      accounts: Mapping[str, Account]) -> tuple[tuple[str | None, Funnel], ...]:
    """`funnel_by` for the account cuts: each deal in exactly one group."""
    return tuple((k, funnel(process, items)) for k, items in
                 group_by_account(list(deals), by, accounts))
