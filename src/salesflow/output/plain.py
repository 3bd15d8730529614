"""Long tables as plain aligned text: one measured width per column, one line per row.

rich lays out a table cell by cell, wrapping and measuring each with its
full machinery: right for a funnel of eight stages, ruinous for `list` over
50,000 deals (18 s, longer than parsing every file from scratch). A long
table needs none of that: measure each column once, fit the widths to the
terminal, pad and cut each cell. Width is counted in terminal cells, so
Chinese text (two cells a character) stays aligned.

The layout is `salesflow.output.fit.plan`, the one every table of a report
uses, so a long table keeps the columns and drop order of a short one. Pure:
lines in, lines out; `print_table` writes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from salesflow.output.fit import Col, plan

GAP = 2  # spaces between columns
ELLIPSIS = "…"
LONG = 200  # rows from which a table is drawn as plain text rather than by rich


# Control characters from data (an ESC starts a terminal escape sequence) are
# shown escaped, never sent to the terminal: tab and newline included, since
# a cell is one line.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))}


def printable(text: str) -> str:
    """`text` with every control character shown as `\\xNN`."""
    return text if text.isprintable() else text.translate(_CONTROL)


def cells(text: str) -> int:
    """How many terminal cells `text` takes (CJK characters take two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in an ellipsis when shortened."""
    if cells(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[:width - 1] + ELLIPSIS
    from rich.cells import get_character_cell_size

    out, used = [], 0
    for ch in text:
        size = get_character_cell_size(ch)
        if used + size > width - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + ELLIPSIS


def render(cols: Sequence[Col], rows: Iterable[Sequence[str]],
           width: int | None) -> Iterator[str]:
    """The header line, then one line per row, laid out by `fit.plan` for `width` cells.

    The same columns, widths and drop order as a short table of the same
    report; `text` columns are cut with an ellipsis, `key` columns never.
    Laid out a column at a time: a column of ASCII text (ids, codes, dates,
    most names) is measured, cut and padded with `len`, `ljust` and `rjust`,
    which takes 50,000 rows in a few hundredths of a second; only a column
    holding other text is measured cell by cell.
    """
    body = [[printable(v) for v in r] for r in rows]
    columns = [[r[i] for r in body] for i in range(len(cols))]
    plain = [all(v.isascii() for v in column) for column in columns]
    # the widest cell of each column stands for all of them in the layout
    widest = [max(column, key=len if ascii_only else cells, default="")
              for column, ascii_only in zip(columns, plain, strict=True)]
    if width is None:
        active = list(range(len(cols)))
        widths = {i: max(cells(cols[i].header), cells(widest[i])) for i in active}
    else:
        active, widths = plan(cols, [widest], width, GAP, measure=cells)
    picked = [(cols[i], widths[i], i) for i in active]
    yield _line([cols[i].header for i in active], picked)
    laid = [_column(columns[i], col, w, plain[i]) for col, w, i in picked]
    gap = " " * GAP
    for parts in zip(*laid, strict=True):
        yield gap.join(parts).rstrip()


def _column(values: list[str], col: Col, w: int, ascii_only: bool) -> list[str]:
    """Every cell of one column cut (`text` columns) and padded to `w` cells, as `_line` does."""
    if not ascii_only:
        return [_cell(value, col, w) for value in values]
    if col.kind == "text":
        values = [v if len(v) <= w else ("" if w <= 0 else v[:w - 1] + ELLIPSIS)
                  for v in values]  # the ellipsis takes one cell, as a character does
    if col.right:
        return [v.rjust(w) for v in values]
    return [v.ljust(w) for v in values]


def _cell(value: str, col: Col, w: int) -> str:
    text = cut(value, w) if col.kind == "text" else value
    pad = max(w - cells(text), 0)
    return " " * pad + text if col.right else text + " " * pad


def _line(values: Sequence[str], picked: Sequence[tuple[Col, int, int]]) -> str:
    parts = [_cell(value, col, w) for value, (col, w, _) in zip(values, picked, strict=True)]
    return (" " * GAP).join(parts).rstrip()


def print_table(cols: Sequence[Col], rows: Iterable[Sequence[str]]) -> None:
    """A table of many rows on stdout as plain aligned text, fitted to the output's width.

    Tens of thousands of rows print in well under a second, where a rich
    table takes longer than parsing every deal file; values are never read
    as markup and their control characters are shown escaped.
    """
    from salesflow.output.render import output

    lines = render(cols, rows, output.out.width)
    header = next(lines)
    if output.fancy:
        output.print(header, style="bold", markup=False, highlight=False, soft_wrap=True)
        output.lines(lines)
    else:
        output.lines(itertools.chain((header,), lines))
