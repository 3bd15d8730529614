"""The board's widgets: a column per stage (a header and a list of cards).

A column's cards live in one `OptionList`, which draws only the lines on
screen: a column of two thousand deals scrolls as fast as one of ten. A card
is a few lines of plain `rich.text.Text` (never markup: a customer called
"[red]" prints as written).
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salesflow.board.cards import Card, Column
from salesflow.output.render import money

PAGE = 200  # cards drawn per column at first; "more" draws the next page


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


def card_text(card: Card) -> Group:
    """A card: name; customer; amount and owner; close date; one line per badge."""
    amount = f"{money(card.amount)} {card.currency}" if card.amount is not None else "no amount"
    close = f"close {card.expected_close.isoformat()}" if card.expected_close else "no close date"
    lines = [
        _line((card.name, "bold")),
        _line((card.customer, "")),
        _line((amount, "cyan"), (f" · {card.owner}" if card.owner else "", "")),
        _line((close, "dim")),
        *[_line((f"⚑ {badge}", "bold red")) for badge in card.badges],
        Text(""),  # a blank line between cards
    ]
    return Group(*lines)


def header_text(column: Column, currency: str) -> Group:
    """A column header: code, name and probability; count and weighted total."""
    deals = f"{column.count} deal{'' if column.count == 1 else 's'}"
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
            text.append("\u00a0" + b.description)
        super().__init__(text, classes="keys")


class CardList(OptionList):
    """A column's cards; left and right go to the next column (not scroll the board)."""

    BINDINGS = [Binding("left", "app.column(-1)", "stage", show=False),
                Binding("right", "app.column(1)", "stage", show=False)]


class StageColumn(Vertical):
    """One stage: a header and its cards, the heaviest first."""

    def __init__(self, column: Column, currency: str) -> None:
        super().__init__(id=f"col-{column.code}", classes="column")
        self.column = column
        self.currency = currency
        self.shown = PAGE

    def compose(self) -> ComposeResult:
        yield Static(header_text(self.column, self.currency), classes="column-header")
        yield CardList(*self._options(), id=f"cards-{self.column.code}", classes="cards")

    @property
    def cards(self) -> CardList:
        return self.query_one(CardList)

    def _options(self) -> list[Option]:
        cards = self.column.cards
        options = [Option(card_text(c), id=c.id) for c in cards[: self.shown]]
        if len(cards) > self.shown:
            more = len(cards) - self.shown
            options.append(Option(Text(f"… {more} more: enter shows {min(more, PAGE)} more; "
                                       "/ or the filters narrow the board", style="italic"),
                                  id=MORE))
        return options

    def show_more(self) -> None:
        """Draw the next page of cards (the "more" line was chosen)."""
        at = self.cards.highlighted
        self.shown += PAGE
        self.cards.set_options(self._options())
        self.cards.highlighted = at

    def update(self, column: Column, keep: str | None) -> None:
        """New figures and cards; the highlight stays on deal `keep` if it is still here."""
        self.column = column
        self.query_one(".column-header", Static).update(header_text(column, self.currency))
        ids = [c.id for c in column.cards]
        if keep in ids:
            self.shown = max(self.shown, (ids.index(keep) // PAGE + 1) * PAGE)
        lst = self.cards
        old = lst.highlighted
        lst.set_options(self._options())
        if keep in ids:
            lst.highlighted = ids.index(keep)
        elif lst.option_count:
            lst.highlighted = min(old or 0, lst.option_count - 1)

    def current(self) -> str | None:
        """The id of the highlighted card (None on an empty column or the "more" line)."""
        option = self.cards.highlighted_option
        if option is None or option.id == MORE:
            return None
        return option.id


MORE = "__more__"
