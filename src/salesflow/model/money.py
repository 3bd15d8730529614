"""Money in the report currency: converted with `stages.yaml` rates, rounded once.

Each deal's amount is converted and rounded to cents exactly once; every
total in every report is then a plain sum of those cents, so a JSON total
always equals the sum of its rows and the table, CSV and HTML page agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.model.facts import DealFacts, ProcessFacts

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def in_report_currency(amount: Decimal, currency: str | None, process: ProcessFacts,
                       ) -> Decimal:
    """The amount in the report currency, rounded to cents."""
    rate = process.rate(currency or process.currency)
    if rate is None:  # validation refuses such deals; this guards library callers
        raise ValueError(f"no exchange rate for {currency}")
    return cents(amount * rate)


def deal_amount(deal: DealFacts, process: ProcessFacts) -> Decimal | None:
    """The deal's amount in the report currency, or None when the deal has none."""
    if deal.amount is None:
        return None
    return in_report_currency(deal.amount, deal.currency, process)


def weighted(amount: Decimal, probability: int) -> Decimal:
    """Amount × probability ÷ 100, rounded to cents."""
    return cents(amount * probability / 100)


def money_json(value: Decimal | None) -> str | None:
    """Money for machines: an exact decimal string with two places."""
    if value is None:
        return None
    return str(value.quantize(Decimal("0.01")))
