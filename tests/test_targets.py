# ruff: noqa: E501  (exact report tables are wider than the code's line limit)
"""Targets in stages.yaml and the forecast against them: gap, coverage, the goal flag.

Worked by hand, as of 2027-03-01, quarter 2027-Q1:
- gamma (li.wei) won 2,100,000 on 2027-01-20;
- beta (wang) open in E (25%), 600,000, closing 2027-03-10: pipeline 600,000, weighted 150,000;
- acme (li.wei) open in C, closing 2027-02-15: overdue on 2027-03-01, in no period.
Team target 3,000,000: gap 900,000, coverage 600,000 / 900,000 = 0.666… -> 0.67 < 2.5.
li.wei 2,000,000: won 2,100,000, met (gap -100,000). wang 1,000,000: 600,000 / 1,000,000 = 0.60.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from salesflow.files.parse import parse_process
from salesflow.model.deal import Deal, DealFile
from salesflow.model.process import Process
from salesflow.reports.forecast import forecast
from salesflow.reports.select import Cut
from salesflow.reports.targets import against_targets
from tests.conftest import TEMPLATES, WS

TARGETS = """
coverage_goal: 2.5
targets:
  - {period: 2027-Q1, amount: 3000000}
  - {period: 2027-Q1, owner: li.wei, amount: 2000000}
  - {period: 2027-Q1, owner: wang, amount: 1000000}
  - {period: 2027-02, owner: wang, amount: 500000}
"""
ACME = """\
customer: Acme
owner: li.wei
amount: 1250000
stage: C
expected_close: 2027-02-15
segment: water
history:
  - {date: 2026-11-01, to: G, by: li.wei}
  - {date: 2026-12-01, from: G, to: C, by: li.wei}
"""
BETA = """\
customer: Beta
owner: wang
amount: 600000
stage: E
expected_close: 2027-03-10
history:
  - {date: 2026-11-01, to: E, by: wang}
"""
GAMMA = """\
customer: Gamma
owner: li.wei
amount: 2100000
stage: S
status: won
history:
  - {date: 2026-10-01, to: A, by: li.wei}
  - {date: 2027-01-20, from: A, to: S, status: won, by: li.wei}
"""


@pytest.fixture
def team(ws: WS) -> WS:
    ws.write("stages.yaml", ws.read("stages.yaml") + TARGETS)
    ws.deal("acme", ACME)
    ws.deal("beta", BETA)
    ws.deal("gamma", GAMMA)
    return ws


def _process(extra: str) -> tuple[Process | None, list[str]]:
    raw = (TEMPLATES / "stages.en.yaml").read_text(encoding="utf-8") + extra
    proc, problems = parse_process(raw.encode())
    return proc, [f"{p.line}:{p.col}: {p.message}" for p in problems]


def test_targets_are_read_with_their_goal() -> None:
    proc, problems = _process(TARGETS)
    assert proc is not None, problems
    assert proc.coverage_goal == Decimal("2.5")
    assert [(t.period, t.owner, t.amount) for t in proc.targets] == [
        ("2027-Q1", None, Decimal(3000000)), ("2027-Q1", "li.wei", Decimal(2000000)),
        ("2027-Q1", "wang", Decimal(1000000)), ("2027-02", "wang", Decimal(500000))]
    plain, _ = _process("")
    assert plain is not None and plain.coverage_goal == Decimal("3.0") and plain.targets == []


@pytest.mark.parametrize(("extra", "expected"), [
    ("targets:\n  - {period: 2027-Q5, amount: 1}\n",
     "expected a month like 2027-03 or a quarter like 2027-Q1, found '2027-Q5'"),
    ("targets:\n  - {period: 2027-13, amount: 1}\n", "found '2027-13'"),
    ("targets:\n  - {period: 2027-03-01, amount: 1}\n", "found '2027-03-01'"),
    ("targets:\n  - {period: 2027-Q1, amount: -5}\n", "amount"),
    ("targets:\n  - {period: 2027-Q1, amount: 1, ownr: x}\n", "unknown key 'ownr'"),
    ("targets:\n  - {period: 2027-Q1, amount: 1}\n  - {period: 2027-Q1, amount: 2}\n",
     "a second target for the team (no owner) in 2027-Q1 (the first is targets[0])"),
    ("targets:\n  - {period: 2027-Q1, owner: li, amount: 1}\n  - {period: 2027-Q1, owner: li, amount: 2}\n",
     "a second target for owner 'li' in 2027-Q1"),
    ("coverage_goal: 0\n", "coverage_goal"),
])
def test_bad_targets_are_located(extra: str, expected: str) -> None:
    proc, problems = _process(extra)
    assert proc is None
    assert len(problems) == 1 and expected in problems[0], problems
    line = int(problems[0].split(":")[0])
    lines = (TEMPLATES / "stages.en.yaml").read_text(encoding="utf-8").count("\n")
    assert line > lines  # points into the lines just added, not at the file's top


def test_validate_names_the_line_of_a_duplicate_target(ws: WS) -> None:
    before = ws.read("stages.yaml")
    ws.write("stages.yaml", before + "targets:\n  - {period: 2027-Q1, amount: 1}\n"
             "  - {period: 2027-Q1, amount: 2}\n")
    result = ws.run("validate")
    assert result.exit_code == 1
    line = before.count("\n") + 3
    assert result.stdout.startswith(f"stages.yaml:{line}:14: a second target for the team")


def test_against_targets_by_hand() -> None:
    proc, problems = _process(TARGETS)
    assert proc is not None, problems
    import datetime as dt

    from salesflow.files.parse import parse_deal
    from salesflow.reports.replay import replay

    items = []
    for name, text in (("acme", ACME), ("beta", BETA), ("gamma", GAMMA)):
        deal, errs = parse_deal(text.encode(), f"deals/{name}.yaml", proc)
        assert isinstance(deal, Deal), errs
        items.append(DealFile(name, f"deals/{name}.yaml", deal))
    day = dt.date(2027, 3, 1)
    deals = list(replay(proc, items, day).deals)
    report = forecast(proc, deals, today=day)
    t = against_targets(proc, deals, report, Cut())
    (q1,) = t.rows
    assert (q1.period, q1.target, q1.source, q1.won, q1.gap, q1.pipeline, q1.weighted) == (
        "2027-Q1", Decimal(3000000), "team", Decimal("2100000.00"), Decimal("900000.00"),
        Decimal("600000.00"), Decimal("150000.00"))
    assert q1.coverage == Decimal("0.67") and q1.below(Decimal("2.5")) and not q1.met
    owners = {o.owner: o.rows[0] for o in t.owners}
    assert owners["li.wei"].met and owners["li.wei"].coverage is None
    assert owners["li.wei"].gap == Decimal("-100000.00")
    assert not owners["li.wei"].below(Decimal(3))
    assert owners["wang"].coverage == Decimal("0.60")
    # the owners add up to the team
    assert sum((o.rows[0].won for o in t.owners), Decimal(0)) == q1.won
    assert sum((o.rows[0].pipeline for o in t.owners), Decimal(0)) == q1.pipeline
    # coverage exactly at the goal is not below it
    at_goal = against_targets(proc.model_copy(update={"coverage_goal": Decimal("0.6")}),
                              deals, report, Cut())
    assert not {o.owner: o.rows[0] for o in at_goal.owners}["wang"].below(Decimal("0.6"))
    # cut to one owner: that owner's target; cut by segment: none applies
    wang = against_targets(proc, [d for d in deals if d.deal.owner == "wang"], report,
                           Cut(owners=("wang",)))
    assert (wang.rows[0].target, wang.rows[0].source) == (Decimal(1000000), "owners")
    seg = against_targets(proc, deals, report, Cut(segments=("water",)))
    assert not seg.applies and seg.rows[0].target is None


def test_team_target_defaults_to_the_sum_of_the_owners() -> None:
    proc, _ = _process("targets:\n  - {period: 2027-Q1, owner: a, amount: 10}\n"
                       "  - {period: 2027-Q1, owner: b, amount: 5.50}\n")
    assert proc is not None
    import datetime as dt

    report = forecast(proc, [], today=dt.date(2027, 1, 5))
    t = against_targets(proc, [], report, Cut())
    assert (t.rows[0].target, t.rows[0].source) == (Decimal("15.50"), "owners")
    assert [o.owner for o in t.owners] == ["a", "b"]  # owners with a target, even without deals
    assert t.rows[0].coverage == Decimal("0.00") and t.rows[0].below(Decimal(3))


def test_forecast_table_against_targets(team: WS) -> None:
    result = team.run("forecast", "--as-of", "2027-03-01", "--per-owner")
    assert result.exit_code == 0
    tail = result.stdout.split("Not forecast: 0 on hold; lost deals never are.\n")[1]
    assert tail == """
Against targets (coverage goal 2.5x)
Period   Target CNY    Won CNY  Gap CNY  Open CNY  Coverage
2027-Q1   3,000,000  2,100,000  900,000   600,000   0.67x !

Against targets, per owner
Owner   Period   Target CNY    Won CNY    Gap CNY  Open CNY  Coverage
li.wei  2027-Q1   2,000,000  2,100,000   -100,000         0       met
wang    2027-Q1   1,000,000          0  1,000,000   600,000   0.60x !
2 row(s) below the 2.5x goal, marked !: find more pipeline.
Coverage = open pipeline closing in the period / (target - won).
"""
    assert all(len(line) <= 80 for line in tail.splitlines())


def test_forecast_json_and_csv_against_targets(team: WS) -> None:
    data = json.loads(team.run("forecast", "--as-of", "2027-03-01", "--format", "json").stdout)
    assert (data["coverage_goal"], data["targets_defined"], data["targets_apply"]) == (
        "2.5", 4, True)
    q1 = next(r for r in data["rows"] if r["period"] == "2027-Q1")
    assert {k: q1[k] for k in ("target", "source", "won", "gap", "pipeline", "weighted",
                               "coverage", "met", "below_goal")} == {
        "target": "3000000.00", "source": "team", "won": "2100000.00", "gap": "900000.00",
        "pipeline": "600000.00", "weighted": "150000.00", "coverage": "0.67", "met": False,
        "below_goal": True}
    overdue = data["rows"][0]
    assert overdue["kind"] == "overdue" and overdue["target"] is None
    assert [(o["owner"], o["rows"][0]["coverage"], o["rows"][0]["met"]) for o in
            data["owners"]] == [("li.wei", None, True), ("wang", "0.60", False)]
    csv = team.run("forecast", "--as-of", "2027-03-01", "--format", "csv").stdout
    assert csv.splitlines()[2] == ("2027-Q1,period,2027-01-01,2027-03-31,1,600000.00,"
                                   "150000.00,1,2100000.00,0,3000000.00,900000.00,0.67,yes")
    owners = team.run("forecast", "--as-of", "2027-03-01", "--format", "csv", "--per-owner")
    assert owners.stdout == """\
owner,period,start,end,target,source,won_count,won,gap,count,pipeline,weighted,coverage,below_goal
li.wei,2027-Q1,2027-01-01,2027-03-31,2000000.00,owner,1,2100000.00,-100000.00,0,0.00,0.00,,
wang,2027-Q1,2027-01-01,2027-03-31,1000000.00,owner,0,0.00,1000000.00,1,600000.00,150000.00,0.60,yes
"""


def test_monthly_targets_meet_only_a_monthly_forecast(team: WS) -> None:
    data = json.loads(team.run("forecast", "--as-of", "2027-01-15", "--by", "month",
                               "--to", "2027-03-31", "--format", "json").stdout)
    feb = {o["owner"]: next(r for r in o["rows"] if r["period"] == "2027-02")
           for o in data["owners"]}
    assert feb["wang"]["target"] == "500000.00" and feb["li.wei"]["target"] is None
    team_feb = next(r for r in data["rows"] if r["period"] == "2027-02")
    assert (team_feb["target"], team_feb["source"]) == ("500000.00", "owners")
    out = team.run("forecast", "--as-of", "2027-03-01", "--by", "month").stdout
    assert "Targets: none set for these months (add `targets:` to stages.yaml)." in out


def test_targets_are_not_compared_under_a_segment_cut(team: WS) -> None:
    out = team.run("forecast", "--as-of", "2027-03-01", "--segment", "water").stdout
    assert out.endswith("Targets: not compared under a segment, product line, customer or "
                        "close cut (targets are per team and owner).\n")
    data = json.loads(team.run("forecast", "--as-of", "2027-03-01", "--segment", "water",
                               "--format", "json").stdout)
    assert data["targets_apply"] is False
    assert all(r["target"] is None for r in data["rows"])


def test_no_targets_no_words(ws: WS) -> None:
    ws.deal("beta", BETA)
    out = ws.run("forecast", "--as-of", "2027-03-01").stdout
    assert "arget" not in out
