"""What `review` judges of a deal, small enough to cache beside its summary.

A review reads a few facts of each deal beyond its top-level fields, and
loading the whole deal for them costs a warm review ten times the funnel's
time. Most of what it judges does not even depend on the day: whether the
buying centre has a coach or anybody at the decision level, an opponent
holding the budget, the sale out of step with the customer's buying process,
no explicit need late in the process, a passed stage's broken rule. So the
loader, as it parses a deal, records (`facts_text`) what those checks found
(`health.findings`), and what the checks of the day need: the dates of its
history and milestones (is it idle?), its next steps (overdue?) and whom to
ask first. A review then does a few date comparisons per deal (`judge`) and
says the findings with the very functions the full checks use, so the two
cannot drift apart.

The findings depend on the process too; the cache is keyed on the bytes of
`stages.yaml`, so they are never read against another one. Language-neutral
on purpose: names, codes, dates and numbers, never a sentence (the risks are
said in the language of the invocation). The one check that needs the
rule's own sentences, `rule_broken`, is recorded as a flag only: a deal whose
passed milestone rules no longer hold is judged from its full data.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from salesflow.method.risk_words import (
    SAYERS,
    Risk,
    idle_move,
    idle_reason,
    say_close_passed,
    say_no_next_step,
    say_overdue,
)
from salesflow.model.jsontext import dumps, loads, loads_flags

if TYPE_CHECKING:
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process
    from salesflow.model.summary import DealSummary, ProcessSummary


def facts_text(deal: Deal, process: Process) -> str:
    """The review facts of a valid deal, as compact JSON (the cache's `review` column).

    [activity dates, next steps by due date, whom to ask, findings, broken]:
    the dates of every history entry and milestone record, sorted and once
    each; the next steps [due, action] sorted by due date (steps due the same
    day keep their order); `health.ask_of`; for an open deal, its
    `health.findings` (each as its own JSON text) and 1 when a passed stage's
    rule no longer holds.
    """
    from salesflow.method.health import ask_of, findings, has_broken_rule  # the models

    dates = sorted({h.date for h in deal.history} | {m.date for m in deal.milestones.values()})
    steps = sorted(deal.next_steps, key=lambda s: s.due)
    is_open = deal.status == "open"
    return dumps([[d.isoformat() for d in dates],
                  [[s.due.isoformat(), s.action] for s in steps],
                  ask_of(deal),
                  [dumps(f) for f in findings(deal, process)] if is_open else [],
                  1 if is_open and has_broken_rule(deal, process) else 0])


def judge(deal: DealSummary, process: Process | ProcessSummary, as_of: dt.date,
          said: dict[Any, Any] | None = None) -> tuple[list[Risk], bool]:
    """The risks of a summarized open or held deal on `as_of`, and whether a rule broke.

    Exactly `health.risks` of the full deal, but for the rule-broken risks:
    when the flag is True the caller judges the deal from its full data.
    `said` keeps each risk once said, for the next deal with the same facts
    (the same coach-less buying centre, close date or overdue step recur
    across thousands of deals): give one dict per review, in one language.
    """
    assert deal.review is not None, "a summary loaded with its review facts"
    if said is None:
        said = {}
    dates, steps, ask, found, broken = loads_flags(deal.review)
    day = as_of.isoformat()  # ISO dates compare as their texts do
    out: list[Risk] = []
    is_open = deal.status == "open"
    if is_open:
        stage = process.stage(deal.stage)
        rot = stage.rot_days
        if rot is not None:
            for last in reversed(dates):
                if last <= day:
                    when = _day(last)
                    days = (as_of - when).days
                    if days > rot:  # its two halves recur apart: said apart
                        key: Any = ("idle", days, stage.code, rot, last)
                        reason = said.get(key)
                        if reason is None:
                            reason = said[key] = idle_reason(days, stage.code, rot, when)
                        key = ("ask", *ask) if ask else "ask"
                        move = said.get(key)
                        if move is None:
                            move = said[key] = idle_move(ask)
                        out.append(Risk("idle", reason, move))
                    break
        close = deal.expected_close
        if close is not None and close < as_of:
            risk = said.get(close)
            if risk is None:
                risk = said[close] = say_close_passed(close, as_of)
            out.append(risk)
    if not steps:
        risk = said.get(is_open)
        if risk is None:
            risk = said[is_open] = say_no_next_step(not is_open)
        out.append(risk)
    elif steps[0][0] < day:
        late = 1
        while late < len(steps) and steps[late][0] < day:
            late += 1
        due, action = steps[0]
        key = ("late", late, due, action)
        risk = said.get(key)
        if risk is None:
            when = _day(due)
            risk = said[key] = say_overdue((as_of - when).days, late - 1, action, when)
        out.append(risk)
    if is_open:
        for text in found:  # each finding as its own JSON text: the key of its words
            risk = said.get(text)
            if risk is None:
                name, *values = loads(text)
                risk = said[text] = SAYERS[name](*values)
            out.append(risk)
    return out, bool(broken)


_day = functools.lru_cache(maxsize=1 << 14)(dt.date.fromisoformat)
