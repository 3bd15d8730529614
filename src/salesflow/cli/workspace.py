"""Commands about the workspace as a whole: init, validate."""

from __future__ import annotations

from pathlib import Path

import typer

from salesflow.cli import app
from salesflow.cli._common import handle_errors, root
from salesflow.render import Format


@app.command()
@handle_errors
def init(
    directory: Path = typer.Argument(Path(), help="Folder to make a workspace (created if "
                                     "missing).", show_default=False),
    lang: str = typer.Option("en", "--lang", help="Language of the process texts: en or zh."),
) -> None:
    """Create a workspace: stages.yaml with the method's eight stages, and deals/.

    Refuses to overwrite an existing stages.yaml.

    Example: salesflow init my-pipeline --lang zh
    """
    from importlib import resources

    from salesflow.errors import DataError, UsageError
    from salesflow.render import output
    from salesflow.workspace import DEALS_DIR, PROCESS_FILE
    from salesflow.yamlio import write_atomic

    templates = {"en": "stages.en.yaml", "zh": "stages.zh.yaml"}
    if lang not in templates:
        raise UsageError(f"--lang {lang!r} is not available", hint="use --lang en or --lang zh")
    target = directory / PROCESS_FILE
    if target.exists():
        raise DataError(f"{target} already exists; salesflow init never overwrites it",
                        hint="edit the file, or init a new folder")
    data = resources.files("salesflow.templates").joinpath(templates[lang]).read_bytes()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / DEALS_DIR).mkdir(exist_ok=True)
    try:
        write_atomic(target, data, exclusive=True)
    except FileExistsError:
        raise DataError(f"{target} already exists; salesflow init never overwrites it") from None
    output.text(f"created {target} and {directory / DEALS_DIR}/")
    from salesflow.update import ignore_lock_file

    ignored = ignore_lock_file(directory.resolve())
    if ignored:
        output.note(ignored)
    output.note("next: salesflow new <id> --customer <name>   (then: salesflow funnel)")


@app.command()
@handle_errors
def validate(
    paths: list[Path] = typer.Argument(None, help="Deal files or folders to check "
                                       "(default: stages.yaml and every deal).",
                                       show_default=False),
    fmt: Format = typer.Option(Format.table, "--format", "-f",
                               help="table (path:line:col lines) or json."),
) -> None:
    """Check stages.yaml and every deal file; print every problem as path:line:col.

    Exit 0 when all is valid, 1 when any file has a problem.

    Example: salesflow validate deals/acme-pumps.yaml
    """
    from salesflow.errors import UsageError
    from salesflow.render import output
    from salesflow.workspace import DEAL_SUFFIXES, PROCESS_FILE, validate_files

    base = root()
    files: list[Path] | None = None
    if paths:
        files = []
        for p in paths:
            full = p if p.is_absolute() else Path.cwd() / p
            if full.is_dir():
                files.extend(sorted(q for q in full.rglob("*") if q.suffix in DEAL_SUFFIXES))
            elif full.is_file():
                if full.resolve() != (base / PROCESS_FILE).resolve():
                    files.append(full)
            else:
                raise UsageError(f"no such file or folder: {p}")
    checked, problems = validate_files(base, files)

    if fmt == Format.json:
        output.json({"valid": not problems, "checked": checked,
                     "problems": [p.as_dict() for p in problems]})
    elif fmt == Format.csv:
        output.csv(["path", "line", "column", "message", "code"],
                   ([p.path, p.line, p.col, p.message, p.code] for p in problems))
    else:
        output.problems(problems, stream="out")
    if problems:
        n_files = len({p.path for p in problems})
        output.note(f"{len(problems)} problem(s) in {n_files} file(s)")
        raise typer.Exit(1)
    output.note(f"ok: {PROCESS_FILE} and {checked} deal file(s) are valid")
