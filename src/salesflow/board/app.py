"""The board app: columns of cards, keys bound to the commands' own transitions.

`BoardApp` holds a `Session` (the disk) and draws `cards.columns` of it.
Every key that changes a deal calls the transition its command calls
(`method.transitions`) through `Session.apply`, i.e. `files.update.update_deal`,
and shows the one-line summary the command prints; a refusal shows the
command's message and changes no byte on disk.

Risk badges come from the review facts each summary carries
(`Session.badges`), worked out for a card when it is first drawn: a board of
ten thousand deals opens at the speed of its summaries and of one screen.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable

from rich.text import Text
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from salesflow.board import actions
from salesflow.board import cards as board_cards
from salesflow.board.screens import DEAL_KEYS, DealScreen, HelpScreen
from salesflow.board.session import Session, Transition
from salesflow.board.widgets import KeyBar, StageColumn
from salesflow.files.update import Outcome
from salesflow.method import transitions as pipeline
from salesflow.model.deal import DealFile
from salesflow.model.errors import SalesflowError
from salesflow.model.i18n import N_, _, ngettext
from salesflow.model.summary import SummaryFile


class BoardScreen(Screen[None]):
    """The pipeline: a title line, one column per stage, a status line, the keys."""

    BINDINGS = [
        Binding("enter", "app.open", "open", show=False),
        *DEAL_KEYS,
        Binding("slash", "app.search", N_("find"), key_display="/"),
        Binding("q", "app.quit", N_("quit")),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield HorizontalScroll(id="board")
        yield Input(placeholder=_("search: id, name, customer or owner; escape clears"),
                    id="search")
        yield Static(id="status", classes="status")
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]


class BoardApp(App[None]):
    """`salesflow board`: the pipeline as a keyboard-driven board."""

    CSS_PATH = "board.tcss"
    TITLE = "salesflow board"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.search = ""
        self.column_ids: list[str] = []
        self.row = 0  # the card row the arrows keep when moving between columns
        self.painted = False  # the first full board is on the screen (board_open.py waits)

    # ------------------------------------------------------------ drawing

    def get_default_screen(self) -> Screen[None]:
        return BoardScreen(id="main")

    def on_mount(self) -> None:
        self.session.load()
        self.call_after_refresh(self._first_draw)

    async def _first_draw(self) -> None:
        await self.draw(rebuild=True)
        self.call_after_refresh(self._on_screen)

    def _on_screen(self) -> None:
        """The first board is on the screen (what benchmarks/board_open.py waits for)."""
        self.painted = True

    async def draw(self, *, rebuild: bool = False, keep: str | None = None) -> None:
        """Columns from the session's summaries, the cut and the search."""
        overview = self.session.overview
        assert overview is not None
        shown = self.session.deals()
        cols = board_cards.columns(overview.process, shown, search=self.search)
        board = self.main.query_one("#board", HorizontalScroll)
        currency = overview.process.currency
        if rebuild or [c.code for c in cols] != self.column_ids:
            await board.remove_children()
            await board.mount_all([StageColumn(c, currency, self.session.badges)
                                   for c in cols])
            self.column_ids = [c.code for c in cols]
            first = next((w for w in board.query(StageColumn) if w.column.cards), None)
            target = first or board.query(StageColumn).first()
            target.cards.focus()
        else:
            for widget, col in zip(board.query(StageColumn), cols, strict=True):
                widget.update(col, keep)
        self._fit()
        self._title(shown)

    MIN_COLUMN = 24  # a card's amount and owner fit in this

    def _fit(self) -> None:
        """As many whole columns as the terminal holds, sharing its width."""
        cols = self.columns_shown()
        width = self.main.size.width or self.size.width
        visible = max(1, min(len(cols), width // self.MIN_COLUMN))
        for col in cols:
            col.styles.width = width // visible

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _title(self, shown: list[SummaryFile]) -> None:
        overview = self.session.overview
        assert overview is not None
        out = board_cards.left_out(shown)
        title = Text(f"{self.session.root.name}", style="bold")
        cut = self.session.cut.describe()
        if cut:
            title.append(f" · {cut}")
        if self.search:
            title.append(" · " + _("search {text!r}").format(text=self.search))
        title.append(" · " + ngettext("{n} deal, weighted in {currency}",
                                      "{n} deals, weighted in {currency}", len(shown)).format(
            n=len(shown), currency=overview.process.currency))
        aside = [(_("{n} lost") if k == "lost" else _("{n} on hold")).format(n=n)
                 for k, n in out.items() if n]
        if aside:
            title.append(" " + _("({deals} not on the board)").format(deals=", ".join(aside)),
                         style="dim")
        if overview.problems:
            files = len({p.path for p in overview.problems})
            title.append(" · " + ngettext(
                "{n} invalid file left out: salesflow validate",
                "{n} invalid files left out: salesflow validate", files).format(n=files),
                style="bold red")
        self.main.query_one("#title", Static).update(title)

    @property
    def main(self) -> Screen[None]:
        return self.screen_stack[0]

    def say(self, text: str, *, error: bool = False) -> None:
        """The status line (of the board and of an opened deal)."""
        shown = Text(text, style="bold red" if error else "")
        self.main.query_one("#status", Static).update(shown)
        if isinstance(self.screen, DealScreen):
            self.screen.say(shown)

    def fail(self, exc: SalesflowError) -> None:
        self.say(exc.message + (f" — {exc.hint}" if exc.hint else ""), error=True)

    # ------------------------------------------------------------ where we are

    def columns_shown(self) -> list[StageColumn]:
        return list(self.main.query(StageColumn))

    def current_column(self) -> StageColumn | None:
        focused = self.main.focused if self.screen is not self.main else self.focused
        for col in self.columns_shown():
            if focused is col.cards:
                return col
        return None

    def current_id(self) -> str | None:
        """The deal the keys act on: the opened one, else the highlighted card."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, DealScreen):
                return screen.item.id
        col = self.current_column()
        return col.current() if col is not None else None

    def action_column(self, step: int) -> None:
        cols = self.columns_shown()
        col = self.current_column()
        at = cols.index(col) if col is not None else 0
        if col is not None and col.cards.highlighted is not None:
            self.row = col.cards.highlighted  # kept across empty columns
        target = cols[max(0, min(len(cols) - 1, at + step))]
        target.cards.focus()
        if target.cards.count:
            target.cards.highlighted = min(self.row, target.cards.count - 1)
        board = self.main.query_one("#board", HorizontalScroll)
        self.call_after_refresh(board.scroll_to_widget, target, animate=False)

    # ------------------------------------------------------------ reading keys

    def action_open(self) -> None:
        deal_id = self.current_id()
        if deal_id is None:
            return
        try:
            item = self.session.open_deal(deal_id)
        except SalesflowError as exc:
            self.fail(exc)
            return
        self.push_screen(DealScreen(self.session.full_process(), item, self.session.today()))

    async def action_reload(self) -> None:
        try:
            self.session.load()
        except SalesflowError as exc:
            self.fail(exc)
            return
        keep = self.current_id()
        await self._reopen()
        await self.draw(keep=keep)
        self.say(_("reloaded from disk"))

    async def _reopen(self) -> None:
        if isinstance(self.screen, DealScreen):
            try:
                self.screen.show(self.session.open_deal(self.screen.item.id))
            except SalesflowError as exc:
                self.pop_screen()
                self.fail(exc)

    def action_search(self) -> None:
        box = self.main.query_one("#search", Input)
        box.value = self.search
        box.add_class("shown")
        box.focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            await self._set_search(event.value.strip())

    async def on_key(self, event: object) -> None:
        from textual.events import Key

        assert isinstance(event, Key)
        box = self.main.query_one("#search", Input)
        if event.key == "escape" and box.has_focus:
            await self._set_search("")

    async def _set_search(self, text: str) -> None:
        self.search = text
        box = self.main.query_one("#search", Input)
        box.remove_class("shown")
        await self.draw(rebuild=True)
        self.say(_("search {text!r}").format(text=text) if text else _("search cleared"))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(id="help"))

    def action_edit(self) -> None:
        deal_id = self.current_id()
        if deal_id is None:
            return
        try:
            path = self.session.root / self.session._summary(deal_id).path
        except SalesflowError as exc:
            self.fail(exc)
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
        except SuspendNotSupported:
            self.say(_("cannot hand this terminal to an editor here; edit {path} "
                       "elsewhere and press r").format(path=path), error=True)
            return
        except OSError as exc:
            self.say(_("cannot run the editor {editor!r}: {why}; set $EDITOR").format(
                editor=editor, why=exc.strerror or exc), error=True)
            return
        self.run_worker(self.action_reload())

    # ------------------------------------------------------------ writing keys

    def write(self, deal_id: str, transition: Transition, *,
              refused: Callable[[pipeline.GateRefused], None] | None = None,
              ) -> Outcome | None:
        """One change through the commands' path; the summary or the refusal is shown."""
        try:
            outcome = self.session.apply(deal_id, transition)
        except pipeline.GateRefused as exc:
            self.say(_("{message}; nothing was changed").format(message=exc.message),
                     error=True)
            if refused is not None:
                refused(exc)
            return None
        except SalesflowError as exc:
            self.fail(exc)
            return None
        change = outcome.change
        self.say("; ".join([change.summary, *change.notes]))
        if outcome.written:
            self.run_worker(self._after_write(deal_id))
        return outcome

    async def _after_write(self, deal_id: str) -> None:
        await self._reopen()
        await self.draw(keep=deal_id)
        self.follow(deal_id)

    def follow(self, deal_id: str) -> None:
        """Focus the card of `deal_id` wherever it is now (a move changes its column)."""
        for col in self.columns_shown():
            if deal_id in (c.id for c in col.column.cards):
                col.cards.focus()
                ids = [c.id for c in col.column.cards]
                col.cards.highlighted = ids.index(deal_id)
                board = self.main.query_one("#board", HorizontalScroll)
                self.call_after_refresh(board.scroll_to_widget, col, animate=False)
                return

    def deal_or_say(self) -> str | None:
        deal_id = self.current_id()
        if deal_id is None:
            self.say(_("no deal here: move to a card first"), error=True)
        return deal_id

    def opened_or_say(self) -> DealFile | None:
        """The highlighted card's full deal, read now; None (and why, said) when there is none."""
        deal_id = self.deal_or_say()
        if deal_id is None:
            return None
        try:
            return self.session.open_deal(deal_id)
        except SalesflowError as exc:
            self.fail(exc)
            return None

    # each key that changes a deal: board/actions.py

    def action_advance(self) -> None:
        actions.advance(self)

    def action_tick(self) -> None:
        actions.tick(self)

    def action_lose(self) -> None:
        actions.lose(self)

    def action_hold(self) -> None:
        actions.hold(self)

    def action_step(self) -> None:
        actions.step(self)

    def action_person(self) -> None:
        actions.person(self)
