"""Import problems a person can act on: each distinct problem once, with its rows.

A CRM export with one unmapped stage value has thousands of rows with the
same problem; listing each one buries the fix. Grouped, each distinct
message is shown once with how many rows have it and the first three row
lines; a problem of one row only is shown as `FILE:LINE:COLUMN: message`, as
`--verbose` shows every one.

Pure: problems in, lines of text out.
"""

from __future__ import annotations

from collections.abc import Iterable

from salesflow.model.errors import Problem
from salesflow.model.i18n import _, ngettext

SHOWN_LINES = 3


def grouped(problems: Iterable[Problem]) -> list[str]:
    """One line per distinct (file, message), in the order they first occur."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.path, p.message), []).append(p)
    out = []
    for (path, message), items in groups.items():
        if len(items) == 1:
            out.append(str(items[0]))
            continue
        lines = sorted({p.line for p in items})
        shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
        more = ", …" if len(lines) > SHOWN_LINES else ""
        head, sep, fix = message.rpartition("; ")
        if not sep or "--" not in fix:
            head, fix = message, ""
        counted = _("{path}: {problem} — {n} rows (lines {lines})").format(
            path=path, problem=head, n=f"{len(items):,}", lines=shown + more)
        out.append(counted + (f"; {fix}" if fix else ""))
    return out


def rows_phrase(count: int) -> str:
    """`1 row`, `2,561 rows`."""
    return ngettext("{n} row", "{n} rows", count).format(n=f"{count:,}")
