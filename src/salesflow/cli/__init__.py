"""The `salesflow` command line: a thin Typer shell around the core.

Commands live in modules named after their noun (deals, workspace, reports);
each parses its arguments, calls the library and hands the result to
`salesflow.render`.
"""

from __future__ import annotations

import typer

from salesflow import __version__
from salesflow.cli._common import state

app = typer.Typer(
    name="salesflow",
    help="A B2B sales pipeline kept as plain YAML files in git.\n\n"
    "Example: salesflow funnel",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    root: str | None = typer.Option(
        None, "--root", envvar="SALESFLOW_ROOT", metavar="DIR",
        help="Workspace folder (the one holding stages.yaml). Default: found from the "
        "current folder upwards.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit.",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Read every deal file afresh; neither use nor update the "
        "cache of parsed deals (kept in ~/.cache/salesflow or $SALESFLOW_CACHE_DIR).",
    ),
) -> None:
    """A B2B sales pipeline kept as plain YAML files in git.

    Example: salesflow funnel
    """
    from salesflow.render import output

    output.reset()
    state.root = root or None
    state.cache = not no_cache
    from salesflow import workspace

    workspace.use_cache = state.cache


# Register the commands (each module adds its own to `app`).
from salesflow.cli import workspace, deals, gates, people, review, reports, team, transfer  # noqa: E402, I001

__all__ = ["app", "deals", "gates", "main", "people", "reports", "review", "team", "transfer",
           "workspace"]


def main() -> None:
    """Console-script entry point."""
    import gc

    # A command is short-lived and builds up to tens of thousands of values that
    # form no reference cycles; the cyclic collector would only walk them over
    # and over (a sixth of a warm report's time). Memory is freed as usual.
    gc.disable()
    app(prog_name="salesflow")
