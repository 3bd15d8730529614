"""Deal health: the risks a sales manager looks for, each with the next move.

Every risk check is a small named function over one deal, the process and the
as-of date, yielding `Risk`s; `RISK_CHECKS` lists them in the order a review
prints them. They follow docs/method.md: a deal that does not move, a close
date in the past, no agreed next step; the buying centre without a coach, with
nobody at the decision level, with an opponent holding the budget or the
decision; the sale running ahead of (or behind) the customer's own buying
process; no explicit need late in the process; and a milestone rule of a
passed stage that no longer holds.

Open deals get every check. A held deal is frozen, so only its follow-up
matters: it gets the next-step check alone, so that it is not forgotten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from salesflow.method.gates import stage_gate
from salesflow.method.review_facts import Person, SlimDeal, activity_dates
from salesflow.model.account import Account
from salesflow.model.deal import Deal, DealFile, Stakeholder
from salesflow.model.i18n import _, ngettext
from salesflow.model.money import deal_amount, weighted
from salesflow.model.process import Process, ProcurementStep, Rule
from salesflow.model.summary import SummaryFile
from salesflow.model.words import ROLE_NOUNS, and_list, or_list

# A deal as the checks judge it: the full Deal, or its cached facts (see
# `salesflow.method.review_facts`); the checks read only what both answer.
Judged = Deal | SlimDeal


@dataclass(frozen=True)
class Risk:
    """One thing wrong with a deal: a short code, why in one line, and what to do."""

    code: str
    reason: str
    move: str


# --------------------------------------------------------- shared answers


def last_activity(deal: Judged, as_of: dt.date) -> dt.date | None:
    """The latest history entry or milestone record on or before `as_of`."""
    dates = [d for d in activity_dates(deal) if d <= as_of]
    return max(dates) if dates else None


def coaches(deal: Judged) -> list[Stakeholder | Person]:
    return [p for p in deal.stakeholders if "coach" in p.roles and p.attitude != "opponent"]


def _best_contact(deal: Judged) -> Stakeholder | Person | None:
    """Whom to call first: the coach, else the most influential supporter."""
    found = coaches(deal)
    if found:
        return found[0]
    supporters = sorted((p for p in deal.stakeholders if p.attitude == "supporter"),
                        key=lambda p: {"high": 0, "medium": 1, "low": 2}.get(p.influence or "", 3))
    return supporters[0] if supporters else None


def _ask(deal: Judged) -> str:
    contact = _best_contact(deal)
    if contact is None:
        return ""
    if "coach" in contact.roles:
        return _(" (ask {name}, your coach)").format(name=contact.name)
    return _(" (ask {name}, who supports us)").format(name=contact.name)


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _stages(n: int) -> str:
    return ngettext("{n} stage", "{n} stages", n).format(n=n)


def _past_first_stage(deal: Judged, process: Process) -> bool:
    """People checks start after the first visit: in the first stage we know nobody yet."""
    return process.index(deal.stage) > 0


@dataclass(frozen=True)
class Alignment:
    """Where the sale stands against the customer's own buying process."""

    number: int  # 1-based number of the customer's step
    of: int
    step: ProcurementStep
    apart: int  # > 0: the sale is this many stages ahead; < 0: behind; 0: in step

    @property
    def label(self) -> str:
        return f"{self.number}/{self.of} “{self.step.name}”"


def alignment(deal: Judged, process: Process) -> Alignment | None:
    """The customer's step and how far the sales stage is from the stages it goes with.

    None when the deal records no step or the step names no stages.
    """
    if deal.procurement_step is None:
        return None
    index = process.procurement_index(deal.procurement_step)
    if index is None:
        return None
    step = process.procurement[index]
    expected = [process.index(c) for c in step.stages if process.has_stage(c)]
    if not expected:
        return None
    here = process.index(deal.stage)
    if here > max(expected):
        apart = here - max(expected)
    elif here < min(expected):
        apart = here - min(expected)
    else:
        apart = 0
    return Alignment(index + 1, len(process.procurement), step, apart)


def _asks_explicit_need(rule: Rule) -> bool:
    if rule.needs is not None and rule.needs.explicit:
        return True
    return any(_asks_explicit_need(sub) for sub in rule.any_of or [])


def explicit_need_stage(process: Process) -> str | None:
    """From which stage on a deal should have an explicit need.

    The first stage whose exit rules ask for one (C in the method's process);
    failing that, a stage coded C; else none.
    """
    for stage in process.stages:
        if any(m.rule is not None and _asks_explicit_need(m.rule) for m in stage.exit):
            return stage.code
    return "C" if process.has_stage("C") else None


# ------------------------------------------------------------- the checks


def idle(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    stage = process.stage(deal.stage)
    last = last_activity(deal, as_of)
    if stage.rot_days is None or last is None:
        return
    days = (as_of - last).days
    if days > stage.rot_days:
        yield Risk("idle", _("idle for {days} in stage {stage} (stalled after {rot}); last "
                             "move or milestone {last}").format(
                                 days=_days(days), stage=stage.code, rot=stage.rot_days,
                                 last=last.isoformat()),
                   _("find out where the project stands{ask} and agree on a next step; if it "
                     "has stopped, put the deal on hold").format(ask=_ask(deal)))


def close_passed(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    close = deal.expected_close
    if close is not None and close < as_of:
        yield Risk("close-passed", _("expected close {date} passed {days} ago").format(
            date=close.isoformat(), days=_days((as_of - close).days)),
                   _("agree a realistic close date with the customer and update "
                     "`expected_close:`; a past date distorts the forecast"))


def next_step(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    held = deal.status == "hold"
    if not deal.next_steps:
        if held:
            yield Risk("no-next-step", _("on hold with no follow-up planned"),
                       _("add a date to check back under `next_steps:`, so the deal is not "
                         "forgotten"))
        else:
            yield Risk("no-next-step", _("no next step agreed with the customer"),
                       _("agree the next action and its date with the customer; add it under "
                         "`next_steps:`"))
        return
    overdue = sorted((s for s in deal.next_steps if s.due < as_of), key=lambda s: s.due)
    if overdue:
        first = overdue[0]
        more = (_(" (and {n} more)").format(n=len(overdue) - 1) if len(overdue) > 1 else "")
        yield Risk("next-step-overdue", _("next step overdue by {days}{more}: “{action}” (due "
                                          "{due})").format(
                                              days=_days((as_of - first.due).days), more=more,
                                              action=first.action, due=first.due.isoformat()),
                   _("do it now, or agree a new date and update `next_steps:`; remove steps "
                     "that are done"))


def no_coach(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    if not _past_first_stage(deal, process) or coaches(deal):
        return
    supporters = [p.name for p in deal.stakeholders if p.attitude == "supporter"][:3]
    if len(supporters) == 1:
        move = _("develop a coach: {name} already supports us; ask for guidance on how the "
                 "customer will buy and, if they help, add `coach` to their roles").format(
                     name=supporters[0])
    elif supporters:
        move = _("develop a coach: {names} already support us; ask them for guidance on how "
                 "the customer will buy and add `coach` to the roles of whoever helps").format(
                     names=and_list(supporters))
    else:
        move = _("develop a coach early: find someone in the using or technical department "
                 "who gains from our solution and wants us to win")
    yield Risk("no-coach", _("no coach: nobody inside the customer is known to want us to win"),
               move)


def no_decision_level(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    if not _past_first_stage(deal, process):
        return
    if not any(p.level == "decision" for p in deal.stakeholders):
        yield Risk("no-decision-level", _("nobody at the decision level is known"),
                   _("find out who makes the final call{ask} and get an introduction; add them "
                     "with `level: decision`").format(ask=_ask(deal)))


def opponent_buyer(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    for p in deal.stakeholders:
        held = [r for r in p.roles if r in ("decision", "financial")]
        if p.attitude != "opponent" or not held:
            continue
        title = f" ({p.title})" if p.title else ""
        allies = [s.name for s in deal.stakeholders if s.attitude == "supporter"
                  and s.level in ("decision", "management") and s.name != p.name]
        through = (_(", e.g. {names}").format(names=or_list(allies[:2])) if allies else "")
        what = _("decision") if "decision" in held else _("budget")
        yield Risk("opponent-buyer", _("{name}{title}, {roles}, is an opponent").format(
            name=p.name, title=title, roles=and_list([ROLE_NOUNS[r] for r in held])),
                   _("learn what {name} objects to and answer it through someone they "
                     "trust{through}; do not leave the {what} to {name} alone").format(
                         name=p.name, through=through, what=what))


def out_of_step(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    if not process.procurement:
        return
    if deal.procurement_step is None:
        if _past_first_stage(deal, process):
            yield Risk("no-procurement-step",
                       _("the customer's own buying step is not recorded"),
                       _("ask where the customer's buying process stands{ask} and set "
                         "`procurement_step:`").format(ask=_ask(deal)))
        return
    where = alignment(deal, process)
    if where is None or where.apart == 0:
        return
    goes_with = ", ".join(where.step.stages)
    if where.apart > 0:
        yield Risk("out-of-step", _("sales stage {stage} is {apart} ahead of the customer, "
                                    "who is at step {step} (goes with {with_})").format(
                                        stage=deal.stage, apart=_stages(where.apart),
                                        step=where.label, with_=goes_with),
                   _("confirm with the customer where their process really is; help them "
                     "through the steps they still need (budget, approval) before pushing the "
                     "sale, and do not negotiate price before the budget is set"))
    else:
        yield Risk("out-of-step", _("the customer is {apart} ahead of the sale: at step "
                                    "{step} (goes with {with_}) while the deal is in "
                                    "{stage}").format(
                                        apart=_stages(-where.apart), step=where.label,
                                        with_=goes_with, stage=deal.stage),
                   _("catch up: meet the milestones of stage {stage} and advance (`salesflow "
                     "check`); find out who is driving the process, it may be a competitor; if "
                     "the deal is already further, update `stage:`").format(stage=deal.stage))


def _need_stage(process: Process) -> str | None:
    """`explicit_need_stage`, worked out once per process (a review asks it per deal)."""
    known = _NEED_STAGE.get(id(process))
    if known is None or known[0] is not process:
        known = (process, explicit_need_stage(process))
        _NEED_STAGE.clear()  # one process at a time: nothing grows
        _NEED_STAGE[id(process)] = known
    return known[1]


# A memo, not state: the process is immutable and kept alive by its entry, so its id
# cannot be reused while the entry stands.
_NEED_STAGE: dict[int, tuple[Process, str | None]] = {}


def no_explicit_need(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    start = _need_stage(process)
    if start is None or process.index(deal.stage) < process.index(start):
        return
    if any(n.explicit for n in deal.needs):
        return
    implied = len(deal.needs)
    have = (ngettext("{n} implied need", "{n} implied needs", implied).format(n=implied)
            if implied else _("no needs"))
    yield Risk("no-explicit-need", _("stage {stage} with no explicit need ({have} "
                                     "recorded)").format(stage=deal.stage, have=have),
               _("confirm the customer's deepest pain with implication and need-payoff "
                 "questions; record the need they state with `explicit: true`"))


def rule_broken(deal: Judged, process: Process, as_of: dt.date) -> Iterator[Risk]:
    if isinstance(deal, SlimDeal):  # its facts say none broke: the review judges the
        return  # others from their full data (see `review_facts.has_broken_rule`)
    current = process.index(deal.stage)
    for stage in process.stages[:current]:
        for status in stage_gate(deal, stage, process):
            if status.met or not status.gaps:
                continue
            first, *rest = status.gaps[0].lines()
            more = [line for g in status.gaps[1:] for line in g.lines()]
            yield Risk("rule-broken", _("{stage} milestone {milestone} no longer holds: missing "
                                        "{what}").format(stage=stage.code,
                                                         milestone=status.milestone.id,
                                                         what=first.rstrip(".。")),
                       " ".join([*rest, *more]).rstrip(".")
                       or _("restore what the milestone's rule asks for"))


RiskCheck = Callable[[Judged, Process, dt.date], Iterator[Risk]]

RISK_CHECKS: list[RiskCheck] = [
    idle,
    close_passed,
    next_step,
    no_coach,
    no_decision_level,
    opponent_buyer,
    out_of_step,
    no_explicit_need,
    rule_broken,
]

HOLD_CHECKS: list[RiskCheck] = [next_step]


def risks(deal: Judged, process: Process, as_of: dt.date) -> list[Risk]:
    """Every risk of one deal: all checks for an open deal, the follow-up for a held one."""
    checks = RISK_CHECKS if deal.status == "open" else HOLD_CHECKS if deal.status == "hold" else []
    return [r for check in checks for r in check(deal, process, as_of)]


# ------------------------------------------------------------- the review


@dataclass(frozen=True)
class DealReview:
    item: DealFile | SummaryFile
    amount: Decimal | None  # in the report currency
    weighted: Decimal | None
    risks: tuple[Risk, ...]


def review(process: Process, deals: Iterable[DealFile], as_of: dt.date,
           owners: Iterable[str] = ()) -> list[DealReview]:
    """Open and held deals with their risks, the biggest weighted amount first.

    Held deals (out of the weighted funnel) follow the open ones, deals without
    an amount come last in each group, and ties go by id so the order is stable.
    """
    return review_judged(process, ((item, item.deal) for item in deals), as_of, owners)


def review_judged(process: Process,
                  deals: Iterable[tuple[DealFile | SummaryFile, Callable[[], Judged] | Judged]],
                  as_of: dt.date, owners: Iterable[str] = ()) -> list[DealReview]:
    """`review` of (item, deal to judge) pairs: the deal, or a function giving it.

    The item is what the review shows (a loaded or a summarized deal file);
    the deal judged may be its cached facts (`review_facts.SlimDeal`). Given
    as a function, it is only made for the deals the review keeps.
    """
    wanted = set(owners)
    out: list[DealReview] = []
    for item, judged in deals:
        d = item.deal
        if d.status not in ("open", "hold") or (wanted and d.owner not in wanted):
            continue
        amount = deal_amount(d, process)
        value = None  # a held deal is kept out of the weighted pipeline
        if amount is not None and d.status == "open":
            value = weighted(amount, process.stage(d.stage).probability)
        deal = judged() if callable(judged) else judged
        out.append(DealReview(item, amount, value, tuple(risks(deal, process, as_of))))
    out.sort(key=lambda r: (r.item.deal.status == "hold", r.weighted is None,
                           -(r.weighted or r.amount or 0), r.item.id))
    return out


# ------------------------------------------------------------ account risks
#
# A deal linked to an account is also judged with what the account knows:
# how far the relationship has come, our share of the customer's spend, the
# development plan, and how the same people stand on the customer's other
# deals (docs/method.md, "The relationship"). Each check sees the deal as the
# method does (merged with its account), the account and the account's other
# deals, merged the same way.

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
        out.append(replace(r, risks=(*r.risks, *extra)) if extra else r)
    return out
