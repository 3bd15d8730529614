"""`import --join FILE.csv --on COLUMN[=COLUMN]`: more columns for each row, by key.

A CRM export often keeps the list price in a products file and the sector in
an accounts file. A join adds the other file's columns to each row whose key
matches (the key cell, without surrounding spaces; case counts); a column
whose name the table has already is added as `FILE:COLUMN`. Keys with no
match and keys the other file gives twice (the first row wins) are reported,
never silently dropped.

Pure: tables in, a wider table and a report out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from salesflow.model.errors import UsageError
from salesflow.model.i18n import _
from salesflow.team.transfer import Table, find_column


@dataclass(frozen=True)
class Join:
    """One --join: the other table and the key column on each side."""

    table: Table
    left: str
    right: str


def parse_on(value: str) -> tuple[str, str]:
    """`product` (same name on both sides) or `account=name` (this file's = the other's)."""
    left, sep, right = value.partition("=")
    left, right = left.strip(), right.strip()
    if not left or (sep and not right):
        raise UsageError(_("--on {value}: expected COLUMN or COLUMN=COLUMN").format(
            value=repr(value)), hint=_("e.g. --join products.csv --on product"))
    return left, right or left


def join_all(table: Table, joins: list[Join]) -> tuple[Table, list[str]]:
    """The table with every join's columns added, and one note per unmatched/duplicate key."""
    notes: list[str] = []
    header = list(table.header)
    rows = [(line, list(cells)) for line, cells in table.rows]
    for join in joins:
        name = PurePath(join.table.path).name
        left = find_column(header, join.left, f"--on {join.left} (in {table.path})")
        right = find_column(join.table.header, join.right, f"--on ...={join.right} (in {name})")
        keys = Counter(cells[right].strip() for _line, cells in join.table.rows)
        by_key: dict[str, list[str]] = {}
        for _line, cells in join.table.rows:
            by_key.setdefault(cells[right].strip(), cells)
        twice = sorted(k for k, n in keys.items() if n > 1 and k)
        if twice:
            keys_shown = ", ".join(repr(k) for k in twice[:3]) + (", …" if len(twice) > 3
                                                                    else "")
            notes.append(_("{file}: {n} key(s) appear more than once in column {column} (the "
                           "first row is used): {keys}").format(
                file=name, n=len(twice), column=repr(join.right), keys=keys_shown))
        added = [i for i in range(len(join.table.header)) if i != right]
        for i in added:
            column = join.table.header[i]
            header.append(column if column not in header else f"{name}:{column}")
        blank = [""] * len(added)
        missing: Counter[str] = Counter()
        for _line, cells in rows:
            key = cells[left].strip()
            found = by_key.get(key) if key else None
            if key and found is None:
                missing[key] += 1
            cells.extend([found[i] for i in added] if found is not None else blank)
        if missing:
            top = ", ".join(f"{k!r} ({n:,})" for k, n in missing.most_common(3))
            notes.append(_("{file}: {n} row(s) of {table} have a {column} that {file} does "
                           "not list: {keys}").format(
                file=name, n=f"{sum(missing.values()):,}", table=table.path,
                column=repr(join.left), keys=top + (", …" if len(missing) > 3 else "")))
    return Table(table.path, header, rows, list(table.problems)), notes
