"""`salesflow board`: the pipeline as a keyboard-driven board (Textual).

Textual and the board are imported inside the command, so `salesflow
--help` and every other command start as fast as before.
"""

from __future__ import annotations

import typer

from salesflow.cli._common import handle_errors, root, use_cache
from salesflow.cli.app import app
from salesflow.cli.reports import (
    CloseFromOption,
    CloseToOption,
    CustomerOption,
    OwnerOption,
    ProductLineOption,
    SegmentOption,
    _cut,
)


@app.command()
@handle_errors
def board(
    owner: list[str] | None = OwnerOption,
    segment: list[str] | None = SegmentOption,
    product_line: list[str] | None = ProductLineOption,
    customer: str | None = CustomerOption,
    close_from: str | None = CloseFromOption,
    close_to: str | None = CloseToOption,
    by: str | None = typer.Option(None, "--by", metavar="NAME",
                                  help="Who makes the changes (default: git config "
                                  "user.name, else your login)."),
) -> None:
    """The pipeline as a board in the terminal: a column per stage, keys to move deals.

    One column per open stage plus the won stage, cards by weighted amount with
    risk badges. Keys (shown at the bottom; ? lists them): arrows move, enter
    opens a deal, a advances, t ticks, l loses, h holds, s adds a next step,
    p sets a person's attitude, e edits in $EDITOR,
    r reloads, / searches, q quits. Every change is made exactly as the command
    of the same name makes it, to the same files.

    Example: salesflow board --owner li.wei --segment water
    """
    import sys

    from salesflow.model.errors import UsageError

    cut = _cut(owner, segment, product_line, customer, close_from, close_to)
    base = root()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("salesflow board needs a terminal (it is interactive)",
                         hint="for a script, use salesflow list or salesflow funnel")
    from salesflow.board.app import BoardApp
    from salesflow.board.session import Session
    from salesflow.model import i18n

    i18n.language()  # decided here, once: every task of the board inherits the choice
    BoardApp(Session(base, cut=cut, cache=use_cache(), by=by)).run()
