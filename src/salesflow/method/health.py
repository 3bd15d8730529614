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

Most checks do not depend on the day: whether the buying centre has a coach
is a fact of the deal and the process. Each of those is two halves, what it
finds (`FINDERS`: language-neutral values, small enough for the cache to keep
beside a deal's summary, see `method.review_facts`) and how that is said
(`SAYERS`); the check itself is the one after the other. So a review from
the cached findings and a review of the full deal say the same words by
construction, and the daily work of a review is a few date comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from salesflow.method.gates import stage_gate
from salesflow.method.holds import rule_holds
from salesflow.method.reviewed import DealReview, amounts, order
from salesflow.method.risk_words import (
    SAYERS,
    Ask,
    Risk,
    say_close_passed,
    say_idle,
    say_no_next_step,
    say_overdue,
)
from salesflow.model.deal import Deal, DealFile, Stakeholder
from salesflow.model.i18n import _
from salesflow.model.process import Process, ProcurementStep, Rule

# A finding: what a day-independent check found, as plain JSON-able values.
Found = list[Any]


# --------------------------------------------------------- shared answers


def activity_dates(deal: Deal) -> list[dt.date]:
    """Every dated entry of the deal: history and milestone records."""
    return [h.date for h in deal.history] + [m.date for m in deal.milestones.values()]


def last_activity(deal: Deal, as_of: dt.date) -> dt.date | None:
    """The latest history entry or milestone record on or before `as_of`."""
    dates = [d for d in activity_dates(deal) if d <= as_of]
    return max(dates) if dates else None


def coaches(deal: Deal) -> list[Stakeholder]:
    return [p for p in deal.stakeholders if "coach" in p.roles and p.attitude != "opponent"]


def ask_of(deal: Deal) -> Ask:
    """Whom to call first: the coach, else the most influential supporter (or nobody)."""
    found = coaches(deal)
    if found:
        return [found[0].name, 1]
    supporters = sorted((p for p in deal.stakeholders if p.attitude == "supporter"),
                        key=lambda p: {"high": 0, "medium": 1, "low": 2}.get(p.influence or "", 3))
    return [supporters[0].name, 0] if supporters else None


def _past_first_stage(deal: Deal, process: Process) -> bool:
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


def alignment(deal: Deal, process: Process) -> Alignment | None:
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


# ------------------------------------------------- the checks of the day
#
# Each says its risk through a `risk_words.say_` function of plain values,
# which the review from cached facts calls too (`review_facts.judge`).


def idle(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    stage = process.stage(deal.stage)
    last = last_activity(deal, as_of)
    if stage.rot_days is None or last is None:
        return
    days = (as_of - last).days
    if days > stage.rot_days:
        yield say_idle(days, stage.code, stage.rot_days, last, ask_of(deal))


def close_passed(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    close = deal.expected_close
    if close is not None and close < as_of:
        yield say_close_passed(close, as_of)


def next_step(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    if not deal.next_steps:
        yield say_no_next_step(deal.status == "hold")
        return
    overdue = sorted((s for s in deal.next_steps if s.due < as_of), key=lambda s: s.due)
    if overdue:
        first = overdue[0]
        yield say_overdue((as_of - first.due).days, len(overdue) - 1, first.action, first.due)


# -------------------------------------------- the checks of the deal alone
#
# find_X(deal, process) -> the findings (each a list of plain values);
# risk_words.say_X(*finding) -> its Risk; X(deal, process, as_of) is the two in turn.


def find_no_coach(deal: Deal, process: Process) -> list[Found]:
    if not _past_first_stage(deal, process) or coaches(deal):
        return []
    return [[[p.name for p in deal.stakeholders if p.attitude == "supporter"][:3]]]


def find_no_decision_level(deal: Deal, process: Process) -> list[Found]:
    if not _past_first_stage(deal, process):
        return []
    if any(p.level == "decision" for p in deal.stakeholders):
        return []
    return [[ask_of(deal)]]


def find_opponent_buyer(deal: Deal, process: Process) -> list[Found]:
    found: list[Found] = []
    for p in deal.stakeholders:
        held = [r for r in p.roles if r in ("decision", "financial")]
        if p.attitude != "opponent" or not held:
            continue
        allies = [s.name for s in deal.stakeholders if s.attitude == "supporter"
                  and s.level in ("decision", "management") and s.name != p.name]
        found.append([p.name, p.title, held, allies[:2]])
    return found


def find_out_of_step(deal: Deal, process: Process) -> list[Found]:
    """["unknown", ask] when no step is recorded; else [apart, stage, step, goes with]."""
    if not process.procurement:
        return []
    if deal.procurement_step is None:
        return [["unknown", ask_of(deal)]] if _past_first_stage(deal, process) else []
    where = alignment(deal, process)
    if where is None or where.apart == 0:
        return []
    return [[where.apart, deal.stage, where.label, ", ".join(where.step.stages)]]


def find_no_explicit_need(deal: Deal, process: Process) -> list[Found]:
    start = _need_stage(process)
    if start is None or process.index(deal.stage) < process.index(start):
        return []
    if any(n.explicit for n in deal.needs):
        return []
    return [[deal.stage, len(deal.needs)]]


def no_coach(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    yield from _said("no_coach", deal, process)


def no_decision_level(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    yield from _said("no_decision_level", deal, process)


def opponent_buyer(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    yield from _said("opponent_buyer", deal, process)


def out_of_step(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    yield from _said("out_of_step", deal, process)


def no_explicit_need(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
    yield from _said("no_explicit_need", deal, process)


def _said(name: str, deal: Deal, process: Process) -> Iterator[Risk]:
    say = SAYERS[name]
    for found in FINDERS[name](deal, process):
        yield say(*found)


Finder = Callable[[Deal, Process], list[Found]]

# The day-independent checks, in the order a review prints them.
FINDERS: dict[str, Finder] = {
    "no_coach": find_no_coach,
    "no_decision_level": find_no_decision_level,
    "opponent_buyer": find_opponent_buyer,
    "out_of_step": find_out_of_step,
    "no_explicit_need": find_no_explicit_need,
}
def findings(deal: Deal, process: Process) -> list[Found]:
    """Every day-independent finding of an open deal, each as [check name, *values]."""
    return [[name, *found] for name, find in FINDERS.items() for found in find(deal, process)]


def rule_broken(deal: Deal, process: Process, as_of: dt.date) -> Iterator[Risk]:
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


def has_broken_rule(deal: Deal, process: Process) -> bool:
    """True when `rule_broken` finds something (without putting it in words).

    Asked of every open deal as it is read: only a milestone with a rule can
    break (one met by its record has no gaps), so only rules are tested.
    """
    current = process.index(deal.stage)
    return any(not rule_holds(m.rule, deal, process) for stage in process.stages[:current]
               for m in stage.exit if m.rule is not None)


RiskCheck = Callable[[Deal, Process, dt.date], Iterator[Risk]]

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


def risks(deal: Deal, process: Process, as_of: dt.date) -> list[Risk]:
    """Every risk of one deal: all checks for an open deal, the follow-up for a held one."""
    checks = RISK_CHECKS if deal.status == "open" else HOLD_CHECKS if deal.status == "hold" else []
    return [r for check in checks for r in check(deal, process, as_of)]


# ------------------------------------------------------------- the review


def review(process: Process, deals: Iterable[DealFile], as_of: dt.date,
           owners: Iterable[str] = ()) -> list[DealReview]:
    """Open and held deals with their risks, the biggest weighted amount first.

    Held deals (out of the weighted funnel) follow the open ones, deals without
    an amount come last in each group, and ties go by id so the order is stable.
    """
    wanted = set(owners)
    out: list[DealReview] = []
    for item in deals:
        d = item.deal
        if d.status not in ("open", "hold") or (wanted and d.owner not in wanted):
            continue
        amount, value = amounts(d, process)
        out.append(DealReview(item, amount, value, tuple(risks(d, process, as_of))))
    out.sort(key=order)
    return out
