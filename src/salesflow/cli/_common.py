"""What every command shares: error handling, the workspace root, options.

Heavy modules (pydantic, rich, the core) are imported inside command bodies,
so `salesflow --version` and `--help` stay fast.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from salesflow.errors import Problem
    from salesflow.workspace import Overview, Workspace

F = TypeVar("F", bound=Callable[..., Any])

INTERNAL_ERROR = 3


class State:
    """Options of the top-level callback, read by the commands."""

    root: str | None = None
    cache: bool = True


state = State()


def handle_errors(func: F) -> F:
    """Turn salesflow's own exceptions into messages and exit codes; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from salesflow.errors import ProblemsError, SalesflowError
        from salesflow.render import output

        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ProblemsError as exc:
            output.problems(exc.problems)
            if exc.hint:
                output.error(f"{len(exc.problems)} problem(s) found", exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except SalesflowError as exc:
            output.error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            output.error("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as exc:  # disk full, read-only folder, a file where a folder should be
            where = f" {exc.filename}" if exc.filename else ""
            output.error(f"cannot access{where}: {exc.strerror or exc}",
                         "check the path, its permissions and the free disk space; "
                         "no file was changed")
            raise typer.Exit(1) from None
        except Exception as exc:  # the last line of defence: one line, no traceback
            if os.environ.get("SALESFLOW_DEBUG"):
                raise
            output.error(
                f"internal error: {type(exc).__name__}: {exc}",
                "this is a bug in salesflow; please report it with the command you ran "
                "(set SALESFLOW_DEBUG=1 to see the traceback)",
            )
            raise typer.Exit(INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def root() -> Path:
    """The workspace root, from --root, $SALESFLOW_ROOT or the folders above."""
    from salesflow.workspace import find_root

    return find_root(override=state.root)


def load(*, strict: bool = False) -> Workspace:
    """Load the workspace; report invalid deals on stderr (or fail when strict)."""
    from salesflow.workspace import load_workspace

    ws = load_workspace(root(), cache=state.cache)
    _report(ws.problems, strict)
    return ws


def overview(*, strict: bool = False) -> Overview:
    """Summaries of every deal, for reports and lists: fast (see `workspace.load_overview`)."""
    from salesflow.workspace import load_overview

    loaded = load_overview(root(), cache=state.cache)
    _report(loaded.problems, strict)
    return loaded


def _report(problems: list[Problem], strict: bool) -> None:
    from salesflow.errors import ProblemsError
    from salesflow.render import output

    if problems:
        if strict:
            raise ProblemsError(problems, hint="run `salesflow validate` and fix these first")
        output.problems(problems)
        files = len({p.path for p in problems})
        output.note(f"warning: {files} invalid file(s) left out; `salesflow validate` lists "
                    "every problem")


def today() -> Any:
    """Today's date: the one clock of the CLI (tests replace it to pin a date)."""
    import datetime as dt

    return dt.date.today()


def parse_date(value: str | None, option: str) -> Any:
    """A --date style option: ISO date, or today/yesterday."""
    import datetime as dt

    from salesflow.errors import UsageError

    if value is None:
        return None
    words = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if value in words:
        return today() + dt.timedelta(days=words[value])
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date",
                         hint="write dates as YYYY-MM-DD, e.g. 2027-03-31") from None


def exit_code_for(ws: Workspace | Overview) -> int:
    """1 when some files were invalid (the report is incomplete), else 0."""
    return 1 if ws.problems else 0


RootOption = typer.Option(
    None, "--root", envvar="SALESFLOW_ROOT", metavar="DIR",
    help="Workspace folder (the one holding stages.yaml). Default: found from here upwards.",
)


def check_status(status: str) -> None:
    """A --status option: one of the statuses, or all."""
    from salesflow.deal import STATUSES
    from salesflow.errors import UsageError

    if status != "all" and status not in STATUSES:
        raise UsageError(f"--status {status!r} is not a status",
                         hint=f"use one of {', '.join(STATUSES)} or all")


def pick(items: Any, process: Any, *, status: str, stage: list[str] | None,
         owner: list[str] | None, segment: list[str] | None = None,
         product_line: list[str] | None = None) -> list[Any]:
    """The deals `list` and `export` show: every given filter must match (any of its values)."""
    from salesflow.errors import UsageError

    for code in stage or []:
        if not process.has_stage(code):
            raise UsageError(f"--stage {code!r} is not a stage of this process",
                             hint=f"use one of {', '.join(process.codes)}")
    return [
        i for i in items
        if status in ("all", i.deal.status)
        and (not stage or i.deal.stage in stage)
        and (not owner or i.deal.owner in owner)
        and (not segment or i.deal.segment in segment)
        and (not product_line or i.deal.product_line in product_line)
    ]
