"""The reports as plain data, against figures computed by hand.

Rates come from the shipped stages.yaml: USD 7.1, EUR 7.8 (report currency
CNY). Every expected figure below is worked out in the comment next to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.files.parse import parse_deal
from salesflow.model.deal import Deal, DealFile
from salesflow.model.process import Process
from salesflow.reports import deal_amount, funnel, funnel_by, in_report_currency
from salesflow.reports.forecast import forecast, period_end, period_label, period_start
from salesflow.reports.replay import State, replay, state_on, won_on
from salesflow.reports.select import Cut
from salesflow.reports.stats import stats
from tests import generate

D = dt.date


def mk(deal_id: str, history: list[dict[str, Any]] | None = None, **fields: Any) -> DealFile:
    data: dict[str, Any] = {"customer": f"{deal_id} Co", "stage": "G"}
    data.update(fields)
    if history is not None:
        data["history"] = history
    return DealFile(deal_id, f"deals/{deal_id}.yaml", Deal.model_validate(data))


def h(date: str, **kw: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": D.fromisoformat(date), "by": "t"}
    entry.update({("from" if k == "from_" else k): v for k, v in kw.items()})
    return entry


# ------------------------------------------------------------------ money


def test_conversion_rounds_each_amount_to_cents_once(process: Process) -> None:
    assert in_report_currency(Decimal("100000.50"), "USD", process) == Decimal("710003.55")
    assert in_report_currency(Decimal("0.05"), "EUR", process) == Decimal("0.39")  # 0.390
    assert in_report_currency(Decimal("0.0625"), "CNY", process) == Decimal("0.06")
    assert in_report_currency(Decimal("0.065"), None, process) == Decimal("0.07")  # half up
    assert deal_amount(mk("x").deal, process) is None


# ----------------------------------------------------------------- funnel


def hand_deals() -> list[DealFile]:
    return [
        mk("a", stage="C", amount=1250000, owner="li.wei"),
        mk("b", stage="C", amount="100000.50", currency="USD", owner="王芳"),
        mk("c", stage="G", amount="0.05", currency="EUR", owner="li.wei"),
        mk("d", stage="G", owner="王芳"),
        mk("e", stage="S", status="won", amount=200000),
        mk("f", stage="E", status="lost", amount=5),
        mk("g", stage="D", status="hold", amount=7),
    ]


def test_funnel_by_hand(process: Process) -> None:
    report = funnel(process, hand_deals())
    rows = {r.code: r for r in report.rows}
    # C: 1,250,000 + 100,000.50 × 7.1 = 1,250,000 + 710,003.55; weighted at 50%:
    # 625,000 + 355,001.775 -> 355,001.78 (each deal rounded once)
    assert (rows["C"].count, rows["C"].amount, rows["C"].weighted) == (
        2, Decimal("1960003.55"), Decimal("980001.78"))
    # G: EUR 0.05 × 7.8 = 0.39, at 10% = 0.039 -> 0.04; d has no amount
    assert (rows["G"].count, rows["G"].amount, rows["G"].weighted) == (
        2, Decimal("0.39"), Decimal("0.04"))
    assert rows["G"].without_amount == ("d",)
    assert (rows["S"].count, rows["S"].weighted) == (1, Decimal(200000))
    assert (report.count, report.amount, report.weighted) == (
        5, Decimal("2160003.94"), Decimal("1180001.82"))
    assert report.excluded == {"lost": ["f"], "hold": ["g"]}


def test_funnel_of_an_empty_workspace_is_all_zeros(process: Process) -> None:
    report = funnel(process, [])
    assert [r.code for r in report.rows] == process.codes
    assert all(r.count == 0 and r.amount == 0 and r.weighted == 0 for r in report.rows)
    assert (report.count, report.amount, report.without_amount) == (0, 0, ())


def test_funnel_of_a_single_deal(process: Process) -> None:
    report = funnel(process, [mk("one", stage="B", amount=1000)])
    assert [(r.code, r.count, r.weighted) for r in report.rows if r.count] == [
        ("B", 1, Decimal("750.00"))]
    assert report.weighted == Decimal(750)


def test_funnel_by_owner_groups_add_up_to_the_total(process: Process) -> None:
    deals = hand_deals()
    groups = funnel_by(process, deals, "owner")
    assert [k for k, _ in groups] == ["li.wei", "王芳", None]  # none last
    total = funnel(process, deals)
    for i, row in enumerate(total.rows):
        assert sum(f.rows[i].amount for _, f in groups) == row.amount
        assert sum(f.rows[i].weighted for _, f in groups) == row.weighted
        assert sum(f.rows[i].count for _, f in groups) == row.count


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from("GFEDCBA"), st.sampled_from(["x", "y", "z"]),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([None, "USD", "EUR"])), max_size=25))
def test_groups_always_add_up_to_the_cent(process: Process,
                                          spec: list[tuple[str, str, Decimal, str | None]],
                                          ) -> None:
    deals = [mk(f"d{i}", stage=s, owner=o, amount=a, currency=c)
             for i, (s, o, a, c) in enumerate(spec)]
    total = funnel(process, deals)
    groups = funnel_by(process, deals, "owner")
    assert sum(f.weighted for _, f in groups) == total.weighted
    assert sum(f.amount for _, f in groups) == total.amount
    assert total.weighted == sum(r.weighted for r in total.rows)


def test_cuts(process: Process) -> None:
    deals = [mk("a", owner="li.wei", segment="energy", customer="华东水务集团有限公司",
                expected_close="2027-03-31"),
             mk("b", owner="王芳", segment="energy", customer="Acme Water",
                expected_close="2027-05-01"),
             mk("c", owner="li.wei", customer="ACME pumps")]
    assert [d.id for d in Cut(owners=("li.wei",)).apply(deals)] == ["a", "c"]
    assert [d.id for d in Cut(owners=("li.wei", "王芳")).apply(deals)] == ["a", "b", "c"]
    assert [d.id for d in Cut(customer="acme").apply(deals)] == ["b", "c"]
    assert [d.id for d in Cut(customer="华东水务").apply(deals)] == ["a"]
    # a close window leaves out deals without a close date (c)
    assert [d.id for d in Cut(close_to=D(2027, 3, 31)).apply(deals)] == ["a"]
    assert [d.id for d in Cut(close_from=D(2027, 4, 1)).apply(deals)] == ["b"]
    assert Cut(segments=("energy",), customer="x").describe() == (
        "segment energy, customer contains 'x'")


# ----------------------------------------------------------------- replay

BACK_AND_FORTH = [
    h("2026-01-05", to="G"),
    h("2026-01-20", from_="G", to="F"),
    h("2026-02-10", from_="F", to="E"),
    h("2026-03-01", from_="E", to="D"),
    h("2026-03-15", from_="D", to="E", note="scope reopened"),
    h("2026-04-01", status="hold", reason="budget frozen"),
    h("2026-05-01", status="open"),
    h("2026-05-10", from_="E", to="D"),
    h("2026-06-01", status="lost", reason="price"),
    h("2026-07-01", status="open", reason="tender re-run"),
    h("2026-08-01", from_="D", to="C"),
]


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-01-04", None),
    ("2026-01-05", ("G", "open")),
    ("2026-03-14", ("D", "open")),
    ("2026-03-15", ("E", "open")),       # backward move
    ("2026-04-15", ("E", "hold")),
    ("2026-05-01", ("E", "open")),       # reopened from hold
    ("2026-05-10", ("D", "open")),
    ("2026-06-30", ("D", "lost")),
    ("2026-07-01", ("D", "open")),       # reopened after a loss
    ("2026-12-31", ("C", "open")),
])
def test_replay_follows_moves_holds_and_reopenings(process: Process, day: str,
                                                   expected: tuple[str, str] | None) -> None:
    deal = mk("x", BACK_AND_FORTH, stage="C").deal
    state = state_on(deal, process, D.fromisoformat(day))
    assert (None if state is None else (state.stage, state.status)) == expected


def test_won_on_is_the_entry_that_made_the_deal_won(process: Process) -> None:
    won = [h("2026-01-05", to="A"), h("2026-10-28", from_="A", to="S", status="won")]
    assert won_on(mk("w", won, stage="S", status="won").deal, process) == D(2026, 10, 28)
    # a move into the last stage wins even without `status: won`
    implicit = [h("2026-01-05", to="A"), h("2026-10-29", from_="A", to="S")]
    assert won_on(mk("w", implicit, stage="S", status="won").deal, process) == D(2026, 10, 29)
    # moved back out of the won stage: not won any more
    undone = [*won, h("2026-11-02", from_="S", to="A")]
    assert won_on(mk("w", undone, stage="A").deal, process) is None
    assert state_on(mk("w", undone, stage="A").deal, process, D(2026, 11, 2)) == State(
        "A", "open")
    assert won_on(mk("w", stage="S", status="won").deal, process) is None  # no history


def test_replay_names_what_it_cannot_place(process: Process) -> None:
    deals = [mk("x", BACK_AND_FORTH, stage="C"),
             mk("later", [h("2026-09-01", to="G")]),
             mk("nohist", stage="B"),
             mk("statusfirst", [h("2026-01-01", status="hold")]),
             mk("edited", [h("2026-01-01", to="G")], stage="B")]
    rep = replay(process, deals, D(2026, 6, 30))
    assert [(d.id, d.deal.stage, d.deal.status) for d in rep.deals] == [
        ("x", "D", "lost"), ("edited", "G", "open")]
    assert rep.created_later == ("later",)
    assert rep.no_history == ("nohist", "statusfirst")
    assert rep.disagree == ("edited",)
    assert len(rep.deals[0].deal.history) == 9  # entries up to the day only


# --------------------------------------------------------------- forecast


def forecast_deals() -> list[DealFile]:
    return [
        mk("o1", stage="C", amount=1000000, expected_close="2026-12-20"),
        mk("o2", stage="G", amount=300000, expected_close="2027-02-01"),
        mk("o3", stage="A", amount=10000, currency="USD", expected_close="2026-11-01"),
        mk("o4", stage="F", amount=50000),
        mk("o5", stage="E", expected_close="2027-03-31"),
        mk("w1", [h("2026-01-05", to="A"), h("2026-10-28", from_="A", to="S", status="won")],
           stage="S", status="won", amount=1980000, expected_close="2026-12-31"),
        mk("w2", [h("2026-01-05", to="A"), h("2026-05-01", from_="A", to="S", status="won")],
           stage="S", status="won", amount=1),
        mk("w3", stage="S", status="won", amount=2),
        mk("h1", stage="D", status="hold", amount=3, expected_close="2026-12-01"),
        mk("l1", stage="D", status="lost", amount=4, expected_close="2026-12-01"),
    ]


def test_forecast_by_quarter_by_hand(process: Process) -> None:
    fc = forecast(process, forecast_deals(), today=D(2026, 11, 15), period="quarter")
    assert (fc.start, fc.end) == (D(2026, 10, 1), D(2027, 3, 31))
    got = [(r.kind, r.label, r.count, r.best_case, r.weighted, r.won_count, r.won,
            r.without_amount) for r in fc.rows]
    assert got == [
        # o3: USD 10,000 × 7.1 = 71,000, expected 2026-11-01 < today; at A 90% = 63,900
        ("overdue", None, 1, Decimal(71000), Decimal(63900), 0, 0, ()),
        # o1 at C 50%; w1 won on 2026-10-28 (w2 was won before the range: not shown)
        ("period", "2026-Q4", 1, Decimal(1000000), Decimal(500000), 1, Decimal(1980000), ()),
        # o2 at G 10% = 30,000; o5 has no amount: counted and named
        ("period", "2027-Q1", 2, Decimal(300000), Decimal(30000), 0, 0, ("o5",)),
        # o4 at F 20%
        ("no_close", None, 1, Decimal(50000), Decimal(10000), 0, 0, ()),
    ]
    assert (fc.count, fc.best_case, fc.weighted, fc.won) == (
        5, Decimal(1421000), Decimal(603900), Decimal(1980000))
    assert fc.held == ("h1",)
    assert fc.won_undated == ("w3",)
    assert fc.left_out == ()


def test_forecast_by_month_with_a_window(process: Process) -> None:
    fc = forecast(process, forecast_deals(), today=D(2026, 11, 15), period="month",
                  end=D(2026, 12, 5))
    assert [r.label for r in fc.rows] == [None, "2026-11", "2026-12", None]
    assert fc.rows[2].best_case == Decimal(1000000)
    assert fc.won == 0  # w1 was won in October, before the first month
    assert fc.left_out == ("o2", "o5")  # closing after December


def test_periods() -> None:
    assert period_start(D(2027, 5, 17), "quarter") == D(2027, 4, 1)
    assert period_end(D(2027, 12, 2), "quarter") == D(2027, 12, 31)
    assert period_end(D(2028, 2, 2), "month") == D(2028, 2, 29)
    assert period_label(D(2027, 10, 1), "quarter") == "2027-Q4"
    assert period_label(D(2027, 1, 1), "month") == "2027-01"


# ------------------------------------------------------------------ stats


def stats_deals() -> list[DealFile]:
    return [
        mk("s1", [h("2026-01-01", to="G"), h("2026-01-11", from_="G", to="F"),
                  h("2026-01-31", from_="F", to="E"), h("2026-02-10", status="lost")],
           stage="E", status="lost", lost_reason="price", amount=100),
        mk("s2", [h("2026-01-01", to="G"), h("2026-01-06", from_="G", to="F"),
                  h("2026-01-10", status="hold"), h("2026-01-20", status="open"),
                  h("2026-01-26", from_="F", to="E"), h("2026-02-25", from_="E", to="A"),
                  h("2026-03-07", from_="A", to="S", status="won")],
           stage="S", status="won", amount=500),
        mk("s3", [h("2026-01-01", to="G"), h("2026-01-21", from_="G", to="F"),
                  h("2026-01-31", from_="F", to="G"), h("2026-02-10", from_="G", to="F"),
                  h("2026-02-20", status="lost")],
           stage="F", status="lost", amount=10, currency="USD"),
        mk("s4", stage="C"),
        mk("s5", [h("2026-01-01", to="G")]),
    ]


def test_stats_by_hand(process: Process) -> None:
    s = stats(process, stats_deals(), min_sample=1)
    assert (s.deals, s.no_history) == (4, ("s4",))
    rows = {r.code: r for r in s.stages}
    conv = {c: (r.conversion.hits, r.conversion.sample, r.conversion.percent)
            for c, r in rows.items() if r.conversion}
    # G: s1, s2, s3 all moved past G. F: s1, s2 went further, s3 was lost with F its
    # furthest stage. E: s2 went further, s1 was lost there. D, C, B: s2 skipped them.
    assert conv == {"G": (3, 3, 100.0), "F": (2, 3, 66.7), "E": (1, 2, 50.0),
                    "D": (1, 1, 100.0), "C": (1, 1, 100.0), "B": (1, 1, 100.0),
                    "A": (1, 1, 100.0)}
    assert rows["S"].conversion is None and rows["S"].days is None
    win = {c: (r.win.hits, r.win.sample, r.win.percent) for c, r in rows.items()}
    assert win["G"] == win["F"] == (1, 3, 33.3)
    assert win["E"] == (1, 2, 50.0)
    assert win["D"] == win["S"] == (1, 1, 100.0)
    days = {c: (r.days.sample, r.days.avg, r.days.median) for c, r in rows.items() if r.days}
    # G: s1 10, s2 5, s3 20 + 10 (two stays). F: s1 20, s2 20 - 10 on hold, s3 10.
    assert days["G"] == (3, 15.0, 10.0)
    assert days["F"] == (3, 13.3, 10.0)
    assert days["E"] == (1, 30.0, 30.0)  # s1 was lost in E: its stay never ended
    assert days["D"] == (0, None, None)
    assert days["A"] == (1, 10.0, 10.0)
    assert (s.win.hits, s.lost, s.win.sample, s.win.percent) == (1, 2, 3, 33.3)
    assert (s.cycle.sample, s.cycle.avg) == (1, 65.0)  # 2026-01-01 to 2026-03-07
    # s3: USD 10 × 7.1 = 71 with no reason given; ranked by count, then amount
    assert [(r.reason, r.count, r.amount) for r in s.lost_reasons] == [
        ("price", 1, Decimal(100)), (None, 1, Decimal(71))]


def test_stats_give_no_figure_below_the_minimum_sample(process: Process) -> None:
    s = stats(process, stats_deals(), min_sample=3)
    rows = {r.code: r for r in s.stages}
    assert rows["G"].conversion is not None and rows["G"].conversion.percent == 100.0
    assert rows["E"].conversion is not None and rows["E"].conversion.percent is None
    assert rows["E"].conversion.sample == 2
    assert rows["E"].days is not None and rows["E"].days.avg is None
    assert s.win.percent == 33.3
    assert s.cycle.avg is None


def test_stats_window(process: Process) -> None:
    later = stats(process, stats_deals(), start=D(2026, 2, 15), min_sample=1)
    assert (later.win.hits, later.lost) == (1, 1)  # s1 was lost on 02-10, before it
    early = stats(process, stats_deals(), end=D(2026, 2, 12), min_sample=1)
    assert (early.win.hits, early.lost) == (0, 1)  # only s1 was decided by then
    rows = {r.code: r for r in early.stages}
    assert rows["E"].days is not None and rows["E"].days.sample == 0  # s2 still in E


def test_stats_of_nothing(process: Process) -> None:
    s = stats(process, [])
    assert s.deals == 0 and s.win.percent is None and s.lost_reasons == ()


# ---------------------------------------- replay reproduces an earlier funnel


def _load(texts: dict[str, str], process: Process) -> list[DealFile]:
    out = []
    for deal_id, text in texts.items():
        deal, problems = parse_deal(text.encode(), f"deals/{deal_id}.yaml", process)
        assert deal is not None, problems
        out.append(DealFile(deal_id, f"deals/{deal_id}.yaml", deal))
    return out


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), days=st.integers(0, 800), later=st.integers(1, 400))
def test_as_of_reproduces_the_funnel_of_that_day(process: Process, seed: int, days: int,
                                                  later: int) -> None:
    walks = generate.walks(40, seed)
    then = generate.START + dt.timedelta(days=days)
    old = _load({w.id: t for w in walks if (t := generate.deal_text(w, then))}, process)
    now = _load({w.id: t for w in walks
                 if (t := generate.deal_text(w, then + dt.timedelta(days=later)))}, process)
    with_history = [d for d in old if d.deal.history]
    rep = replay(process, now, then)
    assert rep.disagree == ()
    assert funnel(process, rep.deals) == funnel(process, with_history)
    assert forecast(process, rep.deals, today=then) == forecast(process, with_history,
                                                                today=then)
