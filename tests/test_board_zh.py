"""The board in Chinese, and under NO_COLOR: every word through `_()`, no colour when asked.

The language is the invocation's (`salesflow.model.i18n.use`): the board
runs inside the context the CLI set, so a test chooses it with `using`.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.pilot import Pilot
from textual.widgets import Static

from salesflow.board.app import BoardApp
from salesflow.model.i18n import using
from tests import catalog
from tests.conftest import WS
from tests.test_board import app_for, board_ws, drive, go_to, press, screen_text, status

__all__ = ["board_ws"]  # the fixture, used by name


def test_every_word_of_the_board_has_a_chinese_translation() -> None:
    found = [p for p in catalog.problems() if p.startswith("src/salesflow/board/")]
    assert not found, "\n".join(found)


def test_the_board_speaks_chinese(board_ws: WS) -> None:
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        text = screen_text(app)
        assert "4 个商机，加权金额以 CNY 计" in text
        assert "10% · 2 个商机 · 140k" in text
        keys = str(app.main.query_one(".keys", Static).render())
        for word in ("推进", "勾选", "丢单", "暂停", "下一步", "态度", "查找", "退出"):
            assert word in keys, word
        await go_to(pilot, "D", "beta")
        assert "无决策层" in screen_text(app)  # every column on screen at 200 columns
        await press(pilot, "s", *"call back", "enter", *"soon", "enter")
        hint = str(app.screen.query_one("#note-hint", Static).render())
        assert "期限：'soon' 不是日期" in hint
        await press(pilot, "escape", "question_mark")
        assert "按键" in screen_text(app)

    with using("zh"):
        drive(app, steps, size=(200, 40))


def test_a_stale_view_is_refused_in_chinese(board_ws: WS) -> None:
    import os

    app = app_for(board_ws)
    path = board_ws.root / "deals/acme.yaml"

    async def steps(pilot: Pilot[None]) -> None:
        path.write_text(path.read_text(encoding="utf-8") + "notes: x\n", encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        await press(pilot, "h", "enter")
        assert "deals/acme.yaml 在看板读取之后已在磁盘上被修改" in status(app)

    with using("zh"):
        drive(app, steps)


def _colours(app: BoardApp) -> set[tuple[int, int, int]]:
    """Every colour of the frame as the terminal would get it (the app's filters applied)."""
    from textual.color import Color

    found: set[tuple[int, int, int]] = set()
    background = Color(0, 0, 0)
    for strip in app.screen._compositor.render_strips():
        segments: list[Segment] = list(strip)
        for f in app._filters:
            segments = f.apply(segments, background)
        for seg in segments:
            for colour in (seg.style.color, seg.style.bgcolor) if seg.style else ():
                if colour is not None:
                    found.add(tuple(colour.get_truecolor()))  # type: ignore[arg-type]
    return found


def _greys(colours: set[tuple[int, int, int]]) -> bool:
    return all(r == g == b for r, g, b in colours)


@pytest.mark.parametrize("no_color", [True, False])
def test_no_color_leaves_only_greys(board_ws: WS, monkeypatch: pytest.MonkeyPatch,
                                    no_color: bool) -> None:
    if not no_color:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = app_for(board_ws)

    async def steps(pilot: Pilot[None]) -> None:
        assert app.no_color is no_color
        await go_to(pilot, "D", "beta")  # a badge in red, amounts in cyan
        colours = _colours(app)
        assert _greys(colours) is no_color, colours
        assert "▌" in screen_text(app)  # the highlighted card is marked by a sign too
        assert "⚑" in screen_text(app)

    drive(app, steps)
