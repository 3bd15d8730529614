"""Deal health: each risk check on small in-memory deals, then the review as a whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from salesflow.method import health
from salesflow.method.health import RISK_CHECKS, alignment, explicit_need_stage, review
from salesflow.method.risk_words import Risk
from salesflow.model.deal import Deal, DealFile
from salesflow.model.process import Process

DAY = dt.date(2026, 11, 27)


def deal(**fields: Any) -> Deal:
    data: dict[str, Any] = {"customer": "Acme", "stage": "F", "next_steps": [
        {"due": "2026-12-10", "action": "call"}]}
    data.update(fields)
    return Deal.model_validate(data)


def codes(check: health.RiskCheck, d: Deal, process: Process, as_of: dt.date = DAY,
          ) -> list[str]:
    return [r.code for r in check(d, process, as_of)]


COACH = {"name": "Ma", "level": "operations", "roles": ["user", "coach"],
         "attitude": "supporter"}
BOSS = {"name": "Wang", "level": "decision", "roles": ["decision"], "attitude": "neutral"}


def test_every_check_is_listed() -> None:
    names = {f.__name__ for f in RISK_CHECKS}
    assert names == {"idle", "close_passed", "next_step", "no_coach", "no_decision_level",
                     "opponent_buyer", "out_of_step", "no_explicit_need", "rule_broken"}


# ------------------------------------------------------------------- idle


def test_idle_counts_from_the_latest_move_or_milestone(process: Process) -> None:
    d = deal(history=[{"date": "2026-08-01", "to": "G"},
                      {"date": "2026-09-16", "from": "G", "to": "F"}])
    # F rots after 30 days: 30 idle days are fine, 31 are not
    assert codes(health.idle, d, process, dt.date(2026, 10, 16)) == []
    (risk,) = health.idle(d, process, dt.date(2026, 10, 17))
    assert risk == Risk("idle", "idle for 31 days in stage F (stalled after 30); last move or "
                        "milestone 2026-09-16", "find out where the project stands and agree "
                        "on a next step; if it has stopped, put the deal on hold")
    ticked = deal(history=d.model_dump(by_alias=True)["history"],
                  milestones={"visit-committed": "2026-10-01"})
    assert codes(health.idle, ticked, process, dt.date(2026, 10, 17)) == []


def test_idle_ignores_what_happened_after_as_of(process: Process) -> None:
    d = deal(history=[{"date": "2026-01-01", "to": "F"}, {"date": "2026-12-20", "to": "F"}])
    assert codes(health.idle, d, process) == ["idle"]
    assert codes(health.idle, deal(), process) == []  # no history: nothing to measure


def test_idle_names_whom_to_ask(process: Process) -> None:
    d = deal(history=[{"date": "2026-01-01", "to": "F"}], stakeholders=[COACH])
    (risk,) = health.idle(d, process, DAY)
    assert "(ask Ma, your coach)" in risk.move


def test_no_rot_days_no_idle(process: Process) -> None:
    d = deal(stage="S", status="won", history=[{"date": "2020-01-01", "to": "S"}])
    assert codes(health.idle, d, process) == []


# -------------------------------------------------------- dates and steps


def test_close_passed(process: Process) -> None:
    assert codes(health.close_passed, deal(expected_close="2026-11-27"), process) == []
    (risk,) = health.close_passed(deal(expected_close="2026-11-26"), process, DAY)
    assert risk.reason == "expected close 2026-11-26 passed 1 day ago"
    assert codes(health.close_passed, deal(), process) == []


def test_next_steps(process: Process) -> None:
    assert codes(health.next_step, deal(next_steps=[]), process) == ["no-next-step"]
    assert codes(health.next_step, deal(), process) == []
    late = deal(next_steps=[{"due": "2026-11-27", "action": "today is fine"},
                            {"due": "2026-11-20", "action": "send the case study"},
                            {"due": "2026-11-10", "action": "call back"}])
    (risk,) = health.next_step(late, process, DAY)
    assert risk.code == "next-step-overdue"
    assert risk.reason == ("next step overdue by 17 days (and 1 more): “call back” "
                           "(due 2026-11-10)")


def test_a_held_deal_needs_a_follow_up(process: Process) -> None:
    held = deal(status="hold", next_steps=[])
    assert [r.reason for r in health.next_step(held, process, DAY)] == [
        "on hold with no follow-up planned"]
    # held deals get only this check
    assert [r.code for r in health.risks(held, process, DAY)] == ["no-next-step"]
    assert health.risks(deal(status="lost", next_steps=[]), process, DAY) == []


# ------------------------------------------------------------ the people


def test_no_coach_from_the_second_stage_on(process: Process) -> None:
    assert codes(health.no_coach, deal(stage="G"), process) == []
    (risk,) = health.no_coach(deal(stakeholders=[BOSS]), process, DAY)
    assert risk.reason == "no coach: nobody inside the customer is known to want us to win"
    assert risk.move.startswith("develop a coach early")
    assert codes(health.no_coach, deal(stakeholders=[COACH]), process) == []
    turned = {**COACH, "attitude": "opponent"}
    assert codes(health.no_coach, deal(stakeholders=[turned]), process) == ["no-coach"]
    fan = {**BOSS, "attitude": "supporter"}
    (risk,) = health.no_coach(deal(stakeholders=[fan]), process, DAY)
    assert risk.move.startswith("develop a coach: Wang already supports us")


def test_no_decision_level(process: Process) -> None:
    assert codes(health.no_decision_level, deal(stakeholders=[COACH]), process) == [
        "no-decision-level"]
    assert codes(health.no_decision_level, deal(stakeholders=[BOSS]), process) == []
    assert codes(health.no_decision_level, deal(stage="G"), process) == []


def test_opponent_among_decision_or_financial_buyers(process: Process) -> None:
    cfo = {"name": "Zheng", "title": "Head of supply", "level": "management",
           "roles": ["financial", "evaluator"], "attitude": "opponent"}
    ally = {"name": "Han", "level": "decision", "roles": ["decision"], "attitude": "supporter"}
    (risk,) = health.opponent_buyer(deal(stakeholders=[cfo, ally]), process, DAY)
    assert risk == Risk("opponent-buyer", "Zheng (Head of supply), financial buyer, is an opponent",
                        "learn what Zheng objects to and answer it through someone they trust, "
                        "e.g. Han; do not leave the budget to Zheng alone")
    tech = {**cfo, "roles": ["technical"]}
    assert codes(health.opponent_buyer, deal(stakeholders=[tech]), process) == []
    assert codes(health.opponent_buyer, deal(stakeholders=[BOSS]), process) == []


# ------------------------------------------------- the customer's process


@pytest.mark.parametrize(("stage", "step", "apart"), [
    ("A", "budget-set", 3),  # negotiating before the budget is set
    ("D", "budget-set", 0),
    ("E", "budget-set", 0),
    ("C", "budget-set", 1),
    ("G", "tender-issued", -4),
    ("S", "implementation-ensured", 0),
])
def test_alignment(process: Process, stage: str, step: str, apart: int) -> None:
    where = alignment(deal(stage=stage, procurement_step=step,
                           status="won" if stage == "S" else "open"), process)
    assert where is not None and where.apart == apart


def test_out_of_step_says_how_far(process: Process) -> None:
    (ahead,) = health.out_of_step(deal(stage="A", procurement_step="budget-set"), process, DAY)
    assert ahead.reason == ("sales stage A is 3 stages ahead of the customer, who is at step "
                            "4/16 “The budget is set” (goes with E, D)")
    (behind,) = health.out_of_step(deal(stage="E", procurement_step="tender-issued"), process,
                                   DAY)
    assert behind.reason == ("the customer is 2 stages ahead of the sale: at step 8/16 “The "
                             "tender is issued” (goes with C) while the deal is in E")
    assert behind.move.startswith("catch up: meet the milestones of stage E")
    assert codes(health.out_of_step, deal(stage="D", procurement_step="budget-set"),
                 process) == []


def test_the_customers_step_should_be_recorded(process: Process) -> None:
    assert codes(health.out_of_step, deal(), process) == ["no-procurement-step"]
    assert codes(health.out_of_step, deal(stage="G"), process) == []


# ----------------------------------------------------------------- needs


def test_explicit_need_from_stage_c_on(process: Process) -> None:
    assert explicit_need_stage(process) == "C"
    implied = [{"kind": "P", "text": "pumps fail"}]
    assert codes(health.no_explicit_need, deal(stage="D", needs=implied), process) == []
    (risk,) = health.no_explicit_need(deal(stage="C", needs=implied), process, DAY)
    assert risk.reason == "stage C with no explicit need (1 implied need recorded)"
    (risk,) = health.no_explicit_need(deal(stage="B"), process, DAY)
    assert risk.reason == "stage B with no explicit need (no needs recorded)"
    explicit = [{"kind": "N", "text": "save energy", "explicit": True}]
    assert codes(health.no_explicit_need, deal(stage="A", needs=explicit), process) == []


# ----------------------------------------------------------------- rules


def test_a_passed_stages_rule_that_no_longer_holds(process: Process) -> None:
    d = deal(stage="C", amount=5, expected_close="2027-01-01", stakeholders=[COACH])
    (risk,) = health.rule_broken(d, process, DAY)
    assert risk.code == "rule-broken"
    assert risk.reason == ("D milestone key-supporter no longer holds: missing a supporter at "
                           "the decision or management level — none yet")
    assert risk.move == ("Supporters now: Ma (operations level; user buyer, coach). Nobody at "
                         "the decision or management level is listed under `stakeholders:`: "
                         "find out who that is (ask your coach Ma) and add them")
    # the current stage's own gate is not a risk: that is work in progress
    assert codes(health.rule_broken, deal(stage="D", amount=5, expected_close="2027-01-01"),
                 process) == []
    # two passed stages, two broken rules
    assert codes(health.rule_broken, deal(stage="C"), process) == ["rule-broken", "rule-broken"]


# ---------------------------------------------------------------- review


def item(deal_id: str, **fields: Any) -> DealFile:
    return DealFile(deal_id, f"deals/{deal_id}.yaml", deal(**fields))


def test_review_sorts_by_weighted_amount_in_the_report_currency(process: Process) -> None:
    deals = [
        item("small", amount=1000, stage="A"),  # 900
        item("dollars", amount=1000, currency="USD", stage="G"),  # 7100 * 10% = 710
        item("big", amount=100000, stage="G"),  # 10000
        item("none", stage="B"),
        item("held", amount=10**9, status="hold"),
        item("won", amount=10**9, stage="S", status="won"),
        item("lost", amount=10**9, status="lost"),
        item("other", amount=10**9, owner="someone.else"),
    ]
    result = review(process, deals, DAY)
    assert [r.item.id for r in result] == ["other", "big", "small", "dollars", "none", "held"]
    assert result[3].weighted == Decimal("710.00")
    mine = review(process, deals, DAY, owners=["someone.else"])
    assert [r.item.id for r in mine] == ["other"]
