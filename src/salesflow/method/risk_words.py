"""The words of every risk of a deal's own review: plain values in, a `Risk` out.

`method.health` finds the risks; this module says them. Apart so that a
review from cached facts (`method.review_facts.judge`) says them with the
very same functions without importing the deal models (pydantic) that
finding them from a full deal needs: a warm review of 50,000 deals starts
in the time of the funnel. Every function takes only names, codes, dates
and numbers, and phrases them in the language of the invocation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from salesflow.model.i18n import _, ngettext
from salesflow.model.words import ROLE_NOUNS, and_list, or_list

Ask = list[Any] | None  # [name, 1 if our coach else 0]: whom to ask first, if anybody


class Risk(NamedTuple):
    """One thing wrong with a deal: a short code, why in one line, and what to do.

    A tuple: a review of 50,000 deals makes a few hundred thousand of them.
    """

    code: str
    reason: str
    move: str



def ask_words(ask: Ask) -> str:
    if ask is None:
        return ""
    if ask[1]:
        return _(" (ask {name}, your coach)").format(name=ask[0])
    return _(" (ask {name}, who supports us)").format(name=ask[0])


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _stages(n: int) -> str:
    return ngettext("{n} stage", "{n} stages", n).format(n=n)


def say_idle(days: int, stage: str, rot: int, last: dt.date, ask: Ask) -> Risk:
    return Risk("idle", idle_reason(days, stage, rot, last), idle_move(ask))


def idle_reason(days: int, stage: str, rot: int, last: dt.date) -> str:
    return _("idle for {days} in stage {stage} (stalled after {rot}); last move or milestone "
             "{last}").format(days=_days(days), stage=stage, rot=rot, last=last.isoformat())


def idle_move(ask: Ask) -> str:
    return _("find out where the project stands{ask} and agree on a next step; if it has "
             "stopped, put the deal on hold").format(ask=ask_words(ask))


def say_close_passed(close: dt.date, as_of: dt.date) -> Risk:
    return Risk("close-passed", _("expected close {date} passed {days} ago").format(
        date=close.isoformat(), days=_days((as_of - close).days)),
                _("agree a realistic close date with the customer and update "
                  "`expected_close:`; a past date distorts the forecast"))


def say_no_next_step(held: bool) -> Risk:
    if held:
        return Risk("no-next-step", _("on hold with no follow-up planned"),
                    _("add a date to check back under `next_steps:`, so the deal is not "
                      "forgotten"))
    return Risk("no-next-step", _("no next step agreed with the customer"),
                _("agree the next action and its date with the customer; add it under "
                  "`next_steps:`"))


def say_overdue(days: int, more: int, action: str, due: dt.date) -> Risk:
    """The first overdue step, `days` late, and `more` overdue after it."""
    words = _(" (and {n} more)").format(n=more) if more else ""
    return Risk("next-step-overdue", _("next step overdue by {days}{more}: “{action}” (due "
                                       "{due})").format(days=_days(days), more=words,
                                                        action=action, due=due.isoformat()),
                _("do it now, or agree a new date and update `next_steps:`; remove steps "
                  "that are done"))


def say_no_coach(supporters: list[str]) -> Risk:
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
    return Risk("no-coach", _("no coach: nobody inside the customer is known to want us to "
                              "win"), move)


def say_no_decision_level(ask: Ask) -> Risk:
    return Risk("no-decision-level", _("nobody at the decision level is known"),
                _("find out who makes the final call{ask} and get an introduction; add them "
                  "with `level: decision`").format(ask=ask_words(ask)))


def say_opponent_buyer(name: str, title: str | None, held: list[str],
                       allies: list[str]) -> Risk:
    shown = f" ({title})" if title else ""
    through = (_(", e.g. {names}").format(names=or_list(allies)) if allies else "")
    what = _("decision") if "decision" in held else _("budget")
    return Risk("opponent-buyer", _("{name}{title}, {roles}, is an opponent").format(
        name=name, title=shown, roles=and_list([ROLE_NOUNS[r] for r in held])),
                _("learn what {name} objects to and answer it through someone they "
                  "trust{through}; do not leave the {what} to {name} alone").format(
                      name=name, through=through, what=what))


def say_out_of_step(apart: int | str, *rest: Any) -> Risk:
    if apart == "unknown":
        return Risk("no-procurement-step",
                    _("the customer's own buying step is not recorded"),
                    _("ask where the customer's buying process stands{ask} and set "
                      "`procurement_step:`").format(ask=ask_words(rest[0])))
    assert isinstance(apart, int)
    stage, label, goes_with = rest
    if apart > 0:
        return Risk("out-of-step", _("sales stage {stage} is {apart} ahead of the customer, "
                                     "who is at step {step} (goes with {with_})").format(
                                         stage=stage, apart=_stages(apart), step=label,
                                         with_=goes_with),
                    _("confirm with the customer where their process really is; help them "
                      "through the steps they still need (budget, approval) before pushing the "
                      "sale, and do not negotiate price before the budget is set"))
    return Risk("out-of-step", _("the customer is {apart} ahead of the sale: at step "
                                 "{step} (goes with {with_}) while the deal is in "
                                 "{stage}").format(
                                     apart=_stages(-apart), step=label, with_=goes_with,
                                     stage=stage),
                _("catch up: meet the milestones of stage {stage} and advance (`salesflow "
                  "check`); find out who is driving the process, it may be a competitor; if "
                  "the deal is already further, update `stage:`").format(stage=stage))


def say_no_explicit_need(stage: str, implied: int) -> Risk:
    have = (ngettext("{n} implied need", "{n} implied needs", implied).format(n=implied)
            if implied else _("no needs"))
    return Risk("no-explicit-need", _("stage {stage} with no explicit need ({have} "
                                      "recorded)").format(stage=stage, have=have),
                _("confirm the customer's deepest pain with implication and need-payoff "
                  "questions; record the need they state with `explicit: true`"))


SAYERS: dict[str, Callable[..., Risk]] = {
    "no_coach": say_no_coach,
    "no_decision_level": say_no_decision_level,
    "opponent_buyer": say_opponent_buyer,
    "out_of_step": say_out_of_step,
    "no_explicit_need": say_no_explicit_need,
}


