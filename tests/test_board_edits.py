"""The board's `s` (a next step) and `p` (a person's attitude), through the pilot.

Each key must write what its command writes (`salesflow step add`,
`salesflow person set --attitude`): the tests run the command on a twin of
the workspace and compare the bytes. A refused key changes no byte.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from salesflow.board.app import BoardApp
from salesflow.board.screens import NoteScreen, PickScreen
from tests.conftest import WS
from tests.test_board import TODAY, app_for, board_ws, drive, go_to, press, status

__all__ = ["board_ws"]  # the fixture, used by name


def twin_of(ws: WS, tmp_path: Path) -> WS:
    twin = WS(tmp_path / "twin")
    shutil.copytree(ws.root, twin.root)
    return twin


def test_s_adds_a_next_step_as_step_add_does(board_ws: WS, tmp_path: Path) -> None:
    twin = twin_of(board_ws, tmp_path)
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await go_to(pilot, "D", "gamma")
        await press(pilot, "s")
        assert isinstance(app.screen, NoteScreen)
        await press(pilot, *"send the revised proposal", "enter")
        await press(pilot, *"2026-12-05", "enter")
        await press(pilot, *"li.wei", "enter")
        assert status(app) == "gamma: step 1 added, due 2026-12-05"
        await press(pilot, "s", *"site visit", "enter", *"tomorrow", "enter", "enter")
        assert status(app) == "gamma: step 2 added, due 2026-10-02"

    drive(app, steps)
    for args in (("send the revised proposal", "--due", "2026-12-05", "--who", "li.wei"),
                 ("site visit", "--due", "2026-10-02")):
        done = twin.run("step", "add", "gamma", *args, "--by", "tester")
        assert done.exit_code == 0, done.stderr
    assert board_ws.snapshot() == twin.snapshot()


def test_s_refuses_a_bad_due_date_and_writes_nothing(board_ws: WS) -> None:
    app = app_for(board_ws)
    before = board_ws.snapshot()

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "s", *"call back", "enter", *"2026-13-40", "enter")
        screen = app.screen
        assert isinstance(screen, NoteScreen)  # still asking
        hint = str(screen.query_one("#note-hint", Static).render())
        assert "due date: '2026-13-40' is not a date" in hint
        assert "YYYY-MM-DD" in hint
        await press(pilot, "escape")
        assert not isinstance(app.screen, NoteScreen)
        assert board_ws.snapshot() == before

    drive(app, steps)
    assert board_ws.snapshot() == before


def test_p_sets_an_attitude_as_person_set_does(board_ws: WS, tmp_path: Path) -> None:
    twin = twin_of(board_ws, tmp_path)
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        await press(pilot, "p")  # acme: Zhang San, Li Si
        assert isinstance(app.screen, PickScreen)
        people = app.screen.query_one("#choices", OptionList)
        assert people.option_count == 2
        await press(pilot, "down", "enter")  # Li Si
        attitudes = app.screen.query_one("#choices", OptionList)
        labels = [str(attitudes.get_option_at_index(i).prompt)
                  for i in range(attitudes.option_count)]
        assert labels == ["supporter (now)", "neutral", "opponent", "unknown"]
        await press(pilot, "down", "down", "enter")  # opponent
        assert status(app) == "acme: Li Si: attitude supporter → opponent"

    drive(app, steps)
    done = twin.run("person", "set", "acme", "Li Si", "--attitude", "opponent",
                    "--date", TODAY.isoformat(), "--by", "tester")
    assert done.exit_code == 0, done.stderr
    assert board_ws.snapshot() == twin.snapshot()


def test_p_on_a_deal_without_people_says_how_to_add_one(board_ws: WS) -> None:
    app = app_for(board_ws)
    before = board_ws.snapshot()

    async def steps(pilot: Pilot[None]) -> None:
        await go_to(pilot, "G", "delta")
        await press(pilot, "p")
        assert not isinstance(app.screen, PickScreen)
        assert "salesflow person add delta NAME" in status(app)

    drive(app, steps)
    assert board_ws.snapshot() == before


def _touch_newer(path: Path, old: str, new: str) -> bytes:
    """Another terminal changes the file while the board shows it."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return path.read_bytes()


def test_s_and_p_on_a_stale_view_are_refused(board_ws: WS) -> None:
    app = app_for(board_ws)
    path = board_ws.root / "deals/acme.yaml"

    async def steps(pilot: Pilot[None]) -> None:
        edited = _touch_newer(path, "amount: 1250000", "amount: 1400000")
        await press(pilot, "s", *"call back", "enter", *"2026-10-20", "enter", "enter")
        assert "deals/acme.yaml changed on disk since the board read it" in status(app)
        assert path.read_bytes() == edited
        await press(pilot, "p", "enter")  # the person list is read now: the newer file
        edited = _touch_newer(path, "amount: 1400000", "amount: 1500000")
        await press(pilot, "down", "enter")
        assert "deals/acme.yaml changed on disk since the board read it" in status(app)
        assert path.read_bytes() == edited
        await press(pilot, "r", "s", *"call back", "enter", *"2026-10-20", "enter", "enter")
        assert status(app) == "acme: step 1 added, due 2026-10-20"

    drive(app, steps)
    text = path.read_text(encoding="utf-8")
    assert "amount: 1500000" in text and "action: call back" in text
    assert "attitude: neutral" not in text


def test_the_keys_are_in_the_footer(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        keys = str(app.main.query_one(".keys", Static).render())
        assert " s \u00a0step" in keys and " p \u00a0person" in keys

    drive(app, steps)
    assert isinstance(app, BoardApp)
