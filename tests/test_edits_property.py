"""Property: any sequence of the daily edit commands leaves a file that validates and whose
history replays to its current state (amounts, close dates, steps, attitudes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.files.parse import parse_deal
from salesflow.files.update import update_deal
from salesflow.method import daily
from salesflow.method.edits import set_fields
from salesflow.method.transitions import Context
from salesflow.model.errors import SalesflowError
from salesflow.reports.replay import fields_untracked, replay
from tests.conftest import TEMPLATES

START = """\
# a deal edited only by commands
customer: Acme
amount: 1000
stage: C   # needs analysis
history:
  - {date: 2026-01-01, to: C, by: a}
"""
NAMES = ["Wang", "罗伟", "Li Na"]
STEPS = ["problem-found", "budget-set", "tender-issued"]

commands = st.one_of(
    st.tuples(st.just("amount"), st.integers(0, 10**9)),
    st.tuples(st.just("close"), st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))),
    st.tuples(st.just("procurement"), st.sampled_from(STEPS)),
    st.tuples(st.just("currency"), st.sampled_from(["EUR", "USD", "CNY"])),
    st.tuples(st.just("add"), st.sampled_from(NAMES)),
    st.tuples(st.just("attitude"), st.sampled_from(NAMES),
              st.sampled_from(["supporter", "neutral", "opponent", "unknown"])),
    st.tuples(st.just("remove"), st.sampled_from(NAMES)),
    st.tuples(st.just("need"), st.sampled_from("SPIN"), st.booleans()),
    st.tuples(st.just("step"), st.text("abc ", min_size=1, max_size=5)),
    st.tuples(st.just("done"), st.integers(1, 3)),
    st.tuples(st.just("activity"), st.sampled_from(["visit", "call"]), st.sampled_from(NAMES)),
)


def _compute(cmd: tuple[Any, ...], ctx: Context) -> Any:
    kind = cmd[0]
    if kind == "amount":
        return lambda d, data, p: set_fields(d, data, p, ctx, [("amount", str(cmd[1]))])
    if kind == "close":
        return lambda d, data, p: set_fields(d, data, p, ctx,
                                             [("expected_close", cmd[1].isoformat())])
    if kind == "procurement":
        return lambda d, data, p: set_fields(d, data, p, ctx, [("procurement_step", cmd[1])])
    if kind == "currency":
        return lambda d, data, p: set_fields(d, data, p, ctx, [("currency", cmd[1])])
    if kind == "add":
        return lambda d, data, p: daily.person_add(d, p, ctx, cmd[1], {"level": "decision"})
    if kind == "attitude":
        return lambda d, data, p: daily.person_set(d, data, p, ctx, cmd[1],
                                                   {"attitude": cmd[2]})
    if kind == "remove":
        return lambda d, data, p: daily.person_remove(d, p, ctx, cmd[1])
    if kind == "need":
        return lambda d, data, p: daily.need_add(d, p, ctx, cmd[1], "a need", explicit=cmd[2])
    if kind == "step":
        return lambda d, data, p: daily.step_add(d, p, ctx, cmd[1], dt.date(2027, 1, 1))
    if kind == "done":
        return lambda d, data, p: daily.step_done(d, p, ctx, cmd[1])
    return lambda d, data, p: daily.activity_add(d, p, ctx, cmd[1], "met", [cmd[2]])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(commands, max_size=12))
def test_any_sequence_validates_and_replays(tmp_path: Path, seq: list[tuple[Any, ...]]) -> None:
    root = tmp_path / "ws"
    shutil.rmtree(root, ignore_errors=True)
    (root / "deals").mkdir(parents=True)
    shutil.copy(TEMPLATES / "stages.en.yaml", root / "stages.yaml")
    (root / "deals" / "acme.yaml").write_text(START, encoding="utf-8")
    day = dt.date(2026, 1, 1)
    for i, cmd in enumerate(seq):
        ctx = Context("acme", day + dt.timedelta(days=i + 1), "t")
        with contextlib.suppress(SalesflowError):  # refused (an unknown person): unchanged
            update_deal(root, "acme", _compute(cmd, ctx), cache=False)
    raw = (root / "deals" / "acme.yaml").read_bytes()
    outcome = update_deal(root, "acme", lambda d, data, p: set_fields(d, data, p, Context(
        "acme", day, "t"), []), dry_run=True, cache=False)
    deal, problems = parse_deal(raw, "deals/acme.yaml", outcome.process)
    assert deal is not None, problems
    assert raw.decode().startswith("# a deal edited only by commands\n")
    assert fields_untracked(deal) == ()
    for person in deal.stakeholders:
        turns = [h for h in deal.history if h.field == "attitude" and h.person == person.name]
        if turns:
            assert (turns[-1].to or "unknown") == person.attitude
    from salesflow.model.deal import DealFile

    item = DealFile("acme", "deals/acme.yaml", deal)
    first = replay(outcome.process, [item], day).deals[0].deal
    assert (first.amount, first.expected_close, first.currency, first.procurement_step) == (
        1000, None, None, None)
    last = replay(outcome.process, [item], dt.date.max).deals[0].deal
    assert last == deal
