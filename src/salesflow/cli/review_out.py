"""How `salesflow review` writes: its CSV, JSON and plain lines, fast for 50,000 deals.

A review of a big pipeline is a few hundred thousand risks, and most of them
are said in the same words many times over (the close date every deal of a
quarter missed, the coach-less buying centre). The review keeps each risk
once (`review_facts.judge`), and the writers here turn each risk into its
text once: its CSV cells, its JSON object, its two lines of the plain table.
A line is then a join of texts made before.

The bytes are exactly those of the general writers (`output.csv`, `json.dumps`
with `indent=2`, the table's `print_risks` layout when piped); the tests hold
the two side by side. The JSON and CSV are written as they are made, so a
review never holds its whole output.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesflow.method.reviewed import DealReview
    from salesflow.method.risk_words import Risk

CHUNK = 2000  # lines written at once


# ---------------------------------------------------------------------- CSV


class CsvLines:
    """CSV lines as `output.csv` writes them, each distinct cell encoded once."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\n")
        # as output.csv: a row with a lone "\r" is written fully quoted
        self._quoted = csv.writer(self._buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._cells: dict[str, str] = {}

    def cell(self, value: Any) -> str:
        """One cell of a row of several, as the csv module writes it (None: empty)."""
        text = "" if value is None else str(value)
        found = self._cells.get(text)
        if found is None:
            self._writer.writerow([text, ""])  # a trailing empty cell: "text,\n"
            found = self._buf.getvalue()[:-2]
            self._buf.seek(0)
            self._buf.truncate()
            self._cells[text] = found
        return found

    def row(self, cells: Sequence[Any]) -> str:
        """A whole row (of two cells or more), with its line end."""
        line = ",".join(map(self.cell, cells)) + "\n"
        return self.quoted(cells) if "\r" in line else line

    def quoted(self, cells: Sequence[Any]) -> str:
        self._quoted.writerow(["" if v is None else str(v) for v in cells])
        line = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        return line


def csv_lines(header: Sequence[str], reviews: Iterable[DealReview],
              tail: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The review's CSV: the header, one row per risk, then the `tail` rows."""
    from salesflow.model.money import money_json

    out = CsvLines()
    yield out.row(header)
    risks: dict[Risk, str] = {}
    for r in reviews:
        if not r.risks:
            continue
        d = r.item.deal
        head = [r.item.id, d.name, d.customer, d.owner, d.stage, d.status,
                money_json(r.weighted)]
        start = ",".join(map(out.cell, head)) + ","
        for k in r.risks:
            end = risks.get(k)
            if end is None:
                end = risks[k] = ",".join(map(out.cell, k)) + "\n"
            line = start + end
            yield out.quoted([*head, *k]) if "\r" in line else line
    for row in tail:
        yield out.row(row)


def write(lines: Iterable[str]) -> None:
    """Text on stdout in chunks of lines, as it is made."""
    chunk: list[str] = []
    put = sys.stdout.write
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            put("".join(chunk))
            chunk.clear()
    put("".join(chunk))


# --------------------------------------------------------------------- JSON


def _s(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _risk_json(k: Risk) -> str:
    return (f'{{\n          "code": {_s(k.code)},\n          "reason": {_s(k.reason)},\n'
            f'          "move": {_s(k.move)}\n        }}')


def deals_json(reviews: Iterable[DealReview]) -> Iterator[str]:
    """Each deal of the review as `review.review_json` in `json.dumps(indent=2)`, as an
    item of the document's "deals" list (its first line unindented)."""
    from salesflow.model.money import money_json

    said: dict[Risk, str] = {}
    for r in reviews:
        d = r.item.deal
        if r.risks:
            parts = []
            for k in r.risks:
                text = said.get(k)
                if text is None:
                    text = said[k] = _risk_json(k)
                parts.append(text)
            risks = "[\n        " + ",\n        ".join(parts) + "\n      ]"
        else:
            risks = "[]"
        yield (f'{{\n      "id": {_s(r.item.id)},\n      "name": {_s(d.name)},\n'
               f'      "customer": {_s(d.customer)},\n      "owner": {_s(d.owner)},\n'
               f'      "stage": {_s(d.stage)},\n      "status": {_s(d.status)},\n'
               f'      "amount": {_s(money_json(r.amount))},\n'
               f'      "weighted": {_s(money_json(r.weighted))},\n'
               f'      "path": {_s(r.item.path)},\n      "risks": {risks}\n    }}')


def write_json(head: dict[str, Any], key: str, items: Iterable[str],
               tail: dict[str, Any]) -> None:
    """`output.json({**head, key: [...], **tail})`, the list's items given as their texts.

    Each item is its `json.dumps(indent=2)` text at the depth of the list's
    items (its first line unindented, the others by four more spaces): the
    same bytes as the whole document dumped at once, never held whole.
    """
    marker = "\u0000items\u0000"
    text = json.dumps({**head, key: marker, **tail}, ensure_ascii=False, indent=2,
                      default=str)
    before, after = text.split(json.dumps(marker), 1)
    first = [True]

    def parts() -> Iterator[str]:
        yield before
        for item in items:
            yield ("[\n    " if first[0] else ",\n    ") + item
            first[0] = False
        yield ("[]" if first[0] else "\n  ]") + after + "\n"

    write(parts())


# -------------------------------------------------------------------- table


def risk_text(k: Risk, width: int, said: dict[Risk, str]) -> str:
    """A risk as its two plain lines (code and reason; the move below), as one text,
    kept in `said` for the next deal it is found on."""
    from salesflow.output.plain import printable

    text = said[k] = (printable(f"  {k.code:<{width}}  {k.reason}") + "\n"
                      + printable(f"  {'':<{width}}  → {k.move}"))
    return text
