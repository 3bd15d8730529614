"""Accounts from a CRM's accounts CSV: `salesflow import FILE.csv --kind account`.

One account per row. Columns are found by name (`name`, `id`, `tier`,
`segment`, `relationship`, `owner`, `notes`; case and spacing ignored), or
named with `--map FIELD=COLUMN`. A row without an id gets one from its name.
Every bad value is a problem at `FILE:LINE:COLUMN`; nothing is written unless
every row is good. Pure: text in, account texts and problems out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from salesflow.files.accountwrite import account_text
from salesflow.files.parse import parse_account
from salesflow.method.account_checks import fold
from salesflow.method.migrate import slug
from salesflow.model.errors import Problem, UsageError
from salesflow.model.i18n import _
from salesflow.model.ids import ID_RE
from salesflow.model.process import Process

FIELDS = ("id", "name", "tier", "segment", "relationship", "owner", "notes")


@dataclass(frozen=True)
class AccountRow:
    """One good row: the account id, its customer name and the new file's text."""

    line: int
    id: str
    name: str
    text: str


def _columns(header: list[str], maps: Mapping[str, str]) -> dict[str, int]:
    index = {fold(h).replace(" ", "_"): i for i, h in enumerate(header)}
    out: dict[str, int] = {}
    for field in FIELDS:
        column = maps.get(field)
        if column is not None:
            if column not in header:
                raise UsageError(_("--map {field}={column}: no column {column!r} in the "
                                   "file").format(field=field, column=column),
                                 hint=_("the columns are: {header}").format(
                                          header=', '.join(header)))
            out[field] = header.index(column)
        elif field in index:
            out[field] = index[field]
    for field in maps:
        if field not in FIELDS:
            raise UsageError(_("--map {field}=...: {field!r} is not an account field (one of "
                               "{fields})").format(field=field, fields=', '.join(FIELDS)))
    if "name" not in out:
        raise UsageError(_("the file has no `name` column"), hint=_("name it with --map "
                         "name=COLUMN"))
    return out


def account_rows(text: str, path: str, maps: Mapping[str, str], process: Process,
                 ) -> tuple[list[AccountRow], list[Problem]]:
    """Every good row as an account, and every problem of the bad ones."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(_("{path} is empty: expected a header line and one row per "
                           "account").format(path=path)) from None
    cols = _columns(header, maps)
    rows: list[AccountRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(field: str, cells: list[str] = cells) -> str:
            at = cols.get(field)
            return cells[at].strip() if at is not None and at < len(cells) else ""

        def problem(field: str, message: str, line: int = line) -> Problem:
            return Problem(path, line, cols.get(field, 0) + 1, message, "bad-row")

        name = cell("name")
        if not name:
            problems.append(problem("name", _("the account has no name")))
            continue
        account_id = cell("id") or slug(name)
        if not account_id or not ID_RE.match(account_id):
            problems.append(problem("id", _("no usable id for {name!r}: give an `id` "
                                            "column (lowercase letters, digits, '.', "
                                            "'_', '-')").format(name=name)))
            continue
        if account_id in seen:
            problems.append(problem("id", _("id {account_id!r} is also on line {value}; "
                                            "ids must be unique").format(
                                              account_id=account_id, value=seen[account_id])))
            continue
        seen[account_id] = line
        fields: dict[str, Any] = {"name": name}
        for field in ("segment", "tier", "owner", "relationship", "notes"):
            value = cell(field)
            if value:
                fields[field] = value.upper() if field == "tier" else value
        body = account_text(fields)
        account, found = parse_account(body.encode(), path, process)
        if account is None:
            for p in found:
                field = next((f for f in fields if f in p.message), "name")
                problems.append(problem(field, p.message))
            continue
        rows.append(AccountRow(line, account_id, name, body))
    return rows, problems
