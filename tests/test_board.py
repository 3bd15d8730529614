"""The board, driven through Textual's pilot: keys pressed, widgets and files checked.

Every write the board makes must be the write the command makes: the tests
compare the bytes on disk with those the CLI writes for the same steps, and
a refused action must leave every byte as it was.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from salesflow.board import detail
from salesflow.board.app import BoardApp
from salesflow.board.screens import DealScreen, NoteScreen, PickScreen, RefusalScreen
from salesflow.board.session import Session
from salesflow.board.widgets import CardList
from salesflow.reports.select import Cut
from tests.conftest import WS

TODAY = dt.date(2026, 10, 1)

# A deal whose rule milestones hold from its data, so that ticks alone take it from G to S.
READY = """\
name: Pump station retrofit
customer: Acme Water Works
owner: li.wei
amount: 1250000
currency: CNY
stage: G
status: open
expected_close: 2027-03-31
segment: water
product_line: pumps
stakeholders:
  - name: Zhang San
    title: Deputy head
    level: decision
    roles: [decision, evaluator]
    attitude: supporter
  - name: Li Si
    level: management
    roles: [technical, coach]
    attitude: supporter
    reports_to: Zhang San
needs:
  - kind: N
    text: Cut energy use by a fifth
    explicit: true
history:
  - {date: 2026-09-01, to: G, by: li.wei}
"""

SMALL = """\
name: {name}
customer: {customer}
owner: {owner}
amount: {amount}
stage: {stage}
segment: {segment}
history:
  - {{date: 2026-09-01, to: {stage}, by: {owner}}}
"""


def small(name: str, customer: str, owner: str, amount: int, stage: str,
          segment: str = "water") -> str:
    return SMALL.format(name=name, customer=customer, owner=owner, amount=amount,
                        stage=stage, segment=segment)


@pytest.fixture
def board_ws(ws: WS) -> WS:
    ws.deal("acme", READY)
    ws.deal("beta", small("Chiller upgrade", "Beta Foods", "chen.jie", 400000, "D", "food"))
    ws.deal("gamma", small("Boiler controls", "Gamma Steel", "li.wei", 900000, "D"))
    ws.deal("delta", small("Cooling tower", "Delta Chemicals", "zhang.min", 150000, "G"))
    return ws


def app_for(ws: WS, cut: Cut | None = None) -> BoardApp:
    return BoardApp(Session(ws.root, cut=cut or Cut(), by="tester", today=lambda: TODAY))


Steps = Callable[[Pilot[None]], Awaitable[Any]]


def drive(app: BoardApp, steps: Steps, size: tuple[int, int] = (80, 24)) -> Any:
    async def run() -> Any:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            return await steps(pilot)
    return asyncio.run(run())


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def screen_text(app: BoardApp) -> str:
    """What the terminal shows now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def plain(renderable: Any, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def status(app: BoardApp) -> str:
    return str(app.main.query_one("#status", Static).render())


def column(app: BoardApp, code: str) -> list[str]:
    return app.main.query_one(f"#cards-{code}", CardList).ids


async def go_to(pilot: Pilot[None], code: str, deal_id: str) -> None:
    """Focus the card of `deal_id` in column `code` (as arrow keys would)."""
    app = pilot.app
    assert isinstance(app, BoardApp)
    lst = app.main.query_one(f"#cards-{code}", CardList)
    lst.focus()
    lst.highlighted = column(app, code).index(deal_id)
    await settle(pilot)
    assert app.current_id() == deal_id


# ------------------------------------------------------------------ the board


def test_columns_headers_and_cards_by_weighted_amount(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        cols = app.columns_shown()
        assert [c.column.code for c in cols] == ["G", "F", "E", "D", "C", "B", "A", "S"]
        assert column(app, "D") == ["gamma", "beta"]  # 270,000 before 120,000 weighted
        assert column(app, "G") == ["acme", "delta"]
        d = next(c for c in cols if c.column.code == "D").column
        assert (d.count, d.weighted) == (2, 390000)
        await press(pilot, "right", "right", "right")  # D in view
        assert "30% · 2 deals · 390k" in screen_text(app)

    drive(app, steps)
    assert app_for(board_ws) is not None


def test_arrows_move_between_cards_and_columns(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "down")
        assert app.current_id() == "delta"
        await press(pilot, "right", "right", "right")  # F and E are empty: D
        assert app.current_id() == "beta"  # the row kept as far as the column goes
        await press(pilot, "up")
        assert app.current_id() == "gamma"
        await press(pilot, "left", "left", "left")
        assert app.current_id() == "acme"

    drive(app, steps)


def test_risk_badges_come_from_review(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        # beta: past G, nobody known at the decision level; idle since 2026-09-01
        assert "no decision level" in app.session.badges("beta")
        assert "no decision level" not in app.session.badges("acme")

    drive(app, steps)


def test_filters_like_the_reports(board_ws: WS) -> None:
    app = app_for(board_ws, Cut(owners=("li.wei",)))

    async def steps(pilot: Pilot[None]) -> None:
        assert column(app, "G") == ["acme"]
        assert column(app, "D") == ["gamma"]
        assert "owner li.wei" in str(app.main.query_one("#title", Static).render())

    drive(app, steps)
    app = app_for(board_ws, Cut(segments=("food",)))

    async def food(pilot: Pilot[None]) -> None:
        assert column(app, "D") == ["beta"]
        assert column(app, "G") == []

    drive(app, food)


def test_slash_searches_and_escape_clears(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "slash", *"gamma st", "enter")
        assert column(app, "D") == ["gamma"] and column(app, "G") == []
        assert app.current_id() == "gamma"
        await press(pilot, "slash", "escape")
        assert column(app, "G") == ["acme", "delta"]

    drive(app, steps)


def test_enter_opens_the_deal_and_escape_goes_back(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, DealScreen) and screen.item.id == "acme"
        milestones = str(screen.query_one("#deal-milestones", Static).render())
        assert "✘ G visit-committed" in milestones
        tree = screen.query_one("#deal-people")
        labels = [str(n.label) for n in tree.root.children]  # type: ignore[attr-defined]
        assert labels[0].startswith("Zhang San")
        child = tree.root.children[0].children[0]  # type: ignore[attr-defined]
        assert str(child.label).startswith("Li Si")  # reports to Zhang San
        processes = plain(detail.processes(screen.process, screen.item))
        assert "Sales process" in processes and "buying process" in processes
        await press(pilot, "escape")
        assert not isinstance(app.screen, DealScreen)

    drive(app, steps)


# ------------------------------------------------------------------ writes


def test_advance_refused_changes_nothing_and_tick_from_the_refusal(board_ws: WS) -> None:
    app = app_for(board_ws)
    before = board_ws.snapshot()

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "a")
        assert isinstance(app.screen, RefusalScreen)
        assert "cannot advance acme from G to F" in status(app)
        assert board_ws.snapshot() == before  # a refusal changes no byte
        await press(pilot, "1")
        assert isinstance(app.screen, NoteScreen)
        await press(pilot, *"visit on 12 May agreed", "enter")
        assert not isinstance(app.screen, RefusalScreen)  # every milestone met now
        assert "acme: recorded visit-committed (G) on 2026-10-01" in status(app)
        await press(pilot, "a")
        assert "acme: G → F" in status(app)
        assert column(app, "F") == ["acme"]

    drive(app, steps)
    text = board_ws.read("deals/acme.yaml")
    assert "visit-committed: {date: 2026-10-01, note: visit on 12 May agreed, by: tester}" in text \
        or "note: visit on 12 May agreed" in text
    assert "{date: 2026-10-01, from: G, to: F, by: tester}" in text


def test_tick_from_a_list_then_advance(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "t")
        assert isinstance(app.screen, PickScreen)
        await press(pilot, "enter", "enter")  # the first milestone, no note
        assert "acme: recorded visit-committed (G)" in status(app)
        await press(pilot, "a")
        assert "acme: G → F" in status(app)

    drive(app, steps)


def test_lose_with_a_reason_from_lost_reasons(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await go_to(pilot, "D", "beta")
        await press(pilot, "l")
        assert isinstance(app.screen, PickScreen)
        await press(pilot, "down", "enter")  # competitor
        await press(pilot, *"went with the incumbent", "enter")
        assert "beta: lost (competitor) in stage D" in status(app)
        assert column(app, "D") == ["gamma"]

    drive(app, steps)
    text = board_ws.read("deals/beta.yaml")
    assert "status: lost" in text and "lost_reason: competitor" in text
    assert "went with the incumbent" in text


def test_hold_then_escape_cancels_without_writing(board_ws: WS) -> None:
    app = app_for(board_ws)
    before = board_ws.snapshot()

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "h", "escape")
        assert board_ws.snapshot() == before
        await press(pilot, "h", *"budget frozen", "enter")
        assert "acme: on hold in stage G" in status(app)
        assert column(app, "G") == ["delta"]

    drive(app, steps)
    assert "reason: budget frozen" in board_ws.read("deals/acme.yaml")


def test_a_write_on_a_stale_view_is_refused(board_ws: WS) -> None:
    app = app_for(board_ws)
    path = board_ws.root / "deals/acme.yaml"

    async def steps(pilot: Pilot[None]) -> None:
        # another terminal changes the file while the board looks at it
        newer = path.read_text(encoding="utf-8").replace("amount: 1250000", "amount: 1400000")
        path.write_text(newer, encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        edited = path.read_bytes()
        await press(pilot, "h", "enter")
        assert "deals/acme.yaml changed on disk since the board read it" in status(app)
        assert path.read_bytes() == edited  # the newer file is kept, byte for byte
        await press(pilot, "r")
        assert "reloaded" in status(app)
        await press(pilot, "h", "enter")
        assert "acme: on hold in stage G" in status(app)

    drive(app, steps)
    text = path.read_text(encoding="utf-8")
    assert "amount: 1400000" in text and "status: hold" in text


def test_the_files_are_stamped_by_the_loads_own_scan_before_they_are_read(
        board_ws: WS) -> None:
    """One scan, not two: the load hands its scan over before it reads a file."""
    from salesflow.files.cache import stat_key
    from salesflow.files.load import load_overview
    from salesflow.files.workspace import scan_deals

    path = board_ws.root / "deals/beta.yaml"
    seen: list[list[str]] = []

    def edit_before_reading(files: list[Any]) -> None:
        seen.append([f.rel for f in files])
        path.write_text(path.read_text(encoding="utf-8").replace("400000", "410000"),
                        encoding="utf-8")

    overview = load_overview(board_ws.root, on_scan=edit_before_reading)
    assert seen == [[f.rel for f in scan_deals(board_ws.root)]]
    (beta,) = [d for d in overview.deals if d.id == "beta"]
    assert beta.deal.amount == 410000  # read after the hook ran
    session = Session(board_ws.root)
    session.load()
    assert session.stamps == {f"deals/{name}.yaml": stat_key((board_ws.root / "deals" /
                                                              f"{name}.yaml").stat())
                              for name in ("acme", "beta", "gamma", "delta")}


def test_reload_picks_up_a_new_deal(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        board_ws.deal("omega", small("New pumps", "Omega Water", "li.wei", 5000000, "G"))
        await press(pilot, "r")
        assert column(app, "G") == ["omega", "acme", "delta"]

    drive(app, steps)


# ------------------------------------------------------------------ done when


def test_g_to_s_on_the_board_gives_the_same_diff_as_the_commands(
        board_ws: WS, tmp_path: Path) -> None:
    twin = WS(tmp_path / "twin")
    shutil.copytree(board_ws.root, twin.root)
    from salesflow.files.load import load_process

    process = load_process(board_ws.root)
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        for stage in process.stages[:-1]:
            for milestone in stage.exit:
                if milestone.rule is None:
                    await press(pilot, "t")
                    lst = app.screen.query_one("#choices", OptionList)
                    lst.highlighted = lst.get_option_index(milestone.id)
                    await press(pilot, "enter", "enter")
            await press(pilot, "a")
            assert f"acme: {stage.code} → " in status(app), status(app)
        assert column(app, "S") == ["acme"]

    drive(app, steps)

    for stage in process.stages[:-1]:
        for milestone in stage.exit:
            if milestone.rule is None:
                done = twin.run("tick", "acme", milestone.id, "--date", TODAY.isoformat(),
                                "--by", "tester")
                assert done.exit_code == 0, done.stderr
        done = twin.run("advance", "acme", "--date", TODAY.isoformat(), "--by", "tester")
        assert done.exit_code == 0, done.stderr
    assert board_ws.snapshot() == twin.snapshot()
    assert "status: won" in board_ws.read("deals/acme.yaml")


# ------------------------------------------------------------------ the command


def test_the_command_needs_a_terminal_and_checks_its_filters(board_ws: WS) -> None:
    before = board_ws.snapshot()
    done = board_ws.run("board", "--owner", "li.wei")
    assert done.exit_code == 2
    assert "salesflow board needs a terminal" in done.stderr
    done = board_ws.run("board", "--close-from", "soon")
    assert done.exit_code == 2 and "--close-from: 'soon' is not a date" in done.stderr
    assert board_ws.snapshot() == before


def test_help_and_version_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = ("import sys; from salesflow.cli import app; "
            "from typer.testing import CliRunner; CliRunner().invoke(app, ['--help']); "
            "print('textual' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
