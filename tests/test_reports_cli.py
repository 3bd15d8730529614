# ruff: noqa: E501  (exact report tables are wider than the code's line limit)
"""funnel, forecast, stats and report through the CLI: exact output, shapes, agreement.

The `hand` workspace is small enough to check every figure by hand (the
comments say how); the generated one is big enough that agreement between
table, JSON and CSV, and --as-of reproduction, are not luck.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from rich.cells import cell_len

from tests import generate
from tests.conftest import WS

ACME = """\
name: Pump station retrofit
customer: Acme Water Works
owner: li.wei
amount: 1250000
stage: C
expected_close: 2027-03-31
segment: municipal
product_line: pumps
history:
  - {date: 2026-07-15, to: G, by: li.wei}
  - {date: 2026-08-02, from: G, to: F, by: li.wei}
  - {date: 2026-09-01, from: F, to: E, by: li.wei}
  - {date: 2026-10-01, from: E, to: C, by: li.wei}
"""
HUADONG = """\
name: 泵站改造项目
customer: 华东水务集团
owner: 王芳
amount: 100000.50
currency: USD
stage: E
expected_close: 2026-12-15
segment: energy
product_line: automation
history:
  - {date: 2026-08-01, to: G, by: 王芳}
  - {date: 2026-08-20, from: G, to: F, by: 王芳}
  - {date: 2026-10-10, from: F, to: E, by: 王芳}
"""
WON = """\
customer: Won Co
owner: li.wei
amount: 200000
stage: S
status: won
expected_close: 2026-10-30
segment: municipal
product_line: pumps
history:
  - {date: 2026-02-01, to: G, by: li.wei}
  - {date: 2026-06-01, from: G, to: A, by: li.wei}
  - {date: 2026-10-28, from: A, to: S, status: won, by: li.wei}
"""
LOST = """\
customer: Lost Co
owner: chen.jie
amount: 5
stage: G
status: lost
lost_reason: price
history:
  - {date: 2026-03-01, to: G, by: chen.jie}
  - {date: 2026-09-15, status: lost, by: chen.jie, reason: "too expensive"}
"""
HOLD = """\
customer: Held Co
owner: chen.jie
amount: 7
stage: D
status: hold
history:
  - {date: 2026-04-01, to: G, by: chen.jie}
  - {date: 2026-05-01, from: G, to: D, by: chen.jie}
  - {date: 2026-09-20, status: hold, by: chen.jie}
"""
NOAMOUNT = "customer: No Amount Co\nowner: 王芳\nstage: G\nsegment: energy\n"


@pytest.fixture
def hand(ws: WS) -> WS:
    for deal_id, text in (("acme", ACME), ("huadong", HUADONG), ("won", WON), ("lost", LOST),
                          ("hold", HOLD), ("noamount", NOAMOUNT)):
        ws.deal(deal_id, text)
    return ws


def run_json(ws: WS, *args: str) -> Any:
    result = ws.run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def human(value: str) -> str:
    from salesflow.output.render import money

    return money(Decimal(value))


# ------------------------------------------------------------------ funnel


def test_funnel_json_keeps_its_shape_and_adds_fields(hand: WS) -> None:
    data = run_json(hand, "funnel")
    assert list(data) == ["currency", "stages", "total", "excluded", "as_of", "replay",
                          "filters", "by", "groups", "invalid"]
    assert data["as_of"] is None and data["replay"] is None and data["groups"] is None
    assert data["filters"] == {"owner": [], "segment": [], "product_line": [],
                               "customer": None, "close_from": None, "close_to": None}
    # acme 1,250,000 at C 50%; huadong USD 100,000.50 × 7.1 = 710,003.55 at E 25%
    # = 177,500.8875 -> 177,500.89; won 200,000 in S; noamount counted in G, not valued
    assert data["total"] == {"count": 4, "amount": "2160003.55", "weighted": "1002500.89",
                             "without_amount": ["noamount"]}


@pytest.mark.parametrize(("args", "ids"), [
    (("--owner", "王芳"), {"huadong", "noamount"}),
    (("--owner", "王芳", "--owner", "li.wei"), {"huadong", "noamount", "acme", "won"}),
    (("--segment", "municipal"), {"acme", "won"}),
    (("--product-line", "automation"), {"huadong"}),
    (("--customer", "华东"), {"huadong"}),
    (("--customer", "ACME"), {"acme"}),
    (("--close-from", "2026-11-01"), {"acme", "huadong"}),
    (("--close-from", "2026-11-01", "--close-to", "2026-12-31"), {"huadong"}),
])
def test_funnel_filters(hand: WS, args: tuple[str, ...], ids: set[str]) -> None:
    data = run_json(hand, "funnel", *args)
    listed = {i for r in data["stages"] for i in r["without_amount"]}
    assert data["total"]["count"] == len(ids) and listed <= ids
    # every deal in the cut is accounted for: counted in a stage or excluded
    assert data["total"]["count"] + sum(v["count"] for v in data["excluded"].values()) == len(
        ids)


def test_funnel_as_of_by_hand(hand: WS) -> None:
    result = hand.run("funnel", "--as-of", "2026-09-30")
    assert result.exit_code == 0
    # On 2026-09-30: acme in E (1,250,000 × 25%), huadong in F (710,003.55 × 20% =
    # 142,000.71), won still in A (200,000 × 90%); lost since 09-15, held since 09-20;
    # noamount has no history.
    assert result.stdout == """\
Funnel (CNY) — as of 2026-09-30, replayed from history
Stage  Name                                           Prob.  Deals  Amount CNY  Weighted CNY  Weighted
G      Account planning and appointment                 10%      0           0             0
F      Customer visit and first needs survey            20%      1     710,004       142,001  ###
E      Preliminary proposal                             25%      1   1,250,000       312,500  ######
D      Solution demonstration and technical exchange    30%      0           0             0
C      Needs analysis and formal solution design        50%      0           0             0
B      Project evaluation                               75%      0           0             0
A      Commercial negotiation                           90%      1     200,000       180,000  ###
S      Signed and handed over to delivery              100%      0           0             0
       Total                                                     3   2,160,004       634,501
Left out: 1 lost, 1 on hold.
Without history, cannot be replayed, left out: 1 deal(s): noamount
"""
    data = run_json(hand, "funnel", "--as-of", "2026-09-30")
    assert data["total"]["weighted"] == "634500.71"
    assert data["replay"] == {"as_of": "2026-09-30",
                              "no_history": {"count": 1, "ids": ["noamount"]},
                              "created_later": {"count": 0, "ids": []},
                              "disagree": {"count": 0, "ids": []},
                              "fields_as_today": {"count": 0, "ids": []}}
    early = run_json(hand, "funnel", "--as-of", "2026-03-15")
    assert early["replay"]["created_later"] == {"count": 3, "ids": ["acme", "hold",
                                                                    "huadong"]}


def test_funnel_by_owner_side_by_side(hand: WS) -> None:
    result = hand.run("funnel", "--by", "owner")
    assert result.exit_code == 0
    assert result.stdout == """\
Funnel (CNY) — by owner
              chen.jie            li.wei             王芳              All         All           All
Stage  Prob.     Deals  Weighted   Deals  Weighted  Deals  Weighted  Deals  Amount CNY  Weighted CNY
G        10%                                        1 +1?         0  1 +1?           0             0
F        20%                                                             0           0             0
E        25%                                            1   177,501      1     710,004       177,501
D        30%                                                             0           0             0
C        50%                           1   625,000                       1   1,250,000       625,000
B        75%                                                             0           0             0
A        90%                                                             0           0             0
S       100%                           1   200,000                       1     200,000       200,000
Total                0         0       2   825,000  2 +1?   177,501  4 +1?   2,160,004     1,002,501
Left out: 1 lost, 1 on hold.
1 deal(s) without an amount (counted, not valued; marked ?): noamount
"""


def test_funnel_by_stacked_and_json_and_csv(hand: WS) -> None:
    out = hand.run("funnel", "--by", "segment", "--layout", "stacked").stdout
    titles = [line for line in out.splitlines() if line.startswith(("Segment:", "All "))]
    assert titles == ["Segment: energy", "Segment: municipal", "Segment: (none)",
                      "All 3 segment groups together"]
    data = run_json(hand, "funnel", "--by", "segment")
    assert data["by"] == "segment"
    assert [(g["group"], g["total"]["count"]) for g in data["groups"]] == [
        ("energy", 2), ("municipal", 2), (None, 0)]
    assert data["groups"][2]["excluded"]["lost"]["ids"] == ["lost"]
    rows = rows_of(hand.run("funnel", "--by", "segment", "--format", "csv").stdout)
    assert list(rows[0]) == ["group", "code", "name", "probability", "count", "amount",
                             "weighted", "without_amount"]
    totals = {r["group"]: r for r in rows if r["code"] == "TOTAL"}
    assert set(totals) == {"energy", "municipal", "(none)", "(all)"}
    assert totals["(all)"]["weighted"] == "1002500.89"
    assert sum(Decimal(t["weighted"]) for g, t in totals.items() if g != "(all)") == Decimal(
        "1002500.89")


def test_side_by_side_stays_aligned_with_chinese(tmp_path: Any) -> None:
    """Chinese stage names and owners take two columns each; numbers must still line up."""
    from tests.conftest import TEMPLATES

    ws = WS(tmp_path / "zh")
    ws.write("stages.yaml", (TEMPLATES / "stages.zh.yaml").read_text(encoding="utf-8"))
    ws.deal("a", "customer: 华东水务集团\nowner: 张敏\namount: 4800000\nstage: C\n")
    ws.deal("b", "customer: Acme\nowner: li.wei\namount: 1000\ncurrency: USD\nstage: G\n")
    ws.deal("c", "customer: 鲁北石化\nowner: 王芳\namount: 123456789\nstage: A\n")
    for args in (("funnel",), ("funnel", "--by", "owner"), ("stats", "--min-sample", "1")):
        out = ws.run(*args).stdout
        lines = [re.sub(r"\s+#+$", "", line) for line in out.splitlines()
                 if re.match(r"[GFEDCBA] ", line)]  # S has fewer columns in stats
        assert len(lines) == 7, out
        # the last column ends at the same display column on every stage row
        assert len({cell_len(line) for line in lines}) == 1, out


# ---------------------------------------------------------------- forecast


def test_forecast_by_hand(hand: WS) -> None:
    result = hand.run("forecast", "--as-of", "2026-11-15")
    assert result.exit_code == 0
    # huadong in E since 10-10: 710,003.55 × 25% = 177,500.89, closing 2026-12-15;
    # acme in C: 1,250,000 × 50%, closing 2027-03-31; won on 10-28: 200,000 in Q4.
    assert result.stdout == """\
Forecast (CNY) — by quarter, 2026-10-01 to 2027-03-31 — as of 2026-11-15, replayed from history
Period             Open deals  Best case CNY  Weighted CNY  Won deals  Won CNY  Weighted
Overdue                     0              0             0          0        0
2026-Q4                     1        710,004       177,501          1  200,000  ###
2027-Q1                     1      1,250,000       625,000          0        0  ############
No expected close           0              0             0          0        0
Total                       2      1,960,004       802,501          1  200,000
Not forecast: 1 on hold; lost deals never are.
Without history, cannot be replayed, left out: 1 deal(s): noamount
"""
    assert hand.run("forecast", "--as-of", "2026-11-15", "--format", "csv").stdout == """\
period,kind,start,end,count,best_case,weighted,won_count,won,without_amount,target,gap,coverage,below_goal
,overdue,,,0,0.00,0.00,0,0.00,0,,,,
2026-Q4,period,2026-10-01,2026-12-31,1,710003.55,177500.89,1,200000.00,0,,,,
2027-Q1,period,2027-01-01,2027-03-31,1,1250000.00,625000.00,0,0.00,0,,,,
,no_close,,,0,0.00,0.00,0,0.00,0,,,,
TOTAL,,,,2,1960003.55,802500.89,1,200000.00,0,,,,
"""


def test_forecast_overdue_and_no_close_rows(hand: WS) -> None:
    # On 2027-01-10 huadong (due 2026-12-15) is overdue; noamount has no close date
    data = run_json(hand, "forecast", "--by", "month", "--from", "2027-01-01", "--to",
                    "2027-03-31")
    assert data["period"] == "month" and (data["from"], data["to"]) == ("2027-01-01",
                                                                       "2027-03-31")
    rows = {r["period"] or r["kind"]: r for r in data["rows"]}
    assert list(rows) == ["overdue", "2027-01", "2027-02", "2027-03", "no_close"]
    assert rows["no_close"]["count"] == 1 and rows["no_close"]["without_amount"] == [
        "noamount"]
    assert rows["2027-03"]["best_case"] == "1250000.00"
    assert list(data) == ["currency", "period", "today", "from", "to", "rows", "total",
                          "held", "left_out", "won_undated", "overdue", "no_close", "as_of",
                          "replay", "filters", "coverage_goal", "targets_defined",
                          "targets_apply", "owners", "invalid"]


def test_forecast_names_overdue_deals_in_the_table(hand: WS) -> None:
    out = hand.run("forecast", "--as-of", "2027-01-10").stdout
    assert "Overdue                     1        710,004       177,501" in out
    assert ("Overdue: 1 open deal(s) expected to close before 2027-01-10: huadong; move "
            "their dates or close them.") in out


# ------------------------------------------------------------------- stats


def test_stats_by_hand(hand: WS) -> None:
    result = hand.run("stats", "--min-sample", "1")
    assert result.exit_code == 0
    # Days in G: acme 18, huadong 19, won 120, hold 30 -> avg 46.75, median 24.5.
    # G conversion: 4 moved on, 1 lost in G. Cycle: 2026-02-01 to 10-28 = 269 days.
    assert result.stdout == """\
Pipeline statistics (CNY) — all history
Stage  Name                                           Prob.  Won from here  To next stage  Avg days  Median days  Days n
G      Account planning and appointment                 10%      50.0% n=2      80.0% n=5      46.8         24.5       4
F      Customer visit and first needs survey            20%     100.0% n=1     100.0% n=4      40.5         40.5       2
E      Preliminary proposal                             25%     100.0% n=1     100.0% n=3      30.0         30.0       1
D      Solution demonstration and technical exchange    30%     100.0% n=1     100.0% n=2         —            —       0
C      Needs analysis and formal solution design        50%     100.0% n=1     100.0% n=1         —            —       0
B      Project evaluation                               75%     100.0% n=1     100.0% n=1         —            —       0
A      Commercial negotiation                           90%     100.0% n=1     100.0% n=1     149.0        149.0       1
S      Signed and handed over to delivery              100%     100.0% n=1
Win rate: 50.0% (1 won, 1 lost)
Cycle time to won: average 269.0 days, median 269.0 (n=1)

Lost reasons
Lost reason  Deals  Amount CNY
price            1           5
From the history of 5 deal(s); a figure resting on fewer than 1 deals is not given (—).
Without history, not counted: 1 deal(s): noamount
"""


def test_stats_json_and_csv_shapes(hand: WS) -> None:
    data = run_json(hand, "stats")
    assert list(data) == ["currency", "from", "to", "min_sample", "deals", "no_history",
                          "win_rate", "cycle_days_to_won", "stages", "lost_reasons", "forced",
                          "filters", "invalid"]
    assert data["min_sample"] == 5
    assert data["win_rate"] == {"won": 1, "lost": 1, "sample": 2, "percent": None}
    g = data["stages"][0]
    assert g["conversion"] == {"hits": 4, "sample": 5, "percent": 80.0}
    assert g["days"] == {"sample": 4, "avg": None, "median": None}
    assert data["stages"][-1]["conversion"] is None
    assert data["lost_reasons"] == [{"reason": "price", "count": 1, "amount": "5.00",
                                     "without_amount": []}]
    rows = rows_of(hand.run("stats", "--format", "csv").stdout)
    assert list(rows[0]) == ["section", "key", "metric", "value", "sample"]
    assert {"section": "stage", "key": "G", "metric": "conversion_percent", "value": "80.0",
            "sample": "5"} in rows
    assert {"section": "overall", "key": "", "metric": "win_percent", "value": "",
            "sample": "2"} in rows


def test_stats_window(hand: WS) -> None:
    data = run_json(hand, "stats", "--from", "2026-10-01", "--min-sample", "1")
    assert data["win_rate"] == {"won": 1, "lost": 0, "sample": 1, "percent": 100.0}
    assert data["from"] == "2026-10-01" and data["lost_reasons"] == []


# ---------------------------------------------------------- wrong commands


@pytest.mark.parametrize(("args", "message"), [
    (("funnel", "--as-of", "last week"), "--as-of: 'last week' is not a date"),
    (("funnel", "--close-from", "2027-01-01", "--close-to", "2026-01-01"),
     "--close-from 2027-01-01 is after --close-to 2026-01-01"),
    (("forecast", "--from", "2027-01-01", "--to", "2026-01-01"),
     "--from 2027-01-01 is after --to 2026-01-01"),
    (("stats", "--to", "2026-13-01"), "--to: '2026-13-01' is not a date"),
    (("funnel", "--by", "colour"), "Invalid value for '--by'"),
    (("forecast", "--by", "week"), "Invalid value for '--by'"),
    (("stats", "--min-sample", "0"), "Invalid value for '--min-sample'"),
])
def test_wrong_options_exit_2(hand: WS, args: tuple[str, ...], message: str) -> None:
    before = hand.snapshot()
    result = hand.run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert hand.snapshot() == before


def test_every_report_answers_on_an_empty_workspace(ws: WS) -> None:
    for command in ("funnel", "forecast", "stats"):
        for fmt in ("table", "json", "csv"):
            result = ws.run(command, "--format", fmt)
            assert result.exit_code == 0, (command, fmt, result.stderr)
    assert run_json(ws, "funnel")["total"] == {"count": 0, "amount": "0.00",
                                               "weighted": "0.00", "without_amount": []}
    assert run_json(ws, "stats")["deals"] == 0
    result = ws.run("report", "--html", "r.html")
    assert result.exit_code == 0 and "Deals (0)" in ws.read("r.html")


def test_reports_still_answer_with_an_invalid_file_and_exit_1(hand: WS) -> None:
    hand.deal("broken", "customer: X\nstage: Q\n")
    for command in ("funnel", "forecast", "stats"):
        result = hand.run(command, "--format", "json")
        assert result.exit_code == 1
        assert json.loads(result.stdout)
        assert "deals/broken.yaml:2:8: unknown stage 'Q'" in result.stderr


# ------------------------------------------------------------------ report


def test_report_writes_one_self_contained_page(hand: WS) -> None:
    result = hand.run("report", "--html", "weekly.html", "--as-of", "2026-09-30")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "wrote weekly.html (5 deals, as of 2026-09-30)\n"
    page = hand.read("weekly.html")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert outside not in page
    assert '<b id="workspace">pipeline</b>' in page
    assert "as of 2026-09-30 (replayed from history)" in page
    assert len(re.findall(r'<div class="bar( won)?" data-code="[A-Z]"', page)) == 8
    assert "泵站改造项目" in page and "<script>" in page


def test_report_to_stdout_and_refusals(hand: WS) -> None:
    result = hand.run("report", "--html", "-", "--owner", "王芳", "--title", "王芳 <weekly>")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<h1 id=\"title\">王芳 &lt;weekly&gt;</h1>" in result.stdout
    before = hand.snapshot()
    missing = hand.run("report", "--html", "no/such/folder/r.html")
    assert missing.exit_code == 2
    assert "folder no/such/folder does not exist" in missing.stderr
    assert hand.snapshot() == before


# ---------------------------------------------- a generated workspace, at scale

UNTIL = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> WS:
    ws = WS(tmp_path_factory.mktemp("big") / "ws")
    generate.write(ws.root, generate.walks(250, seed=11), dt.date(2026, 11, 30))
    return ws


def _table_numbers(line: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d)?", line)


def test_big_funnel_table_json_and_csv_agree(big: WS) -> None:
    for args in ((), ("--owner", "王芳"), ("--as-of", "2026-06-30")):
        data = run_json(big, "funnel", *args)
        table = big.run("funnel", *args).stdout.splitlines()
        rows = rows_of(big.run("funnel", *args, "--format", "csv").stdout)
        for stage, line, row in zip(data["stages"], table[2:10], rows[:8], strict=True):
            assert line.startswith(stage["code"] + " ")
            assert human(stage["amount"]) in line and human(stage["weighted"]) in line
            assert f"{stage['count']}" in line
            assert (row["count"], row["amount"], row["weighted"]) == (
                str(stage["count"]), stage["amount"], stage["weighted"])
        total = next(line for line in table if "Total" in line)
        assert human(data["total"]["amount"]) in total
        assert rows[-1]["weighted"] == data["total"]["weighted"]
        assert sum(Decimal(s["weighted"]) for s in data["stages"]) == Decimal(
            data["total"]["weighted"])


def test_big_by_groups_add_up(big: WS) -> None:
    for by in ("owner", "segment", "product_line"):
        data = run_json(big, "funnel", "--by", by)
        assert sum(Decimal(g["total"]["weighted"]) for g in data["groups"]) == Decimal(
            data["total"]["weighted"])
        assert sum(g["total"]["count"] for g in data["groups"]) == data["total"]["count"]


def test_big_forecast_and_stats_agree_with_their_tables(big: WS) -> None:
    data = run_json(big, "forecast", "--as-of", "2026-11-30", "--by", "month")
    table = big.run("forecast", "--as-of", "2026-11-30", "--by", "month").stdout
    for r in data["rows"]:
        label = r["period"] or {"overdue": "Overdue", "no_close": "No expected close"}[r["kind"]]
        line = next(x for x in table.splitlines() if x.startswith(label + " "))
        assert human(r["best_case"]) in line and human(r["weighted"]) in line
    rows = rows_of(big.run("forecast", "--as-of", "2026-11-30", "--format", "csv").stdout)
    total = run_json(big, "forecast", "--as-of", "2026-11-30")["total"]
    assert rows[-1]["weighted"] == total["weighted"]
    stats = run_json(big, "stats")
    out = big.run("stats").stdout
    for s in stats["stages"]:
        line = next(x for x in out.splitlines() if x.startswith(s["code"] + " "))
        if s["observed_win"]["percent"] is not None:
            assert f"{s['observed_win']['percent']:.1f}% n={s['observed_win']['sample']}" in line
    assert stats["no_history"]["count"] > 0


def test_as_of_reproduces_an_earlier_funnel_exactly(tmp_path: Any) -> None:
    """Record the funnel on a day; let time pass (more history, new deals); replay that day."""
    ws = WS(tmp_path / "ws")
    walks = generate.walks(300, seed=5, hand_written=0)
    generate.write(ws.root, walks, UNTIL)
    then = {by: run_json(ws, "funnel", *(("--by", by) if by else ())) for by in ("", "owner")}
    then_forecast = run_json(ws, "forecast", "--as-of", UNTIL.isoformat())
    generate.write(ws.root, walks, dt.date(2027, 3, 31))
    now = run_json(ws, "funnel")
    assert now["stages"] != then[""]["stages"]  # time did pass
    for by, old in then.items():
        replayed = run_json(ws, "funnel", "--as-of", UNTIL.isoformat(),
                            *(("--by", by) if by else ()))
        assert replayed["replay"]["created_later"]["count"] > 0
        assert replayed["replay"]["disagree"]["count"] == 0
        for key in ("currency", "stages", "total", "excluded", "groups"):
            assert replayed[key] == old[key], key
    replayed_forecast = run_json(ws, "forecast", "--as-of", UNTIL.isoformat())
    for key in ("rows", "total", "held", "left_out", "won_undated"):
        assert replayed_forecast[key] == then_forecast[key], key


def test_names_that_look_like_markup_are_shown_as_written(ws: WS) -> None:
    ws.deal("a", 'customer: "[bold]Co"\nowner: "[/red]x"\nsegment: "[s]"\namount: 10\n'
                 "stage: G\nstatus: lost\nlost_reason: price\n"
                 "history:\n  - {date: 2026-01-01, to: G}\n  - {date: 2026-02-01, status: lost}\n")
    ws.deal("b", 'customer: B\nowner: "[/red]x"\namount: 10\nstage: F\n')
    for args in (("funnel", "--by", "owner"), ("funnel", "--by", "segment", "--layout",
                                               "stacked", "--customer", "[bold]"),
                 ("stats", "--owner", "[/red]x"), ("forecast", "--owner", "[/red]x")):
        result = ws.run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert "[/red]x" in ws.run("funnel", "--by", "owner").stdout
    assert "Segment: [s]" in ws.run("funnel", "--by", "segment", "--layout", "stacked").stdout
    assert "customer contains '[bold]'" in ws.run("funnel", "--customer", "[bold]").stdout
