"""Commands about the workspace as a whole: init, validate."""

from __future__ import annotations

from pathlib import Path

import typer

from salesflow.cli._common import handle_errors, root
from salesflow.cli.app import app
from salesflow.model.i18n import _
from salesflow.output.render import Format


@app.command()
@handle_errors
def init(
    directory: Path = typer.Argument(Path(), help="Folder to make a workspace (created if "
                                     "missing).", show_default=False),
    lang: str = typer.Option("en", "--lang", help="Language of the process texts: en or zh."),
    pre_commit: bool = typer.Option(False, "--pre-commit", help="Also write a starter "
                                    ".pre-commit-config.yaml (at the git repository's root "
                                    "when the folder is inside one)."),
) -> None:
    """Create a workspace: stages.yaml (the method's eight stages), deals/, editor schemas.

    Writes only what is missing and never overwrites a file: run it again in an
    existing workspace with --pre-commit to add the pre-commit config.

    Example: salesflow init my-pipeline --lang zh --pre-commit
    """
    from salesflow.model.errors import DataError, ProblemsError, SalesflowError, UsageError
    from salesflow.output.render import output

    if lang not in _TEMPLATES:
        raise UsageError(_("--lang {lang!r} is not available").format(lang=lang),
                         hint=_("use --lang en or --lang zh"))
    from salesflow.cli._lang import speak_new_workspace

    speak_new_workspace(lang)
    created: list[str] = []
    try:
        _init_files(directory, lang, pre_commit, created)
    except (SalesflowError, OSError) as exc:
        if not created:
            raise
        if isinstance(exc, ProblemsError):
            output.problems(exc.problems)
        why = (exc.message if isinstance(exc, SalesflowError)
               else _("cannot write {path}: {reason}").format(
                   path=exc.filename or directory, reason=exc.strerror or exc))
        raise DataError(_("{why}; init stopped after creating {paths}").format(
            why=why, paths=", ".join(created)),
                        hint=_("fix the cause and run `salesflow init` again: it writes only "
                               "what is missing")) from None
    output.text(_("created {paths}").format(paths=", ".join(created)))
    from salesflow.files.lock import ignore_lock_file

    ignored = ignore_lock_file(directory.resolve())
    if ignored:
        output.note(ignored)
    if pre_commit:
        output.note(_("next: pre-commit install   (once per clone: then every commit is "
                      "checked)"))
    output.note(_("next: salesflow new <id> --customer <name>   (then: salesflow funnel)"))


_TEMPLATES = {"en": "stages.en.yaml", "zh": "stages.zh.yaml"}


def _init_files(directory: Path, lang: str, pre_commit: bool, created: list[str]) -> None:
    """Write what `init` creates, recording each file in `created` as soon as it exists."""
    from importlib import resources

    from salesflow.files.guard import make_folders, write_file
    from salesflow.files.load import load_process
    from salesflow.files.workspace import DEALS_DIR, PROCESS_FILE
    from salesflow.model.errors import DataError
    from salesflow.output.render import output
    from salesflow.team import gitrepo
    from salesflow.team.schema import MODELINE_PREFIX, STAGES_SCHEMA
    from salesflow.team.teamsetup import PRECOMMIT_FILE, precommit_config, write_schemas

    target = directory / PROCESS_FILE
    if not target.exists():
        template = resources.files("salesflow.templates").joinpath(_TEMPLATES[lang]).read_bytes()
        modeline = f"{MODELINE_PREFIX}{STAGES_SCHEMA}\n".encode()
        directory.mkdir(parents=True, exist_ok=True)
        try:
            write_file(target, modeline + template, within=[directory], exclusive=True)
        except FileExistsError:
            raise DataError(_("{path} already exists; salesflow init never overwrites "
                              "it").format(path=target)) from None
        created.append(str(target))
    if not (directory / DEALS_DIR).is_dir():
        make_folders(directory / DEALS_DIR, [directory])
        created.append(f"{directory / DEALS_DIR}/")
    process = load_process(directory)
    created.extend(str(directory / rel) for rel in write_schemas(directory, process,
                                                                 only_missing=True))
    if pre_commit:
        top = gitrepo.toplevel(directory.resolve())
        base = top if top is not None else directory
        prefix = directory.resolve().relative_to(top).as_posix() if top is not None else ""
        config = base / PRECOMMIT_FILE
        if config.exists():
            output.note(_("{path} already exists; left as it is. Add this hook to it:").format(
                path=config))
            output.note(precommit_config("" if prefix == "." else prefix).split("repos:\n")[1])
        else:
            write_file(config, precommit_config("" if prefix == "." else prefix).encode(),
                       within=[base], exclusive=True)
            created.append(str(config))
    if not created:
        raise DataError(_("{path} already exists; salesflow init never overwrites it").format(
            path=target),
                        hint=_("edit the file, or init a new folder; `salesflow schema --write` "
                               "refreshes the editor schemas"))


@app.command()
@handle_errors
def validate(
    paths: list[Path] = typer.Argument(None, help="Deal files or folders to check "
                                       "(default: stages.yaml and every deal).",
                                       show_default=False),
    fmt: Format = typer.Option(Format.table, "--format", "-f",
                               help="table (path:line:col lines), json or csv."),
    root_dir: str | None = typer.Option(None, "--root", metavar="DIR",
                                        help="Workspace folder, as `salesflow --root DIR` "
                                        "(handy in a pre-commit hook's args)."),
) -> None:
    """Check stages.yaml, every deal and account file; print every problem as path:line:col.

    Exit 0 when all is valid, 1 when any file has a problem. History entries
    out of order, or dated after today, are problems at their line. A deal whose
    customer is an account's name without `account:` is a warning (exit 0).

    Example: salesflow validate deals/acme-pumps.yaml
    """
    from salesflow.files.load import validate_report
    from salesflow.files.workspace import DEAL_SUFFIXES, PROCESS_FILE
    from salesflow.model.errors import UsageError
    from salesflow.output.render import output

    base = root(root_dir)
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
                raise UsageError(_("no such file or folder: {path}").format(path=p))
    from salesflow.cli import _common

    report = validate_report(base, files, today=_common.today(), progress=_common.reading)
    checked, problems = report.deals, report.problems

    if fmt == Format.json:
        output.json({"valid": not problems, "checked": checked,
                     "problems": [p.as_dict() for p in problems]})
    elif fmt == Format.csv:
        output.csv(["path", "line", "column", "message", "code"],
                   ([p.path, p.line, p.col, p.message, p.code] for p in problems))
    else:
        output.problems(problems, stream="out")
    for warning in report.warnings:
        output.note(_("warning: {warning}").format(warning=warning))
    if problems:
        n_files = len({p.path for p in problems})
        output.note(_("{n} problem(s) in {files} file(s)").format(n=len(problems),
                                                                   files=n_files))
        raise typer.Exit(1)
    accounts = (_(", {n} account file(s)").format(n=report.accounts)
                if report.accounts else "")
    output.note(_("ok: {process}{accounts} and {n} deal file(s) are valid").format(
        process=PROCESS_FILE, accounts=accounts, n=checked))
