"""The `salesflow` command line: a thin Typer shell around the core.

Commands live in modules named after their noun (deals, workspace, reports);
each parses its arguments, calls the library and hands the result to
`salesflow.output.render`. The app itself and its top-level options are in
`salesflow.cli.app`; importing this package registers every command.
"""

from __future__ import annotations

from salesflow.cli import (
    accounts,
    board,
    daily,
    deals,
    edits,
    gates,
    meeting,
    people,
    reports,
    review,
    team,
    transfer,
    workspace,
)
from salesflow.cli.app import app

__all__ = ["accounts", "app", "board", "daily", "deals", "edits", "gates", "main", "meeting",
           "people", "reports", "review", "team", "transfer", "workspace"]


def main() -> None:
    """Console-script entry point."""
    import gc

    # A command is short-lived and builds up to tens of thousands of values that
    # form no reference cycles; the cyclic collector would only walk them over
    # and over (a sixth of a warm report's time). Memory is freed as usual.
    gc.disable()
    app(prog_name="salesflow")
