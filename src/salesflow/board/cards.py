"""The board as plain data: one column per open stage plus the won stage, cards in each.

Built from summaries (what the cache hands back without parsing a file), so
a board over ten thousand deals opens without building a model per deal.
Risk badges need a deal's people and steps: the board asks for them
(`Session.badges`, from the summary's review facts, through `badges_of`)
only for the cards it draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesflow.method.risk_words import Risk
from salesflow.model.i18n import N_
from salesflow.model.money import deal_amount, weighted
from salesflow.model.summary import ProcessSummary, SummaryFile

# The risks a card shows, as short badges (`salesflow review` explains each); kept in
# English here and said in the board's language where a card is drawn (`_(badge)`).
BADGES: dict[str, str] = {
    "idle": N_("stalled"),
    "next-step-overdue": N_("step overdue"),
    "no-decision-level": N_("no decision level"),
    "opponent-buyer": N_("opponent buyer"),
    "out-of-step": N_("out of step"),
    "close-passed": N_("close passed"),
}


@dataclass(frozen=True)
class Card:
    """One deal as a card shows it."""

    id: str
    name: str
    customer: str
    amount: Decimal | None  # in the deal's currency
    currency: str
    weighted: Decimal | None  # in the report currency
    owner: str
    expected_close: dt.date | None
    status: str


@dataclass(frozen=True)
class Column:
    """One stage's column: its header figures and its cards, the heaviest first."""

    code: str
    name: str
    probability: int
    cards: tuple[Card, ...]
    weighted: Decimal  # sum of the cards' weighted amounts, in the report currency

    @property
    def count(self) -> int:
        return len(self.cards)


def badges_of(risks: Iterable[Risk]) -> tuple[str, ...]:
    """The badges for a deal's risks, in the review's order, each once."""
    seen: list[str] = []
    for risk in risks:
        badge = BADGES.get(risk.code)
        if badge is not None and badge not in seen:
            seen.append(badge)
    return tuple(seen)


def matches(item: SummaryFile, text: str) -> bool:
    """The `/` search: the text in the id, name, customer or owner, in any case."""
    needle = text.casefold()
    d = item.deal
    return any(needle in (v or "").casefold() for v in (item.id, d.name, d.customer, d.owner))


def columns(process: ProcessSummary, deals: Sequence[SummaryFile], *,
            search: str = "") -> list[Column]:
    """The board: open deals in their stage's column, won deals in the last one.

    Lost and held deals are left out, as in the funnel (the board's title
    says how many). Cards go by weighted amount, the largest first; deals
    without an amount last; ties by id, so the order is stable.
    """
    won = process.won.code
    by_stage: dict[str, list[Card]] = {s.code: [] for s in process.stages}
    for item in deals:
        d = item.deal
        if d.status not in ("open", "won"):
            continue
        if search and not matches(item, search):
            continue
        code = won if d.status == "won" else d.stage
        stage = process.stage(code)
        amount = deal_amount(d, process)
        value = weighted(amount, stage.probability) if amount is not None else None
        by_stage[code].append(Card(
            id=item.id, name=d.name or item.id, customer=d.customer, amount=d.amount,
            currency=d.currency or process.currency, weighted=value, owner=d.owner or "",
            expected_close=d.expected_close, status=d.status))
    out: list[Column] = []
    for stage in process.stages:
        cards = sorted(by_stage[stage.code], key=lambda c: (
            c.weighted is None, -(c.weighted or 0), c.id))
        total = sum((c.weighted for c in cards if c.weighted is not None), Decimal(0))
        out.append(Column(stage.code, stage.name, stage.probability, tuple(cards), total))
    return out


def left_out(deals: Sequence[SummaryFile]) -> dict[str, int]:
    """How many lost and held deals the board does not show (nothing is hidden silently)."""
    counts = {"lost": 0, "hold": 0}
    for item in deals:
        if item.deal.status in counts:
            counts[item.deal.status] += 1
    return counts
