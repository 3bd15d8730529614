"""What `review` judges of a deal, small enough to cache beside its summary.

A review reads a few facts of each deal beyond its top-level fields: the
dates of its history and milestones (is it idle?), its next steps (overdue?),
its buying centre (a coach? somebody at the decision level? an opponent
holding the budget?) and its needs (an explicit one?). Loading the whole deal
for these costs a warm review ten times the funnel's time, so the loader
records them as it parses (`facts_text`) and `SlimDeal` reads them back: a
value that answers every question the risk checks of `salesflow.method.health`
ask of a Deal, so the same checks run on either and cannot drift apart.

Language-neutral on purpose: only names, dates and flags, never a sentence
(the checks phrase the risks in the language of the invocation). The one
check that would need whole sentences of the milestone rules, `rule_broken`,
is recorded as a flag only: a deal whose passed milestone rules no longer
hold is judged from its full data (`broken`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import TYPE_CHECKING, Any, NamedTuple

from salesflow.method.gates import stage_gate

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process


class Person(NamedTuple):
    """What the checks read of a stakeholder (see `model.deal.Stakeholder`)."""

    name: str
    title: str | None
    level: str | None
    roles: tuple[str, ...]
    attitude: str
    influence: str | None


class Step(NamedTuple):
    due: dt.date
    action: str


class NeedFact(NamedTuple):
    explicit: bool


class SlimDeal(NamedTuple):
    """A deal as the risk checks see it: its summary's fields and the cached facts."""

    stage: str
    status: str
    expected_close: dt.date | None
    procurement_step: str | None
    dates: tuple[dt.date, ...]  # of every history entry and milestone record, sorted
    stakeholders: tuple[Person, ...]
    next_steps: tuple[Step, ...]
    needs: tuple[NeedFact, ...]
    broken: bool  # a passed stage's milestone rule no longer holds


def activity_dates(deal: Deal | SlimDeal) -> list[dt.date]:
    """Every dated entry of the deal: history and milestone records."""
    if isinstance(deal, SlimDeal):
        return list(deal.dates)
    return [h.date for h in deal.history] + [m.date for m in deal.milestones.values()]


def facts_text(deal: Deal, process: Process) -> str:
    """The review facts of a valid deal, as compact JSON (the cache's `review` column)."""
    dates = sorted({d.isoformat() for d in activity_dates(deal)})
    people = [[p.name, p.title, p.level, list(p.roles), p.attitude, p.influence]
              for p in deal.stakeholders]
    steps = [[s.due.isoformat(), s.action] for s in deal.next_steps]
    needs = [1 if n.explicit else 0 for n in deal.needs]
    return json.dumps([dates, people, steps, needs, 1 if has_broken_rule(deal, process) else 0],
                      ensure_ascii=False, separators=(",", ":"))


def has_broken_rule(deal: Deal, process: Process) -> bool:
    """True when `health.rule_broken` finds something: what the cached facts record of it."""
    current = process.index(deal.stage)
    return any(not status.met and status.gaps for stage in process.stages[:current]
               for status in stage_gate(deal, stage, process))


def slim_deal(summary: Any) -> SlimDeal:
    """The deal a summary kept with its `review` facts describes (`DealSummary`)."""
    dates, people, steps, needs, broken = json.loads(summary.review)
    return SlimDeal(
        summary.stage, summary.status, summary.expected_close, summary.procurement_step,
        tuple(_day(d) for d in dates),
        tuple(Person(n, t, lv, tuple(r), a, i) for n, t, lv, r, a, i in people),
        tuple(Step(_day(d), action) for d, action in steps),
        tuple(NeedFact(bool(e)) for e in needs),
        bool(broken),
    )


_day = functools.lru_cache(maxsize=1 << 14)(dt.date.fromisoformat)
