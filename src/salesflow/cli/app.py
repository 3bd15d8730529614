"""The Typer app and its top-level options; the command modules add their commands to it.

Kept apart from the package's `__init__` so a command module imports `app`
from here and the package imports the command modules: no import circle.
"""

from __future__ import annotations

import typer

from salesflow import __version__
from salesflow.cli._common import Settings, begin
from salesflow.cli._lang import Group, choose
from salesflow.output.numbers import Units

app = typer.Typer(
    name="salesflow",
    help="A B2B sales pipeline kept as plain YAML files in git.\n\n"
    "Example: salesflow funnel",
    no_args_is_help=True,
    cls=Group,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion, --show-completion (cli/complete.py)
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
    lang: str | None = typer.Option(
        None, "--lang", envvar="SALESFLOW_LANG", metavar="en|zh", is_eager=True,
        callback=choose, help="Language the tool speaks: en or zh. Default: "
        "$SALESFLOW_LANG, else `language:` in stages.yaml, else the locale ($LC_ALL, "
        "$LC_MESSAGES, $LANG), else English. JSON and CSV never change.",
    ),
    units: Units = typer.Option(
        Units.full, "--units", envvar="SALESFLOW_UNITS",
        help="Money for people: full (1,250,000) or short (125万 and 1.25亿 in Chinese, "
        "1.25M in English). JSON and CSV always keep the exact amount.",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Read every deal file afresh; neither use nor update the "
        "cache of parsed deals (kept in ~/.cache/salesflow or $SALESFLOW_CACHE_DIR).",
    ),
    no_pager: bool = typer.Option(
        False, "--no-pager", help="Never send long output through a pager. Default: on a "
        "terminal, output taller than it goes to $SALESFLOW_PAGER, else $PAGER, else "
        "`less -FRX`; never for --format json/csv or when piped.",
    ),
) -> None:
    """A B2B sales pipeline kept as plain YAML files in git.

    Example: salesflow funnel
    """
    from salesflow.output.numbers import use_units
    from salesflow.output.render import output

    output.reset()
    use_units(units)
    begin(Settings(root=root or None, cache=not no_cache, pager=not no_pager))
