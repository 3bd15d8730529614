"""`salesflow show`: both processes side by side, SPIN needs, relationship, risks, JSON."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from salesflow.cli import _common
from tests.aligned import assert_aligned, table_after
from tests.conftest import WS


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "today", lambda: dt.date(2026, 11, 27))


def test_both_processes_side_by_side(demo: WS) -> None:
    out = demo.run("show", "lubei-compressor-plc").stdout
    block = table_after(out, "   Sales process", rows=16)
    assert block == [
        "   Sales process                                              #  Customer's buying "
        "process                     Goes with",
        "   G Account planning and appointment                10%      1  A problem is found   "
        "                         G, F",
        "   F Customer visit and first needs survey           20%      2  The using department "
        "raises a need            G, F",
        "   E Preliminary proposal                            25%      3  Feasibility study    "
        "                         F, E",
        "   D Solution demonstration and technical exchange   30%  >   4  The budget is set    "
        "                         E, D",
        "   C Needs analysis and formal solution design       50%      5  The project is "
        "approved                       E, D",
        "   B Project evaluation                              75%      6  A purchasing team is "
        "formed                   D, C",
        ">  A Commercial negotiation                          90%      7  Technical standards "
        "for the purchase are set  D, C",
        "   S Signed and handed over to delivery             100%      8  The tender is issued "
        "                         C",
        "                                                              9  First technical "
        "screening of the bidders      C",
        "                                                             10  Bid evaluation       "
        "                         B",
        "                                                             11  The preferred "
        "supplier is chosen              B",
        "                                                             12  Contract review      "
        "                         [A]",
        "                                                             13  Commercial "
        "negotiation                        [A]",
        "                                                             14  Annexes are added to "
        "the contract             [A]",
        "                                                             15  The agreement is "
        "signed                       S",
        "                                                             16  Implementation is "
        "ensured                     S",
    ]
    assert ("Out of step: the sale (stage A) is 3 stages ahead of the customer, who is at step "
            "4/16 “The budget is set” (goes with E, D).") in out


def test_in_step_and_behind_and_unknown(ws: WS) -> None:
    ws.deal("a", "customer: X\nstage: C\nprocurement_step: tender-issued\n")
    ws.deal("b", "customer: X\nstage: E\nprocurement_step: bid-evaluation\n")
    ws.deal("c", "customer: X\nstage: E\n")
    assert ("In step: the customer is at step 8/16 “The tender is issued”, which goes with "
            "stage C.") in ws.run("show", "a").stdout
    assert ("Out of step: the customer, at step 10/16 “Bid evaluation” (goes with B), is 3 "
            "stages ahead of the sale (stage E).") in ws.run("show", "b").stdout
    assert ("The customer's buying step is not recorded: set `procurement_step:` (one of the 16 "
            "step ids in stages.yaml).") in ws.run("show", "c").stdout


def test_needs_grouped_by_spin_kind(ws: WS) -> None:
    ws.deal("a", """\
customer: X
stage: C
needs:
  - {kind: N, text: "Cut energy use by 15%", explicit: true, from: Wang, date: 2026-09-30}
  - {kind: P, text: "Pumps run off their best point at night"}
  - {kind: P, text: "Valves wear out every year", explicit: true}
stakeholders: [{name: Wang}]
""")
    out = ws.run("show", "a").stdout
    assert table_after(out, "Kind") == [
        "Kind           Need                                     State     From  Date",
        "S Situation    —                                        none yet",
        "P Problem      Pumps run off their best point at night  implied",
        "               Valves wear out every year               explicit",
        "I Implication  —                                        none yet",
        "N Need-payoff  Cut energy use by 15%                    explicit  Wang  2026-09-30",
        "No S (situation) need yet: ask situation questions (6W3H: who, what, where, when, why, "
        "which; how, how much, how long).",
        "No I (implication) need yet: ask implication questions: what the problem costs them, "
        "and whom it hurts.",
    ]
    assert "Needs (SPIN): 2 explicit, 1 implied" in out


def test_relationship_stage_is_explained(ws: WS) -> None:
    ws.deal("a", "customer: X\nstage: G\nrelationship: middle\n")
    assert re.search(r"\nRelationship +middle: trust is established; the customer still buys "
                     r"from others too \(share of wallet 30–50%\)\n", ws.run("show", "a").stdout)


def test_risks_and_overdue_steps_as_of_today(demo: WS) -> None:
    out = demo.run("show", "huaxin-leak-test-data").stdout
    assert "Expected close   2026-11-13 (passed)" in out
    assert "2026-11-20 overdue  Send Sun Hao the traceability case study" in out
    assert "Risks today (5; salesflow review lists them for every deal)" in out
    assert "close-passed       expected close 2026-11-13 passed 14 days ago" in out


def test_show_json_adds_fields_and_keeps_the_old_ones(demo: WS) -> None:
    data = json.loads(demo.run("show", "lubei-compressor-plc", "--format", "json").stdout)
    assert {"id", "path", "name", "customer", "owner", "amount", "currency", "stage", "status",
            "expected_close", "relationship", "procurement_step", "milestones", "stakeholders",
            "needs", "next_steps", "history", "notes", "x-crm-id", "probability",
            "amount_report", "weighted", "report_currency", "gate"} <= set(data)
    assert data["procurement_step"] == "budget-set"
    assert data["buying_process"] == {"step": "budget-set", "number": 4, "of": 16,
                                      "name": "The budget is set", "stages": ["E", "D"],
                                      "apart": 3}
    assert data["relationship_stage"] == {
        "stage": "middle", "meaning": "trust is established; the customer still buys from "
        "others too", "share_of_wallet": "30–50%"}
    assert [r["code"] for r in data["risks"]] == ["opponent-buyer", "out-of-step"]
    assert data["stakeholders"][3]["attitude"] == "opponent"


def test_show_tables_align_with_cjk(demo: WS) -> None:
    out = demo.run("show", "meida-assembly-mes").stdout
    assert_aligned(table_after(out, "Stakeholder  ", rows=5))
    assert_aligned(table_after(out, "Kind"))
    assert_aligned(table_after(out, "Due"))
    assert_aligned(table_after(out, "   Sales process", rows=16), right=("#",))
