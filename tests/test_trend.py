"""`salesflow trend`: the pipeline at each period's end, as `funnel --as-of` shows it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from salesflow.reports.trend import label_of, periods, sparkline
from tests import generate
from tests.conftest import WS


def run_json(ws: WS, *args: str) -> Any:
    result = ws.run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_periods_end_on_sundays_and_month_ends_and_the_last_on_the_day() -> None:
    weeks = periods(dt.date(2026, 12, 2), "week", 3)  # a Wednesday
    assert weeks == [(dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
                     (dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
                     (dt.date(2026, 11, 30), dt.date(2026, 12, 2))]
    assert [label_of(s, "week") for s, _ in weeks] == ["2026-W47", "2026-W48", "2026-W49"]
    months = periods(dt.date(2027, 3, 15), "month", 4)
    assert [(label_of(s, "month"), e) for s, e in months] == [
        ("2026-12", dt.date(2026, 12, 31)), ("2027-01", dt.date(2027, 1, 31)),
        ("2027-02", dt.date(2027, 2, 28)), ("2027-03", dt.date(2027, 3, 15))]
    assert label_of(dt.date(2026, 12, 28), "week") == "2026-W53"
    assert label_of(dt.date(2027, 1, 4), "week") == "2027-W01"


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([Decimal(0)] * 3) == "▁▁▁"
    assert sparkline([Decimal(5)] * 2) == "▄▄"
    assert sparkline([Decimal(v) for v in (0, 7, 14)]) == "▁▅█"


DEAL = """\
customer: {name}
owner: li.wei
amount: {amount}
stage: {stage}
status: {status}
history:
{history}"""


def _deal(ws: WS, name: str, amount: int, stage: str, status: str, *entries: str) -> None:
    ws.deal(name, DEAL.format(name=name, amount=amount, stage=stage, status=status,
                              history="".join(f"  - {e}\n" for e in entries)))


def test_trend_by_hand(ws: WS) -> None:
    # a: G on 11-02, E on 11-10 (25%), won on 11-18; b: F on 11-03 (20%), lost on 11-20;
    # c: G on 11-12 (10%), still open. Weeks: W45 11-02..08, W46 11-09..15, W47 11-16..22.
    _deal(ws, "a", 100000, "S", "won", "{date: 2026-11-02, to: G}",
          "{date: 2026-11-10, from: G, to: E}", "{date: 2026-11-18, from: E, to: S, status: won}")
    _deal(ws, "b", 50000, "F", "lost", "{date: 2026-11-03, to: F}",
          "{date: 2026-11-20, status: lost, reason: price}")
    _deal(ws, "c", 30000, "G", "open", "{date: 2026-11-12, to: G}")
    ws.write("deals/d.yaml", "customer: D\namount: 1\nstage: G\n")  # no history
    data = run_json(ws, "trend", "--to", "2026-11-22", "--last", "3")
    rows = [(r["period"], r["open_count"], r["open_amount"], r["weighted"], r["won_count"],
             r["won"], r["lost_count"], r["lost"]) for r in data["rows"]]
    assert rows == [
        ("2026-W45", 2, "150000.00", "20000.00", 0, "0.00", 0, "0.00"),
        ("2026-W46", 3, "180000.00", "38000.00", 0, "0.00", 0, "0.00"),
        ("2026-W47", 1, "30000.00", "3000.00", 1, "100000.00", 1, "50000.00"),
    ]
    assert data["no_history"] == {"count": 1, "ids": ["d"]}
    assert (data["every"], data["from"], data["to"]) == ("week", "2026-11-02", "2026-11-22")
    table = ws.run("trend", "--to", "2026-11-22", "--last", "3")
    assert table.exit_code == 0
    assert table.stdout == """\
Trend (CNY) — by week, 2026-11-02 to 2026-11-22
Period    Open  Open CNY  Weighted CNY  Won  Won CNY  Lost  Lost CNY
2026-W45     2   150,000        20,000    0        0     0         0
2026-W46     3   180,000        38,000    0        0     0         0
2026-W47     1    30,000         3,000    1  100,000     1    50,000
Weighted pipeline -17,000 CNY from the end of 2026-W45 to 2026-11-22.
Each period's pipeline is replayed as of its last day (funnel --as-of).
Without history, cannot be replayed, left out: 1 deal(s): d
"""
    csv = ws.run("trend", "--to", "2026-11-22", "--last", "1", "--format", "csv").stdout
    assert csv == ("period,start,end,open_count,open_amount,weighted,won_count,won,"
                   "lost_count,lost,without_amount\n"
                   "2026-W47,2026-11-16,2026-11-22,1,30000.00,3000.00,1,100000.00,1,"
                   "50000.00,0\n")


@pytest.mark.parametrize(("every", "last"), [("month", 8), ("week", 6)])
def test_trend_matches_funnel_as_of_at_each_period_end(tmp_path: Path, every: str,
                                                       last: int) -> None:
    ws = WS(tmp_path / "ws")
    generate.write(ws.root, generate.walks(150, seed=11, hand_written=0),
                   dt.date(2026, 11, 30))
    data = run_json(ws, "trend", "--every", every, "--last", str(last), "--to", "2026-11-30",
                    "--owner", "li.wei", "--owner", "王芳")
    assert len(data["rows"]) == last
    seen_won = 0
    for row in data["rows"]:
        funnel = run_json(ws, "funnel", "--as-of", row["end"], "--owner", "li.wei",
                          "--owner", "王芳")
        won = funnel["stages"][-1]
        total = funnel["total"]
        assert row["open_count"] == total["count"] - won["count"], row["period"]
        assert Decimal(row["open_amount"]) == Decimal(total["amount"]) - Decimal(won["amount"])
        assert Decimal(row["weighted"]) == Decimal(total["weighted"]) - Decimal(won["weighted"])
        seen_won += row["won_count"]
    assert seen_won > 0  # the window saw wins, so the comparison is not trivial


def test_trend_usage_errors(ws: WS) -> None:
    before = ws.snapshot()
    for args, text in ((("--every", "day"), "Invalid value for '--every'"),
                       (("--last", "0"), "Invalid value for '--last'"),
                       (("--to", "soon"), "--to: 'soon' is not a date")):
        result = ws.run("trend", *args)
        assert result.exit_code == 2 and text in result.stderr, result.stderr
    assert ws.snapshot() == before
