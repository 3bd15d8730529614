"""Tables that fit the width they are printed at, one line per row.

A report table is declared as columns of three kinds:

- `key`: ids, codes, dates, numbers. Never wrapped, never cut: a cut id is a
  wrong id.
- `text`: names, customers, owners. Truncated with an ellipsis down to the
  column's `min` width before anything is dropped.
- `bar`: drawn at whatever width is left, from 24 cells down to 6; the first
  thing to go when even that does not fit.

When the keys, the shortest texts and the narrowest bar still do not fit, the
bar goes first, then the columns with the highest `drop` number, one at a
time (`drop=0`: never dropped). Each command documents its order (see
docs/output.md, "Tables at any width"). The layout is computed here, not left
to rich, because rich squeezes every column alike and would fold an id over
two lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.table import Table

Kind = Literal["key", "text", "bar"]
Cell = str | Callable[[int], str]  # markup text, or a bar drawn at a given width
BAR_WIDTH = 24
BAR_MIN = 6
BAR_DROP = 1000  # bars go before any column


@dataclass(frozen=True)
class Col:
    """One column: its header, what kind of content, and when it may be dropped."""

    header: str
    kind: Kind = "key"
    right: bool = False
    drop: int = 0
    min: int = 8


def cell_width(cell: str) -> int:
    """The widest line of a markup cell, in terminal cells (CJK counts two)."""
    from rich.text import Text

    return max((Text.from_markup(line).cell_len for line in cell.split("\n")), default=0)


def _header_width(col: Col) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in col.header.split("\n")), default=0)


def _natural(col: Col, rows: Sequence[Sequence[Cell]], index: int,
             measure: Callable[[str], int]) -> int:
    if col.kind == "bar":
        return max(BAR_WIDTH, _header_width(col))
    cells = [measure(c) for c in (r[index] for r in rows) if isinstance(c, str)]
    return max([_header_width(col), *cells])


def _least(col: Col, natural: int) -> int:
    if col.kind == "key":
        return natural
    if col.kind == "bar":
        return min(natural, max(BAR_MIN, _header_width(col)))
    return min(natural, col.min)


def plan(cols: Sequence[Col], rows: Sequence[Sequence[Cell]], width: int,
         gap: int, measure: Callable[[str], int] = cell_width,
         ) -> tuple[list[int], dict[int, int]]:
    """The columns kept and each one's width, so the table is at most `width` wide.

    `measure` gives a cell's width: markup by default; plain text for the long
    tables of `salesflow.output.plain`, which measure much faster.
    """
    natural = {i: _natural(c, rows, i, measure) for i, c in enumerate(cols)}
    active = list(range(len(cols)))
    while True:
        overhead = gap * (len(active) - 1)
        widths = {i: natural[i] for i in active}
        excess = sum(widths.values()) + overhead - width
        if excess <= 0:
            return active, widths
        least = {i: _least(cols[i], natural[i]) for i in active}
        if sum(least.values()) + overhead <= width:
            for i in active:  # bars shrink first
                if cols[i].kind == "bar":
                    cut = min(excess, widths[i] - least[i])
                    widths[i] -= cut
                    excess -= cut
            _shrink_texts(cols, active, widths, least, excess)
            return active, widths
        droppable = [i for i in active
                     if cols[i].kind == "bar" or cols[i].drop > 0]
        if not droppable:
            return active, least  # wider than the screen: keys are never cut
        active.remove(max(droppable, key=lambda i: (
            BAR_DROP if cols[i].kind == "bar" else cols[i].drop, i)))


def _shrink_texts(cols: Sequence[Col], active: list[int], widths: dict[int, int],
                  least: dict[int, int], excess: int) -> None:
    """Take `excess` cells from the text columns, in proportion to what each can give."""
    texts = [i for i in active if cols[i].kind == "text" and widths[i] > least[i]]
    while excess > 0 and texts:
        room = sum(widths[i] - least[i] for i in texts)
        share = {i: max(1, excess * (widths[i] - least[i]) // room) for i in texts}
        for i in sorted(texts, key=lambda i: -(widths[i] - least[i])):
            cut = min(share[i], widths[i] - least[i], excess)
            widths[i] -= cut
            excess -= cut
        texts = [i for i in texts if widths[i] > least[i]]


def fitted(cols: Sequence[Col], rows: Sequence[Sequence[Cell]], *,
           title: str | None = None, sections: Sequence[int] = (),
           width: int | None = None) -> Table:
    """A rich table of `rows` laid out by `plan` for the output's width.

    `sections` are row indexes before which a rule is drawn (the total row).
    """
    from rich import box
    from rich.table import Table

    from salesflow.model.i18n import _
    from salesflow.output.render import output

    # headers in the invocation's language, measured as shown (CJK is two cells wide);
    # tests/catalog.py extracts the literal headers of Col(...)
    cols = [dataclasses.replace(c, header=_(c.header)) if c.header else c for c in cols]
    fancy = output.fancy
    gap = 3 if fancy else 2  # padding, plus the box's blank divider on a terminal
    active, widths = plan(cols, rows, width or output.out.width, gap)
    table = Table(title=_(title) if title else title,
                  box=box.SIMPLE_HEAD if fancy else None, show_edge=False,
                  pad_edge=False, header_style="bold" if fancy else "",
                  title_style="bold" if fancy else "", title_justify="left")
    for i in active:
        col = cols[i]
        table.add_column(col.header, justify="right" if col.right else "left",
                         width=widths[i], no_wrap=True,
                         overflow="ellipsis" if col.kind == "text" else "crop")
    for n, row in enumerate(rows):
        if n in sections:
            table.add_section()
        table.add_row(*[c(widths[i]) if callable(c) else c
                        for i, c in ((i, row[i]) for i in active)])
    return table


def layered_bar(front: float, back: float, width: int) -> str:
    """A bar of `front` (the measure), over a lighter bar of `back` where colour allows.

    On a terminal the back bar is drawn in light shade; piped output has only
    the `#` bar of `front`, so a file holds one measure per bar.
    """
    from salesflow.output.render import output

    front = min(max(front, 0.0), 1.0)
    back = min(max(back, front), 1.0)
    if not output.fancy:
        return "#" * round(front * width)
    eighths = round(front * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]
    shade = round(back * width) - full - (1 if part else 0)
    return bar + (f"[dim]{'░' * shade}[/dim]" if shade > 0 else "")
