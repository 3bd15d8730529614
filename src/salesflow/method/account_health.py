"""Account risks: what a deal's account adds to its review.

A deal linked to an account is also judged with what the account knows:
how far the relationship has come, our share of the customer's spend, the
development plan, and how the same people stand on the customer's other
deals (docs/method.md, "The relationship"). Each check sees the deal as the
method does (merged with its account), the account and the account's other
deals, merged the same way. Apart from `method.health` (the deal's own nine
checks) because few workspaces link accounts, and a review of the others
need not import the account model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from salesflow.method.reviewed import DealReview
from salesflow.method.risk_words import Risk
from salesflow.model.account import Account
from salesflow.model.deal import Deal
from salesflow.model.i18n import _
from salesflow.model.money import deal_amount
from salesflow.model.process import Process

_RELATIONSHIP_RANK = {"interrupted": 0, "gestation": 0, "initial": 1, "middle": 2, "high": 3,
                      "strategic": 4}
_KEY_LEVELS = ("decision", "management")


@dataclass(frozen=True)
class AccountView:
    """What the account checks of one deal see."""

    id: str
    account: Account
    others: tuple[tuple[str, Deal], ...]  # the account's other deals, merged: (id, deal)


AccountCheck = Callable[[Deal, AccountView, Process, dt.date], Iterator[Risk]]


def _ours_in_report_currency(view: AccountView, process: Process) -> tuple[int, Decimal] | None:
    latest = view.account.latest_wallet()
    if latest is None:
        return None
    share = latest.share_percent()
    ours = latest.ours if latest.ours is not None else (
        None if share is None else latest.spend * share / 100)
    rate = process.rate(view.account.currency or process.currency)
    if ours is None or rate is None:
        return None
    return latest.year, ours * rate


def relationship_too_low(deal: Deal, view: AccountView, process: Process,
                         as_of: dt.date) -> Iterator[Risk]:
    """A deal bigger than a year of our business with a customer we barely know."""
    stage = view.account.relationship
    amount = deal_amount(deal, process)
    if stage is None or amount is None or _RELATIONSHIP_RANK[stage] > 1:
        return
    known = _ours_in_report_currency(view, process)
    year, ours = known if known is not None else (None, Decimal(0))
    if amount <= ours:
        return
    since = _("all we sold them in {year} ({ours:,.0f})").format(
                year=year, ours=ours) if year else _("anything we sold them")
    yield Risk("relationship-too-low",
               _("the relationship with account {id} is at {stage}, yet this "
                 "deal ({amount:,.0f} {currency}) is more than {since}").format(
                   id=view.id, stage=stage, amount=amount, currency=process.currency, since=since),
               _("develop the relationship before the decision: work the plan "
                 "in `salesflow account show {id}`, and win a senior sponsor").format(id=view.id))


def share_falling(deal: Deal, view: AccountView, process: Process,
                  as_of: dt.date) -> Iterator[Risk]:
    years = sorted((w for w in view.account.wallet if w.share_percent() is not None),
                   key=lambda w: w.year)
    if len(years) < 2:
        return
    before, now = years[-2], years[-1]
    if (now.share_percent() or 0) < (before.share_percent() or 0):
        yield Risk("share-falling",
                   _("our share of account {id}'s spend fell from {value}% ({year}) to {value2}% "
                     "({year2})").format(
                       id=view.id, value=before.share_percent(), year=before.year,
                       value2=now.share_percent(), year2=now.year),
                   _("find out who is winning the rest and why, from your coach, before this "
                   "deal is decided"))


def plan_move_overdue(deal: Deal, view: AccountView, process: Process,
                      as_of: dt.date) -> Iterator[Risk]:
    names = {p.name for p in deal.stakeholders}
    late = [m for m in view.account.plan
            if m.done is None and m.due < as_of and m.person in names]
    if late:
        shown = "; ".join(_("{person}: {next} (due {due})").format(
            person=m.person, next=m.next, due=m.due.isoformat()) for m in late[:3])
        more = _(" and {n} more").format(n=len(late) - 3) if len(late) > 3 else ""
        yield Risk("plan-overdue", _("relationship plan moves overdue: {shown}{more}").format(
                                       shown=shown, more=more),
                   _("make the move, or set a new date in accounts/{id}.yaml "
                     "(`done:` once made)").format(id=view.id))


def key_person_split(deal: Deal, view: AccountView, process: Process,
                     as_of: dt.date) -> Iterator[Risk]:
    """A key person against us here, for us on another deal of the same customer."""
    for person in deal.stakeholders:
        if person.attitude != "opponent" or not (person.level in _KEY_LEVELS
                                                 or person.influence == "high"):
            continue
        for other_id, other in view.others:
            there = other.stakeholder(person.name)
            if there is not None and there.attitude == "supporter":
                yield Risk("key-person-split",
                           _("{name} is an opponent here but a supporter on {other_id}").format(
                               name=person.name, other_id=other_id),
                           _("ask {name} what differs on this project; let the team of "
                             "{other_id} open the door").format(
                               name=person.name, other_id=other_id))
                break


ACCOUNT_CHECKS: list[AccountCheck] = [
    relationship_too_low,
    share_falling,
    plan_move_overdue,
    key_person_split,
]


def account_risks(deal: Deal, view: AccountView, process: Process,
                  as_of: dt.date) -> list[Risk]:
    """The account risks of an open deal (none for other statuses)."""
    if deal.status != "open":
        return []
    return [r for check in ACCOUNT_CHECKS for r in check(deal, view, process, as_of)]


def with_account_risks(reviews: list[DealReview], views: Mapping[str, AccountView],
                       process: Process, as_of: dt.date) -> list[DealReview]:
    """The reviews with each linked deal's account risks added after its own."""
    out = []
    for r in reviews:
        view = views.get(r.item.id)
        deal = r.item.deal
        extra = (account_risks(deal, view, process, as_of)
                 if view and isinstance(deal, Deal) else [])
        out.append(r._replace(risks=(*r.risks, *extra)) if extra else r)
    return out
