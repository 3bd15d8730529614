"""Which deals a report covers (the cuts) and how it groups them.

A manager cuts the pipeline by owner, segment, product line, customer and an
expected-close window. Owners, segments and product lines match exactly and
may be given several times (any of them matches); the customer matches as a
case-insensitive part of the name, because customer names are long
("华东水务集团" finds "华东水务集团有限公司"). A close window leaves out deals
without an expected close date: they cannot be said to close in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from salesflow.model.i18n import N_, _

if TYPE_CHECKING:
    from salesflow.model.facts import DealFacts, DealItem

    Item = TypeVar("Item", bound=DealItem)

GroupBy = Literal["owner", "segment", "product_line"]
GROUP_BYS: tuple[str, ...] = ("owner", "segment", "product_line")


@dataclass(frozen=True)
class Cut:
    """The filters of a report; an empty Cut keeps every deal."""

    owners: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    customer: str | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None

    def matches(self, deal: DealFacts) -> bool:
        if self.owners and deal.owner not in self.owners:
            return False
        if self.segments and deal.segment not in self.segments:
            return False
        if self.product_lines and deal.product_line not in self.product_lines:
            return False
        if self.customer and self.customer.casefold() not in deal.customer.casefold():
            return False
        if self.close_from is not None or self.close_to is not None:
            close = deal.expected_close
            if close is None:
                return False
            if self.close_from is not None and close < self.close_from:
                return False
            if self.close_to is not None and close > self.close_to:
                return False
        return True

    def apply(self, deals: Iterable[Item]) -> list[Item]:
        return [d for d in deals if self.matches(d.deal)]

    @property
    def empty(self) -> bool:
        return self == Cut()

    def as_json(self) -> dict[str, Any]:
        """The filters as given, for the `filters` key of every report's JSON."""
        return {
            "owner": list(self.owners), "segment": list(self.segments),
            "product_line": list(self.product_lines), "customer": self.customer,
            "close_from": self.close_from.isoformat() if self.close_from else None,
            "close_to": self.close_to.isoformat() if self.close_to else None,
        }

    def describe(self) -> str:
        """The filters in words, for report titles: 'owner li.wei, segment energy'."""
        parts = []
        for label, values in ((N_("owner {values}"), self.owners),
                              (N_("segment {values}"), self.segments),
                              (N_("product line {values}"), self.product_lines)):
            if values:
                parts.append(_(label).format(values=_(" or ").join(values)))
        if self.customer:
            parts.append(_("customer contains {text!r}").format(text=self.customer))
        if self.close_from and self.close_to:
            parts.append(_("closing {from_} to {to}").format(from_=self.close_from,
                                                             to=self.close_to))
        elif self.close_from:
            parts.append(_("closing from {date}").format(date=self.close_from))
        elif self.close_to:
            parts.append(_("closing by {date}").format(date=self.close_to))
        return _(", ").join(parts)


def group_of(deal: DealFacts, by: GroupBy) -> str | None:
    """The deal's value of the grouping field (None when it has none)."""
    value: str | None = getattr(deal, by)
    return value
