"""What every command shares: error handling, the workspace root, options.

Heavy modules (pydantic, rich, the core) are imported inside command bodies,
so `salesflow --version` and `--help` stay fast.
"""

from __future__ import annotations

import contextvars
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from salesflow.files.workspace import Overview, Workspace
    from salesflow.model.deal import DealFile
    from salesflow.model.errors import Problem
    from salesflow.model.process import Process

F = TypeVar("F", bound=Callable[..., Any])

INTERNAL_ERROR = 3
# `--format` values for programs: they run in English whatever the language (ids,
# codes and field names never change; neither do the messages inside the data).
MACHINE_FORMATS = ("json", "csv")
# Commands that own the terminal themselves: their output is never collected for a pager.
UNPAGED = frozenset({"board"})


@dataclass(frozen=True)
class Settings:
    """The top-level options (`--root`, `--no-cache`) of one invocation.

    The callback sets them for the invocation it starts, in a context variable
    rather than a module global: two invocations in one process (tests, the
    board) each see their own, and library code never reads them — the CLI
    passes `cache=` and the root to the library as arguments.
    """

    root: str | None = None
    cache: bool = True
    pager: bool = True  # long output on a terminal through the pager (`--no-pager`)


_SETTINGS: contextvars.ContextVar[Settings | None] = contextvars.ContextVar(
    "salesflow_settings", default=None)


def begin(settings: Settings) -> None:
    """Called by the top-level callback: the settings of the command about to run."""
    _SETTINGS.set(settings)


def settings() -> Settings:
    """The settings of the command being run (the defaults outside a command)."""
    return _SETTINGS.get() or Settings()


def handle_errors(func: F) -> F:
    """Turn salesflow's own exceptions into messages and exit codes; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from salesflow.model import i18n
        from salesflow.model.errors import ProblemsError, SalesflowError
        from salesflow.output.pager import paging
        from salesflow.output.render import output

        machine = str(kwargs.get("fmt", "")) in MACHINE_FORMATS
        try:
            # long output on a terminal goes through the pager; json and csv never do
            with paging(settings().pager and not machine and func.__name__ not in UNPAGED):
                if machine:
                    with i18n.using("en"):  # machine output never changes with the language
                        return func(*args, **kwargs)
                return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ProblemsError as exc:
            output.problems(exc.problems)
            if exc.hint:
                output.error(i18n._("{n} problem(s) found").format(n=len(exc.problems)),
                             exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except SalesflowError as exc:
            output.error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            output.error(i18n._("interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as exc:  # disk full, read-only folder, a file where a folder should be
            where = f" {exc.filename}" if exc.filename else ""
            output.error(i18n._("cannot access{where}: {error}").format(
                where=where, error=exc.strerror or exc),
                         i18n._("check the path, its permissions and the free disk space; "
                                "no file was changed"))
            raise typer.Exit(1) from None
        except Exception as exc:  # the last line of defence: one line, no traceback
            if os.environ.get("SALESFLOW_DEBUG"):
                raise
            output.error(
                i18n._("internal error: {kind}: {error}").format(kind=type(exc).__name__,
                                                                 error=exc),
                i18n._("this is a bug in salesflow; please report it with the command you ran "
                       "(set SALESFLOW_DEBUG=1 to see the traceback)"),
            )
            raise typer.Exit(INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def root(override: str | os.PathLike[str] | None = None) -> Path:
    """The workspace root: `override`, else --root, $SALESFLOW_ROOT or the folders above."""
    from salesflow.files.workspace import find_root

    return find_root(override=override if override is not None else settings().root)


def use_cache() -> bool:
    """False under --no-cache: read every file afresh, neither use nor update the cache."""
    return settings().cache


def load(*, strict: bool = False) -> Workspace:
    """Load the workspace; report invalid deals on stderr (or fail when strict)."""
    from salesflow.files.load import load_workspace

    ws = load_workspace(root(), cache=use_cache(), progress=reading)
    _report(ws.problems, strict)
    return ws


def overview(*, strict: bool = False, facts: bool | str = False) -> Overview:
    """Summaries of every deal, for reports and lists: fast (see `workspace.load_overview`).

    `facts`: with each deal's history moves ("moves", for `stats`) or review facts
    ("review"), or both (True); see `load_overview`.
    """
    from salesflow.files.load import load_overview

    loaded = load_overview(root(), cache=use_cache(), facts=facts, progress=reading)
    _report(loaded.problems, strict)
    return loaded


# From this many files to parse, a terminal shows a progress bar: about a second's work.
PROGRESS_FROM = 1000


def reading(total: int) -> AbstractContextManager[Callable[[int], None]]:
    """A progress bar on a terminal's stderr while `total` deal files are parsed.

    A cold report of a big workspace (after a `git pull` that changed many
    files, or an upgrade, which empties the cache) parses for many seconds:
    the bar says why nothing shows yet. Nothing when stderr is not a terminal.
    """
    from salesflow.model.i18n import _
    from salesflow.output.render import output

    return output.progress(total, _("reading deal files"), minimum=PROGRESS_FROM)


def _report(problems: list[Problem], strict: bool) -> None:
    from salesflow.model.errors import ProblemsError
    from salesflow.model.i18n import _
    from salesflow.output.render import output

    if problems:
        if strict:
            raise ProblemsError(problems, hint=_("run `salesflow validate` and fix these first"))
        output.problems(problems)
        files = len({p.path for p in problems})
        output.note(_("warning: {files} invalid file(s) left out; `salesflow validate` lists "
                      "every problem").format(files=files))


def today() -> Any:
    """Today's date: the one clock of the CLI (tests replace it to pin a date)."""
    import datetime as dt

    return dt.date.today()


def parse_date(value: str | None, option: str) -> Any:
    """A --date style option: ISO date, or today/yesterday (`model.days.day_from_text`)."""
    from salesflow.model.days import day_from_text

    if value is None:
        return None
    return day_from_text(value, option, today())


def exit_code_for(ws: Workspace | Overview) -> int:
    """1 when some files were invalid (the report is incomplete), else 0."""
    return 1 if ws.problems else 0


RootOption = typer.Option(
    None, "--root", envvar="SALESFLOW_ROOT", metavar="DIR",
    help="Workspace folder (the one holding stages.yaml). Default: found from here upwards.",
)


def check_status(status: str) -> None:
    """A --status option: one of the statuses, or all."""
    from salesflow.model.constants import STATUSES
    from salesflow.model.errors import UsageError
    from salesflow.model.i18n import _

    if status != "all" and status not in STATUSES:
        raise UsageError(_("--status {status!r} is not a status").format(status=status),
                         hint=_("use one of {statuses} or all").format(
                             statuses=", ".join(STATUSES)))


def pick(items: Any, process: Any, *, status: str, stage: list[str] | None,
         owner: list[str] | None, segment: list[str] | None = None,
         product_line: list[str] | None = None) -> list[Any]:
    """The deals `list` and `export` show: every given filter must match (any of its values)."""
    from salesflow.model.errors import UsageError
    from salesflow.model.i18n import _

    for code in stage or []:
        if not process.has_stage(code):
            raise UsageError(_("--stage {code!r} is not a stage of this process").format(
                code=code), hint=_("use one of {codes}").format(codes=", ".join(process.codes)))
    return [
        i for i in items
        if status in ("all", i.deal.status)
        and (not stage or i.deal.stage in stage)
        and (not owner or i.deal.owner in owner)
        and (not segment or i.deal.segment in segment)
        and (not product_line or i.deal.product_line in product_line)
    ]


def load_one(ref: str) -> tuple[Process, DealFile]:
    """One deal by id or path, validated; reads only that deal's file."""
    from salesflow.files.load import load_deal_file, load_process
    from salesflow.files.workspace import deal_id_of, locate_deal
    from salesflow.model.deal import DealFile
    from salesflow.model.errors import ProblemsError
    from salesflow.model.i18n import _

    base = root()
    process = load_process(base)
    path = locate_deal(base, ref, cache=use_cache())
    item, problems = load_deal_file(base, path, process)
    if item is None:
        raise ProblemsError(problems, hint=_("fix the file, then try again"))
    return process, DealFile(deal_id_of(path), item.path, item.deal)
