"""The transitions as pure functions: a deal in, the intended edits (or a refusal) out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from salesflow.files import yamlio
from salesflow.files.parse import parse_deal
from salesflow.method import transitions as pipeline
from salesflow.method.transitions import Context, GateRefused
from salesflow.model.deal import Deal
from salesflow.model.edits import Append, Delete, Set
from salesflow.model.errors import DataError, UsageError
from salesflow.model.process import Process

D = dt.date(2026, 12, 1)
CTX = Context(deal_id="acme", on=D, by="王芳")


def deal(process: Process, text: str) -> tuple[Deal, Any]:
    found, problems = parse_deal(text.encode(), "deals/acme.yaml", process)
    assert found is not None, problems
    return found, yamlio.parse(text.encode(), "x").data


G = "customer: Acme\nstage: G\nhistory:\n  - {date: 2026-11-01, to: G}\n"
C_READY = """\
customer: Acme
stage: C
amount: 1
milestones:
  requirements-fit: 2026-11-02
stakeholders:
  - {name: Wang, level: decision, attitude: supporter}
needs:
  - {kind: N, text: x, explicit: true}
history:
  - {date: 2026-11-01, to: C}
"""


# ------------------------------------------------------------------------ tick


def test_tick_records_date_note_and_author(process: Process) -> None:
    d, data = deal(process, G)
    change = pipeline.tick(d, data, process, CTX, "visit-committed", note="agreed")
    assert change.ops == (Set(("milestones", "visit-committed"),
                              {"date": D, "note": "agreed", "by": "王芳"}),)
    assert change.summary == "acme: recorded visit-committed (G) on 2026-12-01"
    assert change.notes == ()


def test_tick_any_stage_milestone(process: Process) -> None:
    d, data = deal(process, G)
    change = pipeline.tick(d, data, process, CTX, "contract-signed")
    assert change.summary == "acme: recorded contract-signed (S) on 2026-12-01"


def test_tick_unknown_milestone_lists_the_stage_ones(process: Process) -> None:
    d, data = deal(process, C_READY)
    with pytest.raises(UsageError) as err:
        pipeline.tick(d, data, process, CTX, "requirement-fit")
    assert err.value.message == ("unknown milestone 'requirement-fit'; did you mean "
                                 "'requirements-fit'?")
    assert err.value.hint == ("the milestones of stage C are: requirements-fit, needs-explicit, "
                              "senior-supporter; `salesflow check acme` shows them with their "
                              "texts")


def test_tick_a_rule_milestone_is_recorded_with_a_note(process: Process) -> None:
    d, data = deal(process, G)
    change = pipeline.tick(d, data, process, CTX, "deal-qualified")
    assert change.ops[0] == Set(("milestones", "deal-qualified"), {"date": D, "by": "王芳"})
    assert change.notes == (
        "deal-qualified is checked from the deal's data by a rule, which a record does not "
        "override; its rule does not hold yet: the deal's `amount` is not set; the deal's "
        "`expected_close` is not set",)


@pytest.mark.parametrize(
    ("record", "note", "date_given", "ops"),
    [
        ("2026-11-02", None, False, ()),
        ("2026-11-02", None, True, (Set(("milestones", "visit-committed"), D),)),
        ("2026-11-02", "n", False,
         (Set(("milestones", "visit-committed"), {"date": dt.date(2026, 11, 2), "note": "n"}),)),
        ("{date: 2026-11-02, note: n}", "n", False, ()),
        ("{date: 2026-11-02, note: n}", "m", True,
         (Set(("milestones", "visit-committed", "date"), D),
          Set(("milestones", "visit-committed", "note"), "m"))),
        ("{date: 2026-12-01}", None, True, ()),
    ],
    ids=["same", "new-date", "note-on-bare-date", "same-note", "both", "same-date"],
)
def test_tick_again(process: Process, record: str, note: str | None, date_given: bool,
                    ops: tuple[Any, ...]) -> None:
    d, data = deal(process, f"customer: A\nstage: G\nmilestones:\n  visit-committed: {record}\n")
    change = pipeline.tick(d, data, process, CTX, "visit-committed", note=note,
                           date_given=date_given)
    assert change.ops == ops
    if not ops:
        assert "is already recorded" in change.summary


def test_untick(process: Process) -> None:
    d, _ = deal(process, C_READY)
    assert pipeline.untick(d, process, CTX, "requirements-fit").ops == (
        Delete(("milestones", "requirements-fit")),)
    nothing = pipeline.untick(d, process, CTX, "visit-committed")
    assert nothing.empty
    assert nothing.summary == "acme: visit-committed is not recorded; nothing changed"
    with pytest.raises(UsageError):
        pipeline.untick(d, process, CTX, "nope")


# --------------------------------------------------------------------- advance


def test_advance_refused_lists_unmet_milestones(process: Process) -> None:
    d, _ = deal(process, G)
    with pytest.raises(GateRefused) as err:
        pipeline.advance(d, process, CTX)
    assert err.value.message == ("cannot advance acme from G to F: 1 of 1 exit milestone(s) "
                                 "of stage G not met")
    assert [s.milestone.id for s in err.value.unmet] == ["visit-committed"]
    assert err.value.exit_code == 1


def test_advance_to_skips_stages_only_when_all_their_gates_are_met(process: Process) -> None:
    d, _ = deal(process, G.replace("stage: G\n", "stage: G\nmilestones: {visit-committed: "
                                   "2026-11-02}\n"))
    with pytest.raises(GateRefused) as err:
        pipeline.advance(d, process, CTX, to="D")
    assert [(s.stage, s.milestone.id) for s in err.value.unmet] == [
        ("F", "proposal-expected"), ("E", "tech-exchange-committed"), ("E", "deal-qualified")]
    assert "of stages F, E not met" in err.value.message
    assert "salesflow advance acme --to D --force" in (err.value.hint or "")


def test_advance_when_ready(process: Process) -> None:
    d, _ = deal(process, C_READY)
    change = pipeline.advance(d, process, CTX, note="evaluation starts")
    assert change.ops == (
        Set(("stage",), "B"),
        Append(("history",), {"date": D, "from": "C", "to": "B", "by": "王芳",
                              "note": "evaluation starts"}),
    )
    assert change.summary == "acme: C → B (Project evaluation, 75%)"


def test_advance_into_the_last_stage_wins(process: Process) -> None:
    d, _ = deal(process, "customer: A\nstage: A\nmilestones: {terms-agreed: 2026-11-02}\n")
    change = pipeline.advance(d, process, CTX)
    assert change.ops == (
        Set(("stage",), "S"), Set(("status",), "won"),
        Append(("history",), {"date": D, "from": "A", "to": "S", "status": "won",
                              "by": "王芳"}),
    )
    assert change.summary.endswith(": won")


def test_force_needs_a_reason_and_records_it(process: Process) -> None:
    d, _ = deal(process, G)
    with pytest.raises(UsageError, match="--force needs --reason"):
        pipeline.advance(d, process, CTX, force=True)
    change = pipeline.advance(d, process, CTX, force=True, reason="framework contract")
    assert change.ops[-1] == Append(("history",), {"date": D, "from": "G", "to": "F",
                                                   "by": "王芳", "forced": True,
                                                   "skipped": ["visit-committed"],
                                                   "reason": "framework contract"})
    assert change.notes == ("forced past unmet milestone(s): visit-committed",)


def test_moving_back_needs_a_reason_but_no_gate(process: Process) -> None:
    d, _ = deal(process, C_READY.replace("  requirements-fit: 2026-11-02\n", "  {}\n")
                .replace("milestones:\n  {}", "milestones: {}"))
    with pytest.raises(UsageError) as err:
        pipeline.advance(d, process, CTX, to="E")
    assert err.value.message == "moving acme back from C to E needs --reason"
    change = pipeline.advance(d, process, CTX, to="E", reason="budget cut")
    assert change.ops[-1] == Append(("history",), {"date": D, "from": "C", "to": "E",
                                                   "by": "王芳", "reason": "budget cut"})
    assert change.summary == "acme: C → E (Preliminary proposal, 25%) (back)"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("customer: A\nstage: C\nstatus: lost\nlost_reason: price\n",
         "acme is lost (price): only open deals move between stages",
         'reopen it first: salesflow reopen acme --reason "why"'),
        ("customer: A\nstage: C\nstatus: hold\n",
         "acme is on hold: only open deals move between stages",
         'reopen it first: salesflow reopen acme --reason "why"'),
        ("customer: A\nstage: S\nstatus: won\n",
         "acme is won (stage S): a won deal does not move",
         'to undo the win: salesflow reopen acme --reason "why" (moves it back to A)'),
    ],
)
def test_only_open_deals_move(process: Process, text: str, message: str, hint: str) -> None:
    d, _ = deal(process, text)
    with pytest.raises(DataError) as err:
        pipeline.advance(d, process, CTX)
    assert (err.value.message, err.value.hint) == (message, hint)
    assert not isinstance(err.value, UsageError)


@pytest.mark.parametrize(
    ("to", "message"),
    [("X", "--to 'X' is not a stage of this process"), ("G", "acme is already in stage G")],
)
def test_bad_target(process: Process, to: str, message: str) -> None:
    d, _ = deal(process, G)
    with pytest.raises(UsageError) as err:
        pipeline.advance(d, process, CTX, to=to)
    assert err.value.message == message


def test_a_date_before_the_last_history_entry_is_refused(process: Process) -> None:
    d, _ = deal(process, G)
    early = Context("acme", dt.date(2026, 10, 1), "me")
    with pytest.raises(UsageError) as err:
        pipeline.advance(d, process, early, force=True, reason="x")
    assert err.value.message == ("--date 2026-10-01 for acme is before the day it was "
                                 "created; allowed: 2026-11-01 or later")


# ---------------------------------------------------------------- status changes


def test_lose_with_a_known_reason(process: Process) -> None:
    d, _ = deal(process, G)
    change = pipeline.lose(d, process, CTX, "price", note="18% below us")
    assert change.ops == (
        Set(("status",), "lost"), Set(("lost_reason",), "price"),
        Append(("history",), {"date": D, "status": "lost", "by": "王芳",
                              "note": "18% below us", "reason": "price"}),
    )
    assert change.summary == "acme: lost (price) in stage G"


def test_lose_with_an_unknown_reason_lists_the_allowed_ones(process: Process) -> None:
    d, _ = deal(process, G)
    with pytest.raises(UsageError) as err:
        pipeline.lose(d, process, CTX, "prize")
    assert err.value.message == ("--reason 'prize' is not one of this process's lost reasons; "
                                 "did you mean 'price'?")
    assert err.value.hint is not None
    assert err.value.hint.startswith("use one of: price, competitor, no-budget, no-decision,")


def test_lose_takes_any_reason_when_the_process_lists_none(process: Process) -> None:
    free = process.model_copy(update={"lost_reasons": []})
    d, _ = deal(free, G)
    assert pipeline.lose(d, free, CTX, "the plant closed").ops[1] == Set(
        ("lost_reason",), "the plant closed")


def test_lose_a_lost_or_won_deal(process: Process) -> None:
    d, _ = deal(process, "customer: A\nstage: C\nstatus: lost\nlost_reason: price\n")
    assert pipeline.lose(d, process, CTX, "price").empty
    d, _ = deal(process, "customer: A\nstage: S\nstatus: won\n")
    with pytest.raises(DataError, match="a won deal cannot be lost"):
        pipeline.lose(d, process, CTX, "price")


def test_hold(process: Process) -> None:
    d, _ = deal(process, G)
    assert pipeline.hold(d, process, CTX, "budget frozen").ops == (
        Set(("status",), "hold"),
        Append(("history",), {"date": D, "status": "hold", "by": "王芳",
                              "reason": "budget frozen"}),
    )
    held, _ = deal(process, "customer: A\nstage: C\nstatus: hold\n")
    assert pipeline.hold(held, process, CTX).empty
    lost, _ = deal(process, "customer: A\nstage: C\nstatus: lost\n")
    with pytest.raises(DataError, match="only an open deal can be put on hold"):
        pipeline.hold(lost, process, CTX)


def test_reopen_a_lost_deal_drops_the_lost_reason(process: Process) -> None:
    d, data = deal(process, "customer: A\nstage: C\nstatus: lost\nlost_reason: price\n")
    assert pipeline.reopen(d, data, process, CTX).ops == (
        Set(("status",), "open"), Delete(("lost_reason",)),
        Append(("history",), {"date": D, "status": "open", "by": "王芳"}),
    )
    held, data = deal(process, "customer: A\nstage: C\nstatus: hold\n")
    assert [type(op) for op in pipeline.reopen(held, data, process, CTX).ops] == [Set, Append]
    still, data = deal(process, G)
    assert pipeline.reopen(still, data, process, CTX).empty


def test_reopen_a_won_deal_needs_a_reason_and_moves_it_back(process: Process) -> None:
    d, data = deal(process, "customer: A\nstage: S\nstatus: won\n")
    with pytest.raises(UsageError, match="reopening a won deal needs --reason"):
        pipeline.reopen(d, data, process, CTX)
    change = pipeline.reopen(d, data, process, CTX, reason="contract cancelled")
    assert change.ops == (
        Set(("stage",), "A"), Set(("status",), "open"),
        Append(("history",), {"date": D, "from": "S", "to": "A", "status": "open",
                              "by": "王芳", "reason": "contract cancelled"}),
    )
