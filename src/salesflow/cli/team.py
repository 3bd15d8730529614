"""Commands for a team sharing a workspace over git: schema, log, git-setup, merge-driver."""

from __future__ import annotations

import enum

import typer

from salesflow.cli import app
from salesflow.cli._common import handle_errors, root


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

