"""`salesflow import FILE.csv --kind account`: accounts from a CRM, deals linked by name.

Every row is checked, and every deal change planned, before anything is
written; then the accounts are created (never over an existing file) and
the deals linked through `files.update.update_deal`.
"""

from __future__ import annotations

from typing import Any

from salesflow.model.i18n import _


def import_accounts(text: str, file: str, kind: str, maps: list[str], *,
                    dry_run: bool) -> None:
    """Write the accounts of a CSV file's `text` (named `file` in messages), link deals."""
    import typer

    from salesflow.cli._common import overview, root, use_cache
    from salesflow.files.accounts import account_id_of, account_paths, load_accounts
    from salesflow.files.accountwrite import create_account
    from salesflow.files.load import load_process
    from salesflow.files.update import update_deal
    from salesflow.method.account_checks import fold
    from salesflow.method.transitions import Change
    from salesflow.model.edits import Set
    from salesflow.model.errors import ProblemsError, UsageError
    from salesflow.output.render import output
    from salesflow.team.account_import import account_rows

    if kind != "account":
        raise UsageError(_("--kind {kind!r}: expected deal or account").format(kind=kind))
    pairs: dict[str, str] = {}
    for item in maps:
        field, sep, column = item.partition("=")
        if not sep or not field.strip():
            raise UsageError(_("--map {item!r} is not FIELD=COLUMN").format(
                                 item=item), hint=_("e.g. --map "
                             "name='Company name'"))
        pairs[field.strip()] = column.strip()
    base = root()
    process = load_process(base)
    rows, problems = account_rows(text, file, pairs, process)
    if problems:
        raise ProblemsError(problems, hint=_("nothing was written; fix these rows (or the "
                            "--map) and run the import again"))
    existing = {account_id_of(p) for p in account_paths(base)}
    by_name = {fold(a.name): i for i, a in load_accounts(base, process).accounts().items()}
    new = [r for r in rows if r.id not in existing and fold(r.name) not in by_name]
    for r in rows:
        if r not in new:
            output.note(_("{file}:{line}: account {id!r} ({name}) is already there: left "
                          "as it is").format(file=file, line=r.line, id=r.id, name=r.name))
    target = {fold(r.name): r.id for r in new} | by_name
    links = [(d.path, target[fold(d.deal.customer)]) for d in overview().deals
             if d.deal.account is None and fold(d.deal.customer) in target]

    def link(account_id: str) -> Any:
        return lambda deal, data, p: Change((Set(("account",), account_id),),
                                            _("linked to {account_id}").format(
                                                account_id=account_id))

    for rel, account_id in links:  # every deal change checked before anything is written
        update_deal(base, rel, link(account_id), dry_run=True, cache=use_cache())
    if dry_run:
        for r in new:
            output.text(_("would create accounts/{id}.yaml ({name})").format(id=r.id, name=r.name))
        for rel, account_id in links:
            output.text(_("would link {rel} to {account_id}").format(
                            rel=rel, account_id=account_id))
        output.note(_("dry run: {n} account(s), {n2} deal link(s); nothing was "
                      "written").format(n=len(new), n2=len(links)))
        raise typer.Exit(0)
    for r in new:
        output.text(_("created {value} ({name})").format(
                        value=create_account(base, r.id, r.text, process), name=r.name))
    for rel, account_id in links:
        update_deal(base, rel, link(account_id), cache=use_cache())
        output.text(_("linked {rel} to {account_id}").format(rel=rel, account_id=account_id))
