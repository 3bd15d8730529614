"""Commands for a team sharing a workspace over git: schema, log, git-setup, merge-driver."""

from __future__ import annotations

import enum

import typer

from salesflow.cli import app
from salesflow.cli._common import handle_errors, root
from salesflow.render import Format


class SchemaKind(enum.StrEnum):
    """The two file kinds."""

    deal = "deal"
    stages = "stages"


@app.command()
@handle_errors
def schema(
    kind: SchemaKind | None = typer.Argument(None, metavar="[deal|stages]",
                                             help="Which file kind's schema to print."),
    write: bool = typer.Option(False, "--write", help="Write both schemas to "
                               ".salesflow/schema/ (after editing stages.yaml)."),
) -> None:
    """Print the JSON Schema of deal files or stages.yaml, for editors that check YAML.

    The deal schema lists this workspace's stage codes, milestone ids,
    procurement steps and lost reasons. `salesflow init` writes both schemas;
    --write refreshes them after stages.yaml changes.

    Example: salesflow schema deal > deal.schema.json
    """
    from salesflow.errors import UsageError, WorkspaceNotFound
    from salesflow.render import output
    from salesflow.schema import deal_schema, stages_schema
    from salesflow.workspace import load_process

    if write:
        from salesflow.teamsetup import write_schemas

        base = root()
        written = write_schemas(base, load_process(base), only_missing=False)
        for rel in written:
            output.text(f"wrote {rel}")
        if not written:
            output.note("the schemas in .salesflow/schema/ are up to date")
        return
    if kind is None:
        raise UsageError("say which schema: `salesflow schema deal` or `salesflow schema "
                         "stages` (or --write)")
    if kind == SchemaKind.stages:
        output.json(stages_schema())
        return
    try:
        base = root()
    except WorkspaceNotFound:
        output.note("note: not inside a workspace, so stage codes and milestone ids are not "
                    "listed; run it in a workspace (or pass --root DIR) for the full schema")
        output.json(deal_schema(None))
        return
    output.json(deal_schema(load_process(base)))



@app.command()
@handle_errors
def log(
    deal: str = typer.Argument(..., metavar="DEAL", help="Deal id or path."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Who did what: the deal's history entries and the git commits that touched its file.

    Newest first; commits follow the file through renames. Outside a git
    repository only the history entries are shown.

    Example: salesflow log acme-pumps
    """
    from rich.markup import escape

    from salesflow import gitrepo
    from salesflow.cli.deals import load_one
    from salesflow.render import output
    from salesflow.timeline import timeline

    base = root()
    _, item = load_one(deal)
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
        output.note("not in a git repository: showing the deal's history entries only")
