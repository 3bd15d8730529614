"""Commands for a team sharing a workspace over git: schema, log, git-setup, merge-driver."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import typer

from salesflow.cli._common import handle_errors, root
from salesflow.cli.app import app
from salesflow.cli.complete import deal_ids
from salesflow.model.i18n import _
from salesflow.output.render import Format


class SchemaKind(enum.StrEnum):
    """The file kinds."""

    deal = "deal"
    stages = "stages"
    account = "account"


@app.command()
@handle_errors
def schema(
    kind: SchemaKind | None = typer.Argument(None, metavar="[deal|stages|account]",
                                             help="Which file kind's schema to print."),
    write: bool = typer.Option(False, "--write", help="Write the schemas to "
                               ".salesflow/schema/ (after editing stages.yaml)."),
) -> None:
    """Print the JSON Schema of deal files, account files or stages.yaml, for editors.

    The deal schema lists this workspace's stage codes, milestone ids,
    procurement steps and lost reasons. `salesflow init` writes both schemas;
    --write refreshes them after stages.yaml changes.

    Example: salesflow schema deal > deal.schema.json
    """
    from salesflow.files.load import load_process
    from salesflow.model.errors import UsageError, WorkspaceNotFound
    from salesflow.output.render import output
    from salesflow.team.schema import deal_schema, stages_schema

    if write:
        from salesflow.team.teamsetup import write_schemas

        base = root()
        written = write_schemas(base, load_process(base), only_missing=False)
        for rel in written:
            output.text(_("wrote {rel}").format(rel=rel))
        if not written:
            output.note(_("the schemas in .salesflow/schema/ are up to date"))
        return
    if kind is None:
        raise UsageError(_("say which schema: `salesflow schema deal` or `salesflow schema "
                         "stages` (or --write)"))
    if kind == SchemaKind.stages:
        output.json(stages_schema())
        return
    if kind == SchemaKind.account:
        from salesflow.team.schema import account_schema

        output.json(account_schema())
        return
    try:
        base = root()
    except WorkspaceNotFound:
        output.note(_("note: not inside a workspace, so stage codes and milestone ids are not "
                      "listed; run it in a workspace (or pass --root DIR) for the full schema"))
        output.json(deal_schema(None))
        return
    output.json(deal_schema(load_process(base)))



@app.command()
@handle_errors
def log(
    deal: str = typer.Argument(..., metavar="DEAL", help="Deal id or path.",
                                autocompletion=deal_ids),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Who did what: the deal's history entries and the git commits that touched its file.

    Newest first; commits follow the file through renames. Outside a git
    repository only the history entries are shown.

    Example: salesflow log acme-pumps
    """
    from rich.markup import escape

    from salesflow.cli._common import load_one
    from salesflow.method.timeline import timeline
    from salesflow.output.render import output
    from salesflow.team import gitrepo

    base = root()
    _process, item = load_one(deal)
    path = base / item.path
    in_git = gitrepo.toplevel(path) is not None
    events = timeline(item.deal, gitrepo.file_log(path) if in_git else [])
    if fmt == Format.json:
        output.json([e.data for e in events])
    elif fmt == Format.csv:
        output.csv(["kind", "date", "time", "by", "change", "detail"],
                   ([e.kind, e.date, e.time, e.by, e.change, e.detail] for e in events))
    else:
        table = output.table("Date", "Change", "By", "Note / commit", title=f"{item.id}")
        for e in events:
            change = output.style(e.change, "dim") if e.kind == "commit" else escape(e.change)
            table.add_row(e.date.isoformat(), change, escape(e.by or ""), escape(e.detail or ""))
        output.print(table)
    if not in_git:
        output.note(_("not in a git repository: showing the deal's history entries only"))


@app.command("git-setup")
@handle_errors
def git_setup() -> None:
    """Let git merge deal files with salesflow's merge driver (run once per clone).

    Registers `merge.salesflow.driver` in the repository's git config (which
    git does not share: each clone runs this once), naming the Python that
    runs this command, and adds `deals/**/*.yaml merge=salesflow` to
    .gitattributes (commit that file). Running it again changes nothing; run
    it again after moving or reinstalling salesflow.

    Example: salesflow git-setup && git add .gitattributes && git commit -m "merge deals"
    """
    import shlex
    import sys

    from salesflow.files.guard import read_inside, write_file
    from salesflow.files.lock import git_dir
    from salesflow.files.workspace import relative
    from salesflow.model.errors import DataError, UsageError, WriteError
    from salesflow.output.render import output
    from salesflow.team import gitrepo
    from salesflow.team.teamsetup import (
        ATTRIBUTE_LINES,
        DRIVER,
        DRIVER_NAME,
        GITATTRIBUTES,
        driver_command,
        gitattributes_text,
    )

    base = root()
    top = gitrepo.toplevel(base)
    if top is None:
        raise UsageError(_("{base} is not in a git repository").format(base=base),
                         hint=_("run `git init` (or clone the team's repository) first"))
    # this very Python, by its full path: git also runs drivers from GUIs and from shells
    # where the virtualenv is not active, and the setting is per clone anyway
    executable = f"{shlex.quote(sys.executable)} -m salesflow"
    wanted = {f"merge.{DRIVER}.name": DRIVER_NAME,
              f"merge.{DRIVER}.driver": driver_command(executable)}
    if git_dir(base) is None:  # a `.git` file whose gitdir: points elsewhere
        raise WriteError(_("{base}'s git folder is not the repository's own (a .git file "
                           "or symlink leading outside); salesflow does not change its "
                           "config").format(base=base),
                         hint=_("set it by hand: ")
                         + "; ".join(f"git config {k} {shlex.quote(v)}" for k, v in wanted.items()))
    changed = False
    for key, value in wanted.items():
        current = gitrepo.config_get(top, key)
        if current == value:
            continue
        if not gitrepo.config_set(top, key, value):
            raise DataError(_("could not set {key} in the repository's git config").format(
                                key=key),
                            hint=_("set it by hand: git config {key} {value}").format(
                                     key=key, value=shlex.quote(value)))
        output.text(_("git config {key} = {value}").format(key=key, value=value)
                    + (_(" (was: {current})").format(
                           current=current) if current is not None else ""))
        changed = True
    attributes = base / GITATTRIBUTES
    raw = read_inside(attributes, [base], 1 << 20, GITATTRIBUTES)  # a symlink out: refused
    try:
        existing = raw.decode("utf-8") if raw is not None else ""
    except UnicodeDecodeError:
        raise DataError(_("{gitattributes} is not UTF-8 text; salesflow leaves it alone").format(
                            gitattributes=GITATTRIBUTES),
                        hint=_("add the lines by hand: {attribute_lines}").format(
                                 attribute_lines='; '.join(ATTRIBUTE_LINES))) from None
    new = gitattributes_text(existing)
    if new is not None:
        write_file(attributes, new.encode(), within=[base], shown=GITATTRIBUTES)
        done = (_("updated {path}: deal files merge with salesflow") if existing
                else _("created {path}: deal files merge with salesflow"))
        output.text(done.format(path=relative(top, attributes)))
        output.note(_("next: git add {attributes} && git commit (so the team shares "
                      "it); every clone runs `salesflow git-setup` once").format(
                        attributes=relative(top, attributes)))
        changed = True
    if not changed:
        output.note(_("already set up: git merges deal files with `salesflow merge-driver`"))


@app.command("merge-driver")
@handle_errors
def merge_driver(
    base: Path = typer.Argument(..., metavar="%O", help="The common ancestor's version."),
    ours: Path = typer.Argument(..., metavar="%A", help="Our version; the result is "
                                "written here."),
    theirs: Path = typer.Argument(..., metavar="%B", help="Their version."),
    pathname: str = typer.Argument("", metavar="%P", help="The file's path in the repository "
                                   "(for messages and to find stages.yaml)."),
) -> None:
    """Merge a deal file three-way by its data; git runs this (see `salesflow git-setup`).

    History entries and milestone records from both sides are kept (in date
    order, each once), a field changed on one side takes that side, the stage
    follows the merged history, and our formatting and comments stay. When
    both sides changed the same field differently, conflict markers are left
    around it and the exit code is 1, so git reports a conflict.

    Example: salesflow merge-driver base.yaml ours.yaml theirs.yaml deals/acme.yaml
    """
    from salesflow.files.yamlio import write_atomic
    from salesflow.model.errors import UsageError
    from salesflow.output.render import output
    from salesflow.team import gitrepo
    from salesflow.team.mergefile import NotMergeable, merge_files

    name = pathname or str(ours)
    raw: list[bytes] = []
    for label, file in (("%O", base), ("%A", ours), ("%B", theirs)):
        try:
            raw.append(file.read_bytes())
        except OSError as exc:
            raise UsageError(_("{label}: cannot read {file}: {strerror}").format(
                                 label=label, file=file, strerror=exc.strerror or exc)) from None
    process = _process_for(Path(pathname).parent if pathname else Path.cwd())
    try:
        result = merge_files(raw[0], raw[1], raw[2], name, process)
    except NotMergeable as exc:
        output.note(_("salesflow merge-driver: {name}: cannot merge as data ({exc}); "
                      "merging lines instead").format(name=name, exc=exc))
        merged = gitrepo.merge_file(ours, base, theirs)
        if merged is None:
            output.note(_("salesflow merge-driver: {name}: git merge-file failed; our "
                          "version is left in place").format(name=name))
            raise typer.Exit(1) from None
        data, conflicts = merged
        write_atomic(ours, data)
        raise typer.Exit(1 if conflicts else 0) from None
    write_atomic(ours, result.text.encode())
    for c in result.conflicts:
        where = ".".join(str(p) for p in c.path)
        output.note(_("salesflow merge-driver: {name}: both sides changed {where} "
                      "(ours: {value}, theirs: {value2}); conflict markers left "
                      "around it").format(
                        name=name, where=where, value=_shown(c.ours), value2=_shown(c.theirs)))
    for problem in result.problems:
        output.note(_("salesflow merge-driver: {problem}").format(problem=problem))
    if result.problems:
        output.note(_("salesflow merge-driver: {name}: each side was valid, the "
                      "merge is not; conflict markers left around what both sides "
                      "changed").format(name=name))
    if not result.clean:
        raise typer.Exit(1)


def _process_for(folder: Path) -> Any:
    """The process of the workspace holding `folder`, or None when there is none usable."""
    from salesflow.files.load import load_process
    from salesflow.files.workspace import find_root
    from salesflow.model.errors import SalesflowError

    try:
        return load_process(find_root(start=folder, override=None))
    except (SalesflowError, OSError):
        return None


def _shown(value: Any) -> str:
    from salesflow.team.merge import MISSING

    if value is MISSING:
        return "removed"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
