"""Moving in from a real CRM: history from event columns, defaults, joins, currency, grouped
errors; `stats` on the import agrees with the CSV itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics

import pytest

from tests.conftest import WS
from tests.crmexport import (
    PRODUCTS,
    RECIPE,
    accounts_csv,
    pipeline_csv,
    pipeline_rows,
    products_csv,
)

TODAY = dt.date.today().isoformat()


def test_a_crm_export_imports_whole_and_stats_tell_the_truth(ws: WS) -> None:
    rows = pipeline_rows(2500)
    ws.write("sales_pipeline.csv", pipeline_csv(rows))
    ws.write("products.csv", products_csv())
    ws.write("accounts.csv", accounts_csv())
    result = ws.run("import", "sales_pipeline.csv", *RECIPE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 2500 deal(s) from sales_pipeline.csv into deals/\n"
    assert result.stderr == ""
    assert ws.run("validate").exit_code == 0

    # what the CSV itself says, computed without salesflow
    won = [r for r in rows if r[4] == "Won"]
    lost = [r for r in rows if r[4] == "Lost"]
    cycle = [(dt.date.fromisoformat(r[6]) - dt.date.fromisoformat(r[5])).days for r in won]
    report = json.loads(ws.run("stats", "--format", "json").stdout)
    assert report["win_rate"] == {"won": len(won), "lost": len(lost),
                                  "sample": len(won) + len(lost),
                                  "percent": round(100 * len(won) / (len(won) + len(lost)), 1)}
    assert report["cycle_days_to_won"]["median"] == float(statistics.median(cycle))
    assert report["deals"] == 2500 and report["no_history"]["count"] == 0

    # every row came in: empty accounts got the default, open deals the list price
    exported = {d["x-crm-id"]: d for d in json.loads(ws.run("export", "-f", "json").stdout)}
    assert len(exported) == 2500
    prices = {p: price for p, (_, price) in PRODUCTS.items()}
    for r in rows:
        deal = exported[r[0]]
        assert deal["customer"] == (r[3] or "Unknown account")
        assert deal["currency"] == "USD"
        expected = r[7] or prices[r[2]]
        assert deal["amount"] == f"{expected}.00"
        assert deal["status"] == {"Won": "won", "Lost": "lost"}.get(r[4], "open")
    # replayed on a past date, no deal's history disagrees with its file
    past = json.loads(ws.run("funnel", "--as-of", "2017-03-01", "-f", "json").stdout)
    assert past["replay"]["disagree"]["count"] == 0
    text = ws.run("funnel", "--as-of", "2017-03-01").stdout
    assert "edited by hand" not in text


def _one(ws: WS, header: str, row: str, *args: str) -> str:
    ws.write("crm.csv", f"{header}\n{row}\n")
    result = ws.run("import", "crm.csv", *args)
    assert result.exit_code == 0, result.stderr
    (path,) = (ws.root / "deals").glob("*.yaml")
    text = path.read_text(encoding="utf-8")
    return text[text.index("history:"):]


H = "id,customer,stage,status,created,closed,entered,why"


@pytest.mark.parametrize(("row", "history"), [
    ("d,A,S,won,2026-01-05,2026-03-01,,",
     "  - {date: 2026-01-05, to: G, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-03-01, from: G, to: S, status: won, by: tester}\n"),
    ("d,A,S,won,,2026-03-01,,",
     "  - {date: 2026-03-01, to: S, by: tester, note: imported from crm.csv}\n"),
    ("d,A,G,lost,2026-01-05,2026-03-01,,price",
     "  - {date: 2026-01-05, to: G, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-03-01, status: lost, by: tester, reason: price}\n"),
    ("d,A,D,lost,2026-01-05,2026-03-01,,",
     "  - {date: 2026-01-05, to: G, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-03-01, from: G, to: D, status: lost, by: tester}\n"),
    ("d,A,D,lost,2026-01-05,2026-03-01,2026-02-01,",
     "  - {date: 2026-01-05, to: G, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-02-01, from: G, to: D, by: tester}\n"
     "  - {date: 2026-03-01, status: lost, by: tester}\n"),
    ("d,A,D,open,2026-01-05,,2026-02-01,",
     "  - {date: 2026-01-05, to: G, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-02-01, from: G, to: D, by: tester}\n"),
    ("d,A,D,hold,2026-01-05,,,",
     "  - {date: 2026-01-05, to: D, by: tester, note: imported from crm.csv}\n"
     "  - {date: 2026-01-05, status: hold, by: tester}\n"),
])
def test_event_columns_become_history(ws: WS, row: str, history: str) -> None:
    got = _one(ws, H, row, "-m", "closed=closed", "-m", "stage_date=entered",
               "-m", "lost_reason=why")
    assert got == "history:\n" + history


def test_a_lost_deal_without_a_close_date_is_lost_today_and_said(ws: WS) -> None:
    ws.write("crm.csv", f"{H}\na,A,G,lost,2026-01-05,,,\nb,B,G,lost,2026-01-05,,,\n"
             "c,C,S,won,2026-01-05,,,\n")
    result = ws.run("import", "crm.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (f"2 lost and 1 won deal(s) have no close date: the close is dated "
                             f"{TODAY}, the import date (map one with --map closed=COLUMN)\n")
    assert ws.read("deals/a.yaml").endswith(f"  - {{date: {TODAY}, status: lost, by: tester}}\n")
    report = json.loads(ws.run("stats", "-f", "json", "--min-sample", "1").stdout)
    assert report["win_rate"]["lost"] == 2 and report["win_rate"]["won"] == 1


def test_a_close_before_the_creation_is_a_problem_of_the_row(ws: WS) -> None:
    ws.write("crm.csv", f"{H}\na,A,S,won,2026-03-05,2026-01-01,,\n")
    result = ws.run("import", "crm.csv", "-m", "closed=closed")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "crm.csv:2:6: column 'closed': the close date 2026-01-01 is before the creation date "
        "2026-03-05")


def test_defaults_fill_empty_cells_and_absent_columns(ws: WS) -> None:
    ws.write("crm.csv", "Company,Value\n,5\nBeta,\n")
    result = ws.run("import", "crm.csv", "-m", "customer=Company", "-m", "amount=Value",
                    "--default", "customer=Unknown account", "--default", "amount=7",
                    "--default", "owner=li.wei")
    assert result.exit_code == 0, result.stderr
    deals = {d["customer"]: d for d in json.loads(ws.run("export", "-f", "json").stdout)}
    assert deals["Unknown account"]["amount"] == "5.00"
    assert deals["Beta"]["amount"] == "7.00"
    assert {d["owner"] for d in deals.values()} == {"li.wei"}


@pytest.mark.parametrize(("args", "message"), [
    (["--default", "amont=5"], "--default amont=...: 'amont' is not a field salesflow imports "
                               "(did you mean 'amount'?)"),
    (["--default", "amount=lots"], "--default amount=lots: expected an amount like 1250000"),
    (["--currency", "JPY"], "--currency JPY: stages.yaml reports in CNY and has no exchange "
                            "rate for JPY"),
    (["--currency", "dollars"], "--currency 'dollars': expected a three-letter currency code"),
    (["--join", "p.csv"], "1 --join but 0 --on"),
    (["--join", "p.csv", "--on", "Product"], "--on Product (in crm.csv): the file has no "
                                             "column 'Product'"),
    (["--join", "p.csv", "--on", "Company=nope"], "--on ...=nope (in p.csv): the file has no "
                                                  "column 'nope'"),
    (["-m", "amount=Value|"], "--map amount=Value|: an empty column name between '|'"),
    (["-m", "amount=Value|Cost"], "--map amount: the file has no column 'Cost'"),
])
def test_option_mistakes_are_usage_errors(ws: WS, args: list[str], message: str) -> None:
    ws.write("crm.csv", "Company,Value\nAcme,5\n")
    ws.write("p.csv", "name,price\nx,1\n")
    before = ws.snapshot()
    result = ws.run("import", "crm.csv", "-m", "customer=Company", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: {message}")
    assert ws.snapshot() == before


def test_currency_marks_foreign_amounts(ws: WS) -> None:
    ws.write("crm.csv", "customer,amount,currency\nA,5,\nB,6,EUR\n")
    assert ws.run("import", "crm.csv", "--currency", "usd").exit_code == 0
    deals = {d["customer"]: d for d in json.loads(ws.run("export", "-f", "json").stdout)}
    assert (deals["A"]["currency"], deals["B"]["currency"]) == ("USD", "EUR")


def test_joins_add_columns_and_report_unmatched_keys(ws: WS) -> None:
    ws.write("crm.csv", "customer,product,value\nA,pump,\nB,valve,9\nC,gizmo,\nD,,\nE,gizmo,\n")
    ws.write("products.csv", "sku,price,customer\npump,100,X\nvalve,50,Y\npump,1,Z\n")
    result = ws.run("import", "crm.csv", "--join", "products.csv", "--on", "product=sku",
                    "-m", "amount=value|price", "-m", "x-also=products.csv:customer")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "products.csv: 1 key(s) appear more than once in column 'sku' (the first row is "
        "used): 'pump'",
        "products.csv: 2 row(s) of crm.csv have a 'product' that products.csv does not list: "
        "'gizmo' (2)",
    ]
    deals = {d["customer"]: d for d in json.loads(ws.run("export", "-f", "json").stdout)}
    assert [deals[c]["amount"] for c in "ABCDE"] == ["100.00", "9.00", None, None, None]
    assert deals["A"]["x-also"] == "X"


def _stage_rows(n: int) -> str:
    return "customer,stage,amount\n" + "".join(
        f"C{i},{'Engaging' if i % 2 else 'Won!'},{'x' if i % 3 == 0 else ''}\n"
        for i in range(n))


def test_errors_are_grouped_with_counts_rows_and_the_fix(ws: WS) -> None:
    ws.write("crm.csv", _stage_rows(10))
    before = ws.snapshot()
    result = ws.run("import", "crm.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "crm.csv: column 'stage': 'Won!' is not a stage code (expected one of G, F, E, D, C, "
        "B, A, S) — 5 rows (lines 2, 4, 6, …); translate it with --stage-map 'Won!=CODE'",
        "crm.csv: column 'amount': expected an amount like 1250000 (digits, an optional "
        "decimal point, no thousands separators or currency), found 'x' — 4 rows "
        "(lines 2, 5, 8, …)",
        "crm.csv: column 'stage': 'Engaging' is not a stage code (expected one of G, F, E, D, "
        "C, B, A, S) — 5 rows (lines 3, 5, 7, …); translate it with --stage-map "
        "'Engaging=CODE'",
        "error: 14 problem(s) in 10 row(s) of crm.csv; nothing was written",
        "hint: fix the rows (or the --map/--stage-map options), try --dry-run, or pass "
        "--skip-bad to import only the good rows; --verbose lists every row",
    ]
    assert ws.snapshot() == before


def test_verbose_lists_every_row(ws: WS) -> None:
    ws.write("crm.csv", _stage_rows(4))
    result = ws.run("import", "crm.csv", "--verbose")
    assert result.exit_code == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()[:5]] == [
        "crm.csv:2:2", "crm.csv:2:3", "crm.csv:3:2", "crm.csv:4:2", "crm.csv:5:2"]


def test_event_columns_named_like_fields_need_no_map(ws: WS) -> None:
    ws.write("crm.csv", "customer,stage,status,created,closed\nA,S,won,2026-01-02,2026-02-03\n")
    assert ws.run("import", "crm.csv").exit_code == 0
    rows = list(csv.reader(io.StringIO(ws.run("export").stdout)))
    assert rows[1][-1] == "2026-01-02"
    assert "2026-02-03, from: G, to: S, status: won" in ws.read("deals/a.yaml")
