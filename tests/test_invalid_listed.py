"""A report never leaves a deal out silently: every format names the files it could not read.

With broken deal files in the workspace, each report still answers (exit 1)
and carries the list: the table's last line, the JSON's `invalid`, the CSV's
trailing INVALID rows and the HTML page's red banner. A total without its
missing deals named could be presented as the whole pipeline.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import WS

BROKEN = "customer: X\nstage: Q\n"
BROKEN_TOO = "customer: Y\nammount: 5\nstage: G\n"
REPORTS = (("funnel",), ("funnel", "--by", "owner"), ("forecast",), ("forecast", "--per-owner"),
           ("trend",), ("stats",), ("review",))
FIRST = {"path": "deals/a-broken.yaml", "line": 2, "col": 8,
         "message": "unknown stage 'Q' (expected one of G, F, E, D, C, B, A, S)"}


@pytest.fixture
def broken(demo: WS) -> WS:
    demo.deal("a-broken", BROKEN)
    demo.deal("z-broken", BROKEN_TOO)
    return demo


@pytest.mark.parametrize("command", REPORTS, ids=" ".join)
def test_the_table_ends_naming_every_invalid_file(broken: WS, command: tuple[str, ...]) -> None:
    result = broken.run(*command)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        "2 deal file(s) are invalid and left out: deals/a-broken.yaml, deals/z-broken.yaml "
        "(salesflow validate)")


def test_list_ends_naming_every_invalid_file(broken: WS) -> None:
    result = broken.run("list")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("2 deal file(s) are invalid and left out")


@pytest.mark.parametrize("command", REPORTS, ids=" ".join)
def test_the_json_has_each_invalid_file_with_its_first_problem(
        broken: WS, command: tuple[str, ...]) -> None:
    result = broken.run(*command, "--format", "json")
    assert result.exit_code == 1
    invalid = json.loads(result.stdout)["invalid"]
    assert invalid["count"] == 2
    assert invalid["files"][0] == FIRST
    assert invalid["files"][1]["path"] == "deals/z-broken.yaml"
    assert "ammount" in invalid["files"][1]["message"]


@pytest.mark.parametrize("command", REPORTS, ids=" ".join)
def test_the_csv_ends_with_one_invalid_row_per_file(broken: WS,
                                                    command: tuple[str, ...]) -> None:
    result = broken.run(*command, "--format", "csv")
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    width = len(rows[0])
    assert all(len(r) == width for r in rows)  # a fixed-width reader still parses them
    assert rows[-2][:5] == ["INVALID", "deals/a-broken.yaml", "2", "8", FIRST["message"]]
    assert rows[-1][:2] == ["INVALID", "deals/z-broken.yaml"]
    assert not any(r[0] == "INVALID" for r in rows[:-2])


def test_a_clean_workspace_says_nothing_and_has_an_empty_list(demo: WS) -> None:
    result = demo.run("funnel")
    assert result.exit_code == 0 and "invalid" not in result.stdout
    assert json.loads(demo.run("funnel", "--format", "json").stdout)["invalid"] == {
        "count": 0, "files": []}
    rows = list(csv.reader(io.StringIO(demo.run("stats", "--format", "csv").stdout)))
    assert not any(r[0] == "INVALID" for r in rows)


def test_the_html_page_shows_a_red_banner_naming_each_file(broken: WS) -> None:
    result = broken.run("report", "--html", "weekly.html")
    assert result.exit_code == 1
    page = broken.read("weekly.html")
    banner = page[page.index('<div id="invalid"'):]
    banner = banner[:banner.index("</div>")]
    assert 'role="alert"' in banner and 'data-count="2"' in banner
    assert "2 deal file(s) are invalid and left out" in banner
    assert ("<code>deals/a-broken.yaml:2:8</code> unknown stage &#x27;Q&#x27;" in banner)
    assert "deals/z-broken.yaml" in banner
    assert page.index('id="invalid"') < page.index('id="funnel"')  # at the top
    clean = broken.root / "deals"
    (clean / "a-broken.yaml").unlink()
    (clean / "z-broken.yaml").unlink()
    assert broken.run("report", "--html", "clean.html").exit_code == 0
    assert 'id="invalid"' not in broken.read("clean.html")


def test_forecast_names_its_overdue_deals(ws: WS) -> None:
    ws.deal("late-one", "customer: L\namount: 10\nstage: C\nexpected_close: 2020-01-31\n")
    ws.deal("late-two", "customer: M\namount: 10\nstage: D\nexpected_close: 2021-05-01\n")
    ws.deal("undated", "customer: U\namount: 10\nstage: D\n")
    result = ws.run("forecast")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("Overdue: 2 open deal(s) expected to close before ")
               and line.endswith(": late-one, late-two; move their dates or close them.")
               for line in lines), result.stdout
    assert ("No expected close: 1 open deal(s) cannot be placed in a period: undated; give "
            "them an expected_close.") in lines
    data = json.loads(ws.run("forecast", "--format", "json").stdout)
    assert data["overdue"] == {"count": 2, "ids": ["late-one", "late-two"]}
    assert data["no_close"] == {"count": 1, "ids": ["undated"]}
    assert ws.run("report", "--html", "r.html").exit_code == 0
    assert "<code>late-one</code>, <code>late-two</code>" in ws.read("r.html")
