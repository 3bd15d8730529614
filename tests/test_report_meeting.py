"""The weekly page (`report --html --since`) as a browser draws it.

Opened in headless Chromium on the scripted quarter of tests/test_changes.py:
the page opens with the changes (a waterfall whose bars are in proportion)
and the trend (a line chart), their tables carry the very numbers of
`changes` and `trend --format json`, and the forecast meets its targets.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import WS
from tests.test_changes import SINCE, quarter
from tests.test_report_browser import as_json, chromium, render

__all__ = ["chromium", "quarter"]  # fixtures used by name

TARGETS = """
targets:
  - {period: 2026-Q4, amount: 4000000}
  - {period: 2026-Q4, owner: li.wei, amount: 3000000}
"""


@pytest.mark.browser
def test_the_weekly_page_opens_with_the_changes_and_the_trend(
        chromium: str, quarter: WS, tmp_path: Path) -> None:
    quarter.write("stages.yaml", quarter.read("stages.yaml") + TARGETS)
    page = tmp_path / "weekly.html"
    result = quarter.run("report", "--html", str(page), "--since", SINCE)
    assert result.exit_code == 0, result.stderr
    changes = as_json(quarter, "changes", "--since", SINCE)
    trend = as_json(quarter, "trend")
    forecast = as_json(quarter, "forecast")
    dom = render(chromium, page, tmp_path)

    # The order: changes, trend, then the sections of every report.
    order = [c["attrs"]["id"] for c in dom.found
             if c["tag"] == "section" and c["attrs"].get("id")]
    assert order[:3] == ["changes", "trend", "funnel"]
    assert order.index("targets") == order.index("forecast") + 1

    # What the browser drew: start, one bar per category that moved, end; in proportion.
    facts = dom.by_id("meeting-facts")["attrs"]
    assert facts["data-ready"] == "yes"
    moved = [c for c in changes["categories"] if Decimal(c["weighted"])]
    assert int(facts["data-waterfall-bars"]) == len(moved) + 2
    heights = [float(h) for h in facts["data-waterfall-heights"].split()]
    start, end = Decimal(changes["start"]["weighted"]), Decimal(changes["end"]["weighted"])
    assert heights[0] > 100
    assert abs(heights[-1] / heights[0] - float(end / start)) < 0.01
    for h, c in zip(heights[1:-1], moved, strict=True):
        assert abs(h / heights[0] - float(abs(Decimal(c["weighted"])) / start)) < 0.01 or (
            h <= 1.5), c["category"]  # a tiny change is drawn 1px high
    assert int(facts["data-trend-points"]) == len(trend["rows"]) == 8
    assert int(facts["data-trend-width"]) > 600

    # The tables are the JSON's numbers.
    for key, side in (("start", changes["start"]), ("end", changes["end"])):
        cell = dom.cell("changes-table", "data-category", key, "weighted")
        assert cell["attrs"]["data-exact"] == side["weighted"]
    for c in changes["categories"]:
        if c["count"]:
            cell = dom.cell("changes-table", "data-category", c["category"], "weighted")
            assert cell["attrs"]["data-exact"] == c["weighted"]
    for r in trend["rows"]:
        cell = dom.cell("trend-table", "data-period", r["period"], "weighted")
        assert cell["attrs"]["data-exact"] == r["weighted"]
    assert "(from git)" in "".join(dom.text)

    # Against the targets: the team's Q4 row has the forecast's coverage.
    q4 = next(r for r in forecast["rows"] if r["period"] == "2026-Q4")
    cell = dom.cell("targets-table", "data-period", "2026-Q4", "coverage")
    assert cell["attrs"]["data-exact"] == (q4["coverage"] or "")
    assert dom.cell("owner-targets-table", "data-period", "2026-Q4", "target")["text"] == (
        "3,000,000")


def test_since_and_as_of_do_not_mix(ws: WS, tmp_path: Path) -> None:
    result = ws.run("report", "--html", str(tmp_path / "x.html"), "--since", "7d",
                    "--as-of", "2026-11-01")
    assert result.exit_code == 2 and "--since and --as-of cannot be combined" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_without_since_the_page_has_no_meeting_sections(ws: WS, tmp_path: Path) -> None:
    ws.run("report", "--html", str(tmp_path / "x.html"))
    text = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert 'id="changes"' not in text and 'id="trend"' not in text
