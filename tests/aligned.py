"""Column alignment of piped tables, measured in terminal cells (CJK counts double)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len


def table_after(text: str, header_start: str, rows: int | None = None) -> list[str]:
    """The header line starting with `header_start` and the rows below it.

    `rows` of them when given, else up to the next blank line.
    """
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    if rows is not None:
        return lines[first : first + 1 + rows]
    block = []
    for line in lines[first:]:
        if not line.strip():
            break
        block.append(line)
    return block


def _index_at(line: str, cell: int) -> int | None:
    for i in range(len(line) + 1):
        if cell_len(line[:i]) == cell:
            return i
    return None


def assert_aligned(block: list[str], right: Iterable[str] = ()) -> None:
    """Every row's columns line up with the header's, in display cells.

    A left-aligned column starts where its header starts, after a two-space
    gap; a right-aligned one (named in `right`) ends where its header ends,
    before a gap or the end of the line. A CJK character measured as one cell
    instead of two shifts everything after it and fails here.
    """
    header, rows = block[0], block[1:]
    right = set(right)
    columns = [(m.group(), cell_len(header[: m.start()]), cell_len(header[: m.end()]))
               for m in re.finditer(r"\S+(?: \S+)*", header)]
    assert len(columns) >= 2, header
    assert rows, "a table without rows proves nothing"
    for line in rows:
        width = cell_len(line)
        for k, (name, start, end) in enumerate(columns):
            if k == 0:
                continue
            if name in right:
                if width < end:
                    continue
                i = _index_at(line, end)
                assert i is not None, f"a wide character straddles cell {end}: {line!r}"
                assert line[i : i + 2] in ("  ", ""), f"{name!r} does not end aligned: {line!r}"
            else:
                if width <= start:
                    continue  # trailing empty cells are stripped
                i = _index_at(line, start)
                assert i is not None, f"a wide character straddles cell {start}: {line!r}"
                assert line[i - 2 : i] == "  ", f"{name!r} does not start aligned: {line!r}"
                if line[i] == " ":  # an empty cell, or content pushed to the right?
                    nxt = columns[k + 1][1] if k + 1 < len(columns) else width
                    j = _index_at(line, min(nxt, width)) or len(line)
                    assert not line[i:j].strip(), f"{name!r} starts late: {line!r}"
