"""Commands for the daily edits of a deal: `salesflow set` (and, later, people, needs, steps).

Each builds a pure edit from `salesflow.method.edits` and hands it to
`salesflow.files.update.update_deal` (locked, re-read, validated, surgical,
atomic) through `salesflow.cli.gates`' runner, so `--dry-run` prints the
diff and a refusal changes no byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from salesflow.cli._common import handle_errors
from salesflow.cli.app import app
from salesflow.cli.gates import ByOpt, DateOpt, DealArg, DryRunOpt

if TYPE_CHECKING:
    from salesflow.method.transitions import Context

EventDateOpt = DateOpt


@app.command("set")
@handle_errors
def set_(
    deal: str = DealArg,
    assignments: list[str] = typer.Argument(..., metavar="FIELD=VALUE...",
                                            help="Fields to set: amount, currency, "
                                            "expected_close, owner, segment, product_line, "
                                            "relationship, procurement_step, name, customer "
                                            "or x-... keys. An empty VALUE removes the field."),
    date: str | None = EventDateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Change a deal's own fields, checked as the file would check them.

    A change of amount, currency, expected_close or procurement_step is also
    written to the deal's history ({date, field, from, to, by}), so reports
    with --as-of show the values of that day. An unknown field, currency or
    procurement step is refused (exit 2) with the nearest known one; nothing
    is written unless every value is good.

    Example: salesflow set acme-pumps amount=1400000 expected_close=2027-03-31
    """
    from salesflow.cli.gates import _run
    from salesflow.method.edits import parse_assignment, set_fields

    pairs = [parse_assignment(a) for a in assignments]
    ctx = event_context(deal, date, by)
    _run(ctx, deal, lambda d, data, process: set_fields(d, data, process, ctx, pairs),
         dry_run, show_gate=False, show_stage=False)


def event_context(ref: str, date: str | None, by: str | None) -> Context:
    """Who and when for an event that has happened (the core refuses impossible dates)."""
    from salesflow.cli.gates import _context

    return _context(ref, date, by)
