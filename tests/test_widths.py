"""Every report table fits the width it is printed at, one line per row, no id cut.

Piped output is as wide as $COLUMNS (else a fixed 100); a terminal's is its
own. The demo workspace mixes Chinese and Latin names; a deal with a long id
and long Chinese texts is added so the narrow widths must truncate and drop.
"""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from tests.conftest import WS

WIDTHS = (60, 80, 120, 200)
LONG_ID = "shanghai-metro-line-19-depot-water"
LONG = """\
name: 上海地铁十九号线车辆段给排水及消防系统改造工程
customer: 上海申通地铁集团有限公司维护保障中心（车辆分公司）
owner: 欧阳.晓明
amount: 3880000
stage: D
expected_close: 2027-04-30
history:
  - {date: 2026-09-01, to: G, by: 欧阳.晓明}
  - {date: 2026-10-01, from: G, to: D, by: 欧阳.晓明}
"""


@pytest.fixture
def wide(demo: WS) -> WS:
    demo.deal(LONG_ID, LONG)
    return demo


def run(ws: WS, width: int, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    result = ws.run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def rows(lines: list[str], header: str, first: str) -> list[str]:
    """The header line starting with `header`, and the rows under it that start like `first`."""
    at = [i for i, line in enumerate(lines) if line.startswith(header)]
    assert at, (header, lines)
    found = []
    for i in at:
        found.append(lines[i])
        for line in lines[i + 1:]:
            if not line.strip() or not re.match(first, line):
                break
            found.append(line)
    return found


def fits(lines: list[str], width: int) -> None:
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


STAGE_ROW = r"[GFEDCBAS] |\s+Total"


@pytest.mark.parametrize("width", WIDTHS)
def test_funnel_fits(wide: WS, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "funnel")
    table = rows(lines, "Stage", STAGE_ROW)
    assert len(table) == 1 + 8 + 1  # header, one line per stage, the total: nothing wraps
    fits(table, width)
    assert [line[0] for line in table[1:9]] == list("GFEDCBAS")
    assert all(re.search(r"\d{1,3}(,\d{3})*\s+\d{1,3}(,\d{3})*\s*(#*)$", line)
               for line in table[1:9])  # amount and weighted whole at the end
    if width >= 120:
        assert "Needs analysis and formal solution design" in "\n".join(table)
        assert table[0].endswith("Weighted")  # the bar column says what it measures


@pytest.mark.parametrize("width", WIDTHS)
def test_funnel_by_owner_fits(wide: WS, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "funnel", "--by", "owner")
    headers = [i for i, line in enumerate(lines) if line.startswith("Stage")]
    assert headers
    for i in headers:
        block = [lines[i]]
        for line in lines[i + 1:]:
            if not re.match(STAGE_ROW + r"|Total", line):
                break
            block.append(line)
        assert len(block) in (10, 11), block  # per group, or the side-by-side table
        fits(block, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_fits(wide: WS, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "forecast")
    table = rows(lines, "Period", r"(Overdue|\d{4}-Q\d|No expected close|Total)  ")
    fits(table, width)
    assert table[1].startswith("Overdue") and table[-1].startswith("Total")
    assert any(line.startswith("No expected close ") for line in table)  # never cut


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_fits(wide: WS, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "stats")
    table = rows(lines, "Stage", r"[GFEDCBAS] ")
    assert len(table) == 9
    fits(table, width)
    assert "Won from here" in table[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_fits_and_never_cuts_an_id(wide: WS, width: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "list", "--status", "all")
    ids = [r["id"] for r in json.loads(
        wide.run("list", "--status", "all", "--format", "json").stdout)]
    table = lines[: 1 + len(ids)]
    assert table[0].startswith("ID")
    fits(table, width)
    assert [line.split()[0] for line in table[1:]] == ids  # one line each, every id whole
    if width >= 120:
        assert "上海申通" in "\n".join(table)  # wide enough: the customer is shown
    if width <= 80:
        assert "…" in "\n".join(table) or "Customer" not in table[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_review_headings_fit(wide: WS, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(wide, width, monkeypatch, "review", "--as-of", "2026-12-01")
    heads = [line for line in lines if line and not line.startswith(" ")
             and not line.startswith(("Deal review", "No risks"))]
    assert heads
    fits(heads, width)
    for line in heads:  # the id first and whole, the facts last and whole
        assert re.match(r"[a-z0-9][a-z0-9._-]* ", line), line
        assert re.search(r"[\d,]+( CNY)?$|no amount$", line), line


def test_piped_output_without_columns_is_100_wide(wide: WS,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    lines = wide.run("list", "--status", "all").stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 100
    assert any(cell_len(line) > 90 for line in lines)  # it does use the width
