"""A long column: its cards are data drawn line by line, not widgets (not timed here).

How fast the board opens is measured by benchmarks/board_open.py; these tests
check what the virtual card list must keep true: every card can be reached,
only the cards on screen are drawn, and a card that moves leaves both columns
consistent with the files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from salesflow.board.widgets import CARD_HEIGHT, CardList, StageColumn
from tests.conftest import WS
from tests.test_board import READY, TODAY, app_for, column, drive, go_to, press, screen_text, small

MANY = 300


def long_ws(ws: WS) -> WS:
    ws.deal("acme", READY)  # 1,250,000 in G: weighted 125,000
    for i in range(MANY):
        ws.deal(f"filler-{i:03d}", small(f"Filler {i:03d}", f"Customer {i:03d}", "li.wei",
                                         1000 + i, "G"))
    return ws


def test_scrolling_a_long_column_reaches_its_last_card(ws: WS) -> None:
    app = app_for(long_ws(ws))

    async def steps(pilot: Pilot[None]) -> None:
        ids = column(app, "G")
        assert len(ids) == MANY + 1 and ids[0] == "acme" and ids[-1] == "filler-000"
        cards = app.main.query_one("#cards-G", CardList)
        assert not cards.children  # no widget per card
        assert len(app.main.query("*")) < 80  # a few per column, whatever the deals
        await press(pilot, "end")
        assert app.current_id() == "filler-000"
        assert cards.scroll_offset.y >= (MANY + 1) * CARD_HEIGHT - cards.size.height
        assert "Filler 000" in screen_text(app)
        await press(pilot, "pageup")
        assert app.current_id() not in ("filler-000", "acme")
        await press(pilot, "home")
        assert app.current_id() == "acme" and cards.scroll_offset.y == 0
        for _ in range(5):
            await press(pilot, "down")
        assert app.current_id() == ids[5]

    drive(app, steps)


def test_a_card_that_moves_leaves_both_columns_consistent(ws: WS) -> None:
    app = app_for(long_ws(ws))

    async def steps(pilot: Pilot[None]) -> None:
        before = column(app, "G")
        await go_to(pilot, "G", "acme")
        await press(pilot, "t", "enter", "enter", "a")  # visit-committed, then G → F
        assert column(app, "G") == [i for i in before if i != "acme"]
        assert column(app, "F") == ["acme"]
        assert app.current_id() == "acme"  # the highlight went with the card
        cols = {c.column.code: c for c in app.main.query(StageColumn)}
        assert (cols["G"].column.count, cols["F"].column.count) == (MANY, 1)
        # a card lost from the middle: the next one takes its place under the highlight
        middle = before[150]
        await go_to(pilot, "G", middle)
        await press(pilot, "l", "enter", "enter")
        assert middle not in column(app, "G") and len(column(app, "G")) == MANY - 1
        assert app.current_id() == before[151]

    drive(app, steps)
    assert "status: lost" in ws.read("deals/filler-150.yaml")  # before[150]: 300 - 150


def test_the_board_timing_script_prints_its_figure(tmp_path: Path) -> None:
    """benchmarks/board_open.py (not timed here): generates, warms, opens, prints JSON."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "board_open.py"
    done = subprocess.run([sys.executable, str(script), "--deals", "25", "--workspace",
                           str(tmp_path / "ws")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    figure = json.loads(done.stdout)
    assert figure["deals"] == 25 and figure["seconds"] > 0
    assert len(list((tmp_path / "ws" / "deals").rglob("*.yaml"))) == 25


RISKY = """\
name: Risky retrofit
customer: Risk Works
owner: li.wei
amount: 800000
stage: D
segment: water
expected_close: 2026-06-30
stakeholders:
  - name: Wang Wu
    level: decision
    roles: [financial]
    attitude: opponent
next_steps:
  - {due: 2026-09-10, action: send the offer}
history:
  - {date: 2026-05-01, to: D, by: li.wei}
"""


def test_badges_come_from_the_summaries_and_match_review(
        ws: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    """Warm, the board parses no deal file for its cards or badges; the badges are review's."""
    from salesflow.board.cards import badges_of
    from salesflow.files import bulk, cache
    from salesflow.files.load import load_workspace
    from salesflow.method.health import risks

    monkeypatch.setattr(cache, "RACY_NS", 0)  # files written just now may be cached
    ws.deal("risky", RISKY)
    long_ws(ws)
    warm = app_for(ws)
    drive(warm, lambda pilot: pilot.pause())  # the first run fills the cache

    def no_parse(files: Any, *args: Any, **kwargs: Any) -> Any:
        assert not list(files), "a deal file was parsed"
        return iter(())

    app = app_for(ws)
    full = {item.id: item for item in load_workspace(ws.root).deals}
    monkeypatch.setattr(bulk, "parse_files", no_parse)

    async def steps(pilot: Pilot[None]) -> None:
        await go_to(pilot, "D", "risky")
        assert "⚑ " in screen_text(app)
        for deal_id in ("risky", "acme", "filler-000", "filler-299"):
            item = full[deal_id]
            want = badges_of(risks(item.deal, app.session.full_process(), TODAY))
            assert app.session.badges(deal_id) == want, deal_id
        assert {"step overdue", "opponent buyer", "close passed"} <= set(
            app.session.badges("risky"))

    drive(app, steps, size=(200, 50))
