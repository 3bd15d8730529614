"""A reviewed deal and the review's order: shared by the full and the cached review.

`method.health.review` judges full deals, `method.review_facts.judge` their
cached facts; both hand back `DealReview`s with the same amounts, in the
same order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from salesflow.method.risk_words import Risk
from salesflow.model.money import deal_amount, weighted

if TYPE_CHECKING:
    from salesflow.model.deal import DealFile
    from salesflow.model.summary import SummaryFile


class DealReview(NamedTuple):
    """A reviewed deal: what the review shows of it, its amounts and its risks."""

    item: DealFile | SummaryFile
    amount: Decimal | None  # in the report currency
    weighted: Decimal | None
    risks: tuple[Risk, ...]


def amounts(deal: Any, process: Any) -> tuple[Decimal | None, Decimal | None]:
    """A reviewed deal's amount and weighted amount in the report currency.

    A held deal is kept out of the weighted pipeline. `deal` is a Deal or a
    summary, `process` a Process or its summary: both answer the same.
    """
    amount = deal_amount(deal, process)
    if amount is not None and deal.status == "open":
        return amount, weighted(amount, process.stage(deal.stage).probability)
    return amount, None


def order(r: DealReview) -> tuple[Any, ...]:
    """The review's order: open before held, then the biggest weighted amount, then id."""
    return (r.item.deal.status == "hold", r.weighted is None,
            -(r.weighted or r.amount or 0), r.item.id)
