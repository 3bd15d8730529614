"""The board's widgets: a column per stage (a header and a virtual list of cards).

A column's cards are data, not widgets: `CardList` is a Line API widget
(Textual's `ScrollView`, as `Log` and `DataTable` are) whose every card has
the same height, so the line on screen at row y is line y % CARD_HEIGHT of
card y // CARD_HEIGHT, and only the lines on screen are ever drawn. A column
of five thousand deals opens and scrolls as fast as one of ten. A card is
a few lines of plain `rich.text.Text` (never markup: a customer called
"[red]" prints as written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from salesflow.board.cards import Card, Column
from salesflow.model.i18n import _, ngettext
from salesflow.output.render import money

CARD_HEIGHT = 6  # name, customer, amount and owner, close, badges, a blank line
Badges = Callable[[str], Sequence[str]]  # a deal id's risk badges (`Session.badges`)


def short_money(value: Decimal | None) -> str:
    """Money in few characters for a column header: 1.25M, 830k, 950."""
    if value is None:
        return "—"
    n = abs(value)
    for limit, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"),
                          (Decimal(10) ** 3, "k")):
        if n >= limit:
            shown = value / limit
            return f"{shown:.2f}".rstrip("0").rstrip(".") + suffix
    return money(value)


def _line(*parts: tuple[str, str]) -> Text:
    """One line that is cut short with … rather than wrapped."""
    return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")


def card_lines(card: Card, badges: Sequence[str] = ()) -> list[Text]:
    """A card, CARD_HEIGHT lines: name; customer; amount and owner; close; badges; blank."""
    amount = (f"{money(card.amount)} {card.currency}" if card.amount is not None
              else _("no amount"))
    close = (_("close {date}").format(date=card.expected_close.isoformat())
             if card.expected_close else _("no close date"))
    said = " · ".join(_(b) for b in badges)
    return [
        _line((card.name, "bold")),
        _line((card.customer, "")),
        _line((amount, "cyan"), (f" · {card.owner}" if card.owner else "", "")),
        _line((close, "dim")),
        _line((f"⚑ {said}" if said else "", "bold red")),
        Text(""),  # a blank line between cards
    ]


def header_text(column: Column, currency: str) -> Group:
    """A column header: code, name and probability; count and weighted total."""
    deals = ngettext("{count} deal", "{count} deals", column.count).format(count=column.count)
    return Group(
        _line((f"{column.code} ", "bold"), (column.name, "")),
        _line((f"{column.probability}% · {deals} · {short_money(column.weighted)}", "")),
    )


class KeyBar(Static):
    """The keys of the screen, wrapped onto a second line on a narrow terminal.

    Like Textual's Footer, but every key stays visible at 80 columns: a key
    and its word never part across lines.
    """

    def __init__(self, bindings: list[Binding]) -> None:
        text = Text()
        for i, b in enumerate(x for x in bindings if x.show):
            if i:
                text.append(" ")
            text.append(f" {b.key_display or b.key} ", style="reverse bold")
            text.append("\u00a0" + _(b.description))
        super().__init__(text, classes="keys")


class CardList(ScrollView, can_focus=True):
    """A column's cards as data, drawn line by line: only what is on screen is rendered.

    `highlighted` is the index of the card the keys act on (None when the
    column is empty); left and right go to the next column (not scroll the
    board).
    """

    BINDINGS = [
        Binding("left", "app.column(-1)", "stage", show=False),
        Binding("right", "app.column(1)", "stage", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "move(-1000000000)", show=False),
        Binding("end", "move(1000000000)", show=False),
    ]
    COMPONENT_CLASSES = {"card-list--highlighted"}

    def __init__(self, cards: Sequence[Card], badges: Badges = lambda deal_id: (), *,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cards: tuple[Card, ...] = tuple(cards)
        self.badges = badges  # a card's badges, asked when the card is first drawn
        self._highlighted: int | None = 0 if self.cards else None
        # the strips drawn, by (card, row, highlighted, width): scrolling back costs nothing
        self._strips: LRUCache[tuple[int, int, bool, int], Strip] = LRUCache(4096)
        self._styles: tuple[Style, Style] | None = None
        self.virtual_size = Size(0, len(self.cards) * CARD_HEIGHT)

    # ------------------------------------------------------------ the data

    @property
    def count(self) -> int:
        return len(self.cards)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.cards]

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None:
            index = max(0, min(len(self.cards) - 1, index)) if self.cards else None
        old, self._highlighted = self._highlighted, index
        for i in (old, index):
            if i is not None:
                self.refresh_lines(i * CARD_HEIGHT, CARD_HEIGHT)
        if index is not None:
            self.scroll_to_region(Region(0, index * CARD_HEIGHT, 1, CARD_HEIGHT),
                                  animate=False, force=True, immediate=True)

    def current(self) -> str | None:
        """The id of the highlighted card (None on an empty column)."""
        i = self._highlighted
        return self.cards[i].id if i is not None and i < len(self.cards) else None

    def set_cards(self, cards: Sequence[Card], keep: str | None = None) -> None:
        """New cards; the highlight stays on deal `keep` (else on its row) if it can."""
        old = self._highlighted
        self.cards = tuple(cards)
        self._strips.clear()
        self.virtual_size = Size(0, len(self.cards) * CARD_HEIGHT)
        ids = self.ids
        if keep in ids:
            at: int | None = ids.index(keep)
        elif self.cards:
            at = min(old or 0, len(self.cards) - 1)
        else:
            at = None
        self._highlighted = None
        self.refresh()
        self.highlighted = at

    # ------------------------------------------------------------ keys and mouse

    def action_move(self, step: int) -> None:
        if self._highlighted is not None:
            self.highlighted = self._highlighted + step

    def action_page(self, step: int) -> None:
        shown = max(1, self.scrollable_content_region.height // CARD_HEIGHT)
        self.action_move(step * shown)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.cards:
            self.focus()
            self.highlighted = (offset.y + self.scroll_offset.y) // CARD_HEIGHT

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        if self._highlighted is not None:
            self.refresh_lines(self._highlighted * CARD_HEIGHT, CARD_HEIGHT)

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        if self._highlighted is not None:
            self.refresh_lines(self._highlighted * CARD_HEIGHT, CARD_HEIGHT)

    # ------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles = None

    def _looks(self) -> tuple[Style, Style]:
        """The base style and the highlighted card's, worked out once per style change."""
        if self._styles is None:
            base = self.rich_style
            self._styles = (base, base + self.get_component_rich_style("card-list--highlighted"))
        return self._styles

    def render_line(self, y: int) -> Strip:
        """Line y of the screen: one line of one card, cut to the width."""
        width = self.scrollable_content_region.width
        index, row = divmod(self.scroll_offset.y + y, CARD_HEIGHT)
        if index >= len(self.cards) or width <= 0:
            return Strip.blank(max(width, 0), self._looks()[0])
        lit = index == self._highlighted and self.has_focus
        key = (index, row, lit, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._draw(self.cards[index], row, lit, width)
        return strip

    def _draw(self, card: Card, row: int, lit: bool, width: int) -> Strip:
        base, high = self._looks()
        style = high if lit else base
        # the card the keys act on is marked by a sign too: NO_COLOR keeps it visible
        text = Text("▌" if lit and row < CARD_HEIGHT - 1 else " ",
                    style=style + Style(bold=True), end="")
        text.append_text(card_lines(card, self.badges(card.id))[row])
        text.stylize_before(style)
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(text.render(self.app.console), width)


class StageColumn(Vertical):
    """One stage: a header and its cards, the heaviest first."""

    def __init__(self, column: Column, currency: str,
                 badges: Badges = lambda deal_id: ()) -> None:
        super().__init__(id=f"col-{column.code}", classes="column")
        self.column = column
        self.currency = currency
        self.badges = badges

    def compose(self) -> ComposeResult:
        yield Static(header_text(self.column, self.currency), classes="column-header")
        yield CardList(self.column.cards, self.badges, id=f"cards-{self.column.code}",
                       classes="cards")

    @property
    def cards(self) -> CardList:
        return self.query_one(CardList)

    def update(self, column: Column, keep: str | None) -> None:
        """New figures and cards; the highlight stays on deal `keep` if it is still here."""
        self.column = column
        self.query_one(".column-header", Static).update(header_text(column, self.currency))
        self.cards.set_cards(column.cards, keep)

    def current(self) -> str | None:
        """The id of the highlighted card (None on an empty column)."""
        return self.cards.current()
