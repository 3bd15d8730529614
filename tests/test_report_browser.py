"""The HTML report as a person sees it: opened in headless Chromium.

The page's own inline script measures what the browser drew (the chart's size,
each bar's width) into `#render-facts`; Chromium's --dump-dom hands back the
DOM after that script ran. The numbers a reader sees are then compared with
`funnel`, `forecast` and `stats --format json` run with the same options.

Skipped where Chromium is missing, except on CI (CI is set), where .ci/run
installs Debian's `chromium` and a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import WS

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,2000")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed on CI; .ci/run should apt-get install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


class Cells(HTMLParser):
    """Every element with an id or a data-field, with its attributes, row and text."""

    def __init__(self) -> None:
        super().__init__()
        self.table: str | None = None
        self.row: dict[str, str] = {}
        self.open: list[dict[str, Any]] = []
        self.found: list[dict[str, Any]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.table = a.get("id")
        if tag == "tr":
            self.row = a
        if "data-field" in a or "id" in a:
            item = {"tag": tag, "attrs": a, "table": self.table, "row": self.row, "text": ""}
            self.found.append(item)
            self.open.append(item)
        elif self.open and tag not in ("br", "rect", "line"):
            self.open.append({"nested": True, "tag": tag})

    def handle_endtag(self, tag: str) -> None:
        if self.open and tag == self.open[-1]["tag"]:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for item in self.open:
            if not item.get("nested"):
                item["text"] += data

    def cell(self, table: str, key: str, value: str, field: str) -> dict[str, Any]:
        hits = [c for c in self.found if c["table"] == table and c["row"].get(key) == value
                and c["attrs"].get("data-field") == field]
        assert len(hits) == 1, (table, key, value, field, hits)
        return hits[0]

    def by_id(self, ident: str) -> dict[str, Any]:
        return next(c for c in self.found if c["attrs"].get("id") == ident)


def human(value: str) -> str:
    from salesflow.output.render import money

    return money(Decimal(value))


def render(chromium: str, page: Path, tmp_path: Path) -> Cells:
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    cells = Cells()
    cells.feed(done.stdout)
    return cells


def as_json(ws: WS, *args: str) -> Any:
    result = ws.run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.browser
@pytest.mark.parametrize(("options", "as_of"), [
    ((), None),
    (("--owner", "li.wei", "--owner", "sarah.ortiz"), "2026-09-30"),
])
def test_the_page_shows_the_json_reports_numbers(chromium: str, demo: WS, tmp_path: Path,
                                                  options: tuple[str, ...],
                                                  as_of: str | None) -> None:
    replay = ("--as-of", as_of) if as_of else ()
    page = tmp_path / "weekly.html"
    result = demo.run("report", "--html", str(page), *options, *replay)
    assert result.exit_code == 0, result.stderr
    funnel = as_json(demo, "funnel", *options, *replay)
    forecast = as_json(demo, "forecast", *options, *replay)
    stats = as_json(demo, "stats", *options, *(("--to", as_of) if as_of else ()))
    dom = render(chromium, page, tmp_path)

    # What the browser drew: a chart of real size, one bar per stage, bars in proportion.
    facts = dom.by_id("render-facts")["attrs"]
    assert facts["data-ready"] == "yes"
    assert int(facts["data-bars"]) == len(funnel["stages"]) == 8
    assert int(facts["data-chart-width"]) > 600 and int(facts["data-chart-height"]) > 300
    widths = dict(w.split("=") for w in facts["data-bar-widths"].split())
    top = max(Decimal(s["amount"]) for s in funnel["stages"])
    widest = max(float(w) for w in widths.values())
    assert widest > 250
    for s in funnel["stages"]:
        expected = float(Decimal(s["amount"]) / top) * widest if top else 0.0
        assert abs(float(widths[s["code"]]) - expected) < 1.0, s["code"]

    # Header: the workspace and the date the figures are as of.
    assert dom.by_id("workspace")["text"] == "demo"
    as_of = dom.by_id("as-of")
    assert as_of["attrs"]["data-exact"] == (funnel["as_of"] or forecast["today"])

    # Funnel table = funnel --format json.
    for s in [*funnel["stages"], {"code": "TOTAL", **funnel["total"]}]:
        for field in ("amount", "weighted"):
            cell = dom.cell("funnel-table", "data-code", s["code"], field)
            assert cell["attrs"]["data-exact"] == s[field]
            assert cell["text"] == human(s[field])
        count = dom.cell("funnel-table", "data-code", s["code"], "count")
        assert count["text"].split()[0] == str(s["count"])
    assert dom.by_id("funnel-chart")  # the chart is in the page's DOM
    cards = {c["attrs"]["data-field"]: c for c in dom.found
             if c["tag"] == "div" and "data-field" in c["attrs"]}
    assert cards["funnel-weighted"]["text"] == human(funnel["total"]["weighted"])

    # Forecast table = forecast --format json.
    for r in [*forecast["rows"], {"period": "TOTAL", **forecast["total"]}]:
        key = r["period"] or r["kind"]
        for field in ("best_case", "weighted", "won"):
            cell = dom.cell("forecast-table", "data-period", key, field)
            assert (cell["attrs"]["data-exact"], cell["text"]) == (r[field], human(r[field]))

    # Statistics = stats --format json.
    for s in stats["stages"]:
        win = s["observed_win"]
        if win["percent"] is not None:
            cell = dom.cell("stats-table", "data-code", s["code"], "observed_win")
            assert cell["text"].startswith(f"{win['percent']:.1f}%")
    rate = stats["win_rate"]["percent"]
    assert dom.by_id("win-rate")["text"] == ("—" if rate is None else f"{rate:.1f}%")

    # The deals table lists every deal the report covers.
    deals = [c for c in dom.found if c["table"] == "deals-table"
             and c["attrs"].get("data-field") == "amount"]
    assert int(facts["data-deal-rows"]) == len(deals)
    assert len(deals) == funnel["total"]["count"] + sum(
        v["count"] for v in funnel["excluded"].values())
