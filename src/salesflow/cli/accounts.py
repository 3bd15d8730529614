"""`salesflow account ...` and `salesflow accounts migrate`: the customer as a file of its own.

Reading: `account list`, `account show` (the relationship stage with its
meaning, the share of wallet with its figure, every deal with the account,
the org chart with each person's roles across deals, the development plan
with overdue moves) and `account map`. Writing: `account new`, `account set`,
`account person add|set` and `account plan`, each through
`salesflow.files.accountwrite` (locked, re-read, validated, surgical, atomic);
`--dry-run` prints the diff and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._common import handle_errors, root
from salesflow.cli._lang import Group
from salesflow.cli.app import app
from salesflow.model.i18n import _, ngettext
from salesflow.output.render import Format, ShowFormat

if TYPE_CHECKING:
    from salesflow.files.accountwrite import AccountCompute, AccountOutcome

account_app = typer.Typer(
    name="account", cls=Group, no_args_is_help=True,
    help="The customer as a file of its own: accounts/<id>.yaml, its people, the "
    "relationship, share of wallet and every deal with it.\n\n"
    "Example: salesflow account show huadong-water",
)
person_app = typer.Typer(
    name="person", cls=Group, no_args_is_help=True,
    help="Add or change a person of an account (the customer's org chart).\n\n"
    "Example: salesflow account person set huadong-water 刘建华 attitude=supporter",
)
accounts_app = typer.Typer(
    name="accounts", cls=Group, no_args_is_help=True,
    help="Work on every account at once: `accounts migrate` creates them from the deals.\n\n"
    "Example: salesflow accounts migrate",
)
account_app.add_typer(person_app)
app.add_typer(account_app)
app.add_typer(accounts_app)

AccountArg = typer.Argument(..., metavar="ID", help="Account id (the file name under "
                            "accounts/).")
DryRunOpt = typer.Option(False, "--dry-run", "-n",
                         help="Print the diff this would make to the file; write nothing.")


# ------------------------------------------------------------------ writing


@account_app.command("new")
@handle_errors
def new(
    account_id: str = AccountArg,
    name: str = typer.Option(..., "--name", help="The customer's name (as deals write "
                             "`customer:`)."),
    tier: str | None = typer.Option(None, "--tier", help="A, B or C."),
    relationship: str | None = typer.Option(None, "--relationship",
                                            help="gestation, initial, middle, high, "
                                            "strategic or interrupted."),
    segment: str | None = typer.Option(None, "--segment", help="Market segment."),
    owner: str | None = typer.Option(None, "--owner", help="Who owns the account."),
) -> None:
    """Create accounts/ID.yaml for a customer.

    Link deals to it with `account: ID` (`salesflow accounts migrate` does it
    for every deal whose customer has this name).

    Example: salesflow account new huadong-water --name 华东水务集团 --tier A
    """
    from salesflow.files.accountwrite import account_text, create_account
    from salesflow.files.load import load_process
    from salesflow.method.account_edits import choice
    from salesflow.model.errors import UsageError
    from salesflow.output.render import output

    if not name.strip():
        raise UsageError(_("--name must not be empty"))
    base = root()
    process = load_process(base)
    fields = {"name": name, "segment": segment,
              "tier": choice("tier", tier.upper()) if tier else None,
              "owner": owner,
              "relationship": choice("relationship", relationship) if relationship else None}
    rel = create_account(base, account_id, account_text(fields), process)
    output.text(_("created {path}").format(path=rel))
    output.note(_("next: salesflow account person add {id} NAME --title ...   (and `account: "
                  "{id}` on its deals)").format(id=account_id))


@account_app.command("set")
@handle_errors
def set_(
    account_id: str = AccountArg,
    assignments: list[str] = typer.Argument(..., metavar="FIELD=VALUE...",
                                            help="name, segment, tier, owner, relationship, "
                                            "currency, notes, x-... keys; spend.YEAR, "
                                            "ours.YEAR, share.YEAR for the wallet. An empty "
                                            "VALUE removes the field."),
    dry_run: bool = DryRunOpt,
) -> None:
    """Change an account's own fields or its wallet, checked as the file would check them.

    Example: salesflow account set huadong-water relationship=high share.2026=35%
    """
    from salesflow.method.account_edits import parse_assignment, set_fields

    pairs = [parse_assignment(a) for a in assignments]
    _write(account_id, lambda a, data, process: set_fields(a, data, account_id, pairs),
           dry_run)


@person_app.command("add")
@handle_errors
def person_add(
    account_id: str = AccountArg,
    name: str = typer.Argument(..., metavar="NAME", help="The person's name."),
    title: str | None = typer.Option(None, "--title", help="Job title."),
    department: str | None = typer.Option(None, "--department", help="Department."),
    level: str | None = typer.Option(None, "--level", help="decision, management or "
                                     "operations."),
    roles: str | None = typer.Option(None, "--roles", help="Buyer roles, comma-separated: "
                                     "decision, financial, technical, user, evaluator, "
                                     "coach, influencer."),
    attitude: str | None = typer.Option(None, "--attitude", help="supporter, neutral, "
                                        "opponent or unknown."),
    influence: str | None = typer.Option(None, "--influence", help="high, medium or low."),
    reports_to: str | None = typer.Option(None, "--reports-to", help="Their boss (a person "
                                          "of the account)."),
    dry_run: bool = DryRunOpt,
) -> None:
    """Add a person to an account's org chart (`people:`).

    Every deal linked to the account sees them; a deal adds its own roles and
    attitude by naming them under `stakeholders:`.

    Example: salesflow account person add huadong-water 何静 --title 财务部副经理 --level management
    """
    from salesflow.method.account_edits import person_add as build

    fields = {"title": title, "department": department, "level": level, "roles": roles,
              "attitude": attitude, "influence": influence, "reports_to": reports_to}
    given = {k: v for k, v in fields.items() if v is not None}
    _write(account_id, lambda a, data, process: build(a, data, account_id, name, given),
           dry_run)


@person_app.command("set")
@handle_errors
def person_set(
    account_id: str = AccountArg,
    name: str = typer.Argument(..., metavar="NAME", help="The person's name."),
    assignments: list[str] = typer.Argument(..., metavar="FIELD=VALUE...",
                                            help="title, department, level, roles (comma-"
                                            "separated), attitude, relationship, influence, "
                                            "reports_to, notes or x-... keys. An empty VALUE "
                                            "removes the field."),
    dry_run: bool = DryRunOpt,
) -> None:
    """Change a person of an account; every linked deal sees the change.

    An attitude set here shows in every deal of the customer that does not
    set its own, and the milestone rules waiting on it are checked again.

    Example: salesflow account person set huadong-water 刘建华 attitude=supporter
    """
    from salesflow.method.account_edits import parse_assignment
    from salesflow.method.account_edits import person_set as build

    pairs = [parse_assignment(a) for a in assignments]
    outcome = _write(account_id, lambda a, data, process: build(a, data, account_id, name,
                                                                pairs), dry_run)
    if outcome.written and any(f == "attitude" for f, _ in pairs):
        _gates_after(account_id, outcome)


@account_app.command("plan")
@handle_errors
def plan(
    account_id: str = AccountArg,
    person: str = typer.Argument(..., metavar="PERSON", help="A person of the account."),
    move: str = typer.Option(..., "--next", help="The next move with this person."),
    due: str = typer.Option(..., "--due", metavar="DATE", help="When it is due "
                            "(YYYY-MM-DD)."),
    goal: str | None = typer.Option(None, "--goal", help="The relationship stage to reach "
                                    "with them."),
    dry_run: bool = DryRunOpt,
) -> None:
    """Add a line to the account's relationship development plan.

    Example: salesflow account plan huadong-water 刘建华 --next "参观泵站" --due 2026-12-10
    """
    from salesflow.cli._common import parse_date
    from salesflow.method.account_edits import plan_add

    when = parse_date(due, "--due")
    _write(account_id, lambda a, data, process: plan_add(a, data, account_id, person, move,
                                                          when, goal), dry_run)


def _write(account_id: str, compute: AccountCompute, dry_run: bool) -> AccountOutcome:
    from salesflow.cli.gates import print_diff
    from salesflow.files.accountwrite import update_account
    from salesflow.output.render import output

    outcome = update_account(root(), account_id, compute, dry_run=dry_run)
    change = outcome.change
    if dry_run and not change.empty:
        print_diff(outcome.diff())
        output.note(_("dry run: {summary}; nothing was written").format(summary=change.summary))
    else:
        output.text(change.summary)
    return outcome


def _gates_after(account_id: str, outcome: AccountOutcome) -> None:
    """After an attitude change: where each linked open deal's stage now stands."""
    from salesflow.cli._common import overview
    from salesflow.files.accounts import linked_deals
    from salesflow.files.load import load_process
    from salesflow.method.accounts import effective_deal
    from salesflow.method.gates import stage_gate
    from salesflow.output.render import output

    base = root()
    process = load_process(base)
    rels = [d.path for d in overview().deals
            if d.deal.account == account_id and d.deal.status == "open"]
    for rel, deal in linked_deals(base, rels, process):
        seen = effective_deal(deal, outcome.account)
        statuses = stage_gate(seen, process.stage(seen.stage), process)
        unmet = [s.milestone.id for s in statuses if not s.met]
        deal_id = Path(rel).stem
        text = f"{deal_id}: " + _(
            "stage {code}: {met} of {total} exit milestone(s) met").format(
            code=seen.stage, met=len(statuses) - len(unmet), total=len(statuses))
        text += (_("; still open: {ids}").format(ids=", ".join(unmet)) if unmet
                 else _("; ready: salesflow advance {deal}").format(deal=deal_id))
        output.note(text)


# ------------------------------------------------------------------ reading


@account_app.command("list")
@handle_errors
def list_(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Every account: tier, relationship, open deals, weighted pipeline, share of wallet.

    Example: salesflow account list --format csv
    """
    from salesflow.cli._common import overview
    from salesflow.cli.account_views import dec, money_json
    from salesflow.files.accounts import load_accounts
    from salesflow.files.load import load_process
    from salesflow.output.render import money, output
    from salesflow.reports.accounts import account_deals

    base = root()
    process = load_process(base)
    loaded = load_accounts(base, process)
    ws = overview()
    rows: list[dict[str, Any]] = []
    for account_id, item in sorted(loaded.by_id.items()):
        a = item.account
        deals = account_deals(account_id, ws.deals, ws.process)
        latest = a.latest_wallet()
        share = latest.share_percent() if latest else None
        rows.append({"id": account_id, "name": a.name, "tier": a.tier,
                     "relationship": a.relationship, "segment": a.segment, "owner": a.owner,
                     "open": deals.count("open"), "won": deals.count("won"),
                     "lost": deals.count("lost"),
                     "weighted": money_json(deals.weighted),
                     "share": None if share is None else str(share),
                     "share_year": latest.year if latest else None, "path": item.path})
    if loaded.problems:
        output.problems(loaded.problems)
    if fmt == Format.json:
        output.json({"currency": process.currency, "accounts": rows})
    elif fmt == Format.csv:
        keys = list(rows[0]) if rows else ["id", "name", "tier", "relationship", "segment",
                                            "owner", "open", "won", "lost", "weighted",
                                            "share", "share_year", "path"]
        output.csv(keys, ([r[k] for k in keys] for r in rows))
    else:
        from salesflow.model.words import relationship_name

        table = output.table("Account", "Tier", "Relationship", "Open", "Weighted", "Share",
                             right=("Open", "Weighted", "Share"))
        for r in rows:
            table.add_row(f"{r['id']}\n{r['name']}", r["tier"] or "—",
                          relationship_name(r["relationship"]) if r["relationship"] else "—",
                          str(r["open"]),
                          money(dec(r["weighted"])),
                          f"{r['share']}% ({r['share_year']})" if r["share"] else "—")
        output.print(table)
        if not rows:
            output.note(_("no accounts yet: `salesflow account new ID --name NAME`, or "
                          "`salesflow accounts migrate` to create them from the deals"))
    raise typer.Exit(1 if loaded.problems else 0)


@account_app.command("show")
@handle_errors
def show(
    account_id: str = AccountArg,
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Everything about one customer: relationship, share of wallet, deals, people, plan.

    The relationship stage with its meaning and the share of wallet it stands
    for; our share of the customer's spend, year by year; every deal with the
    account (open, won, lost, weighted); the org chart with each person's
    roles across the deals; the development plan, overdue moves marked.

    Example: salesflow account show huadong-water
    """
    from salesflow.cli import _common
    from salesflow.cli.account_views import account_json, print_account
    from salesflow.files.accounts import linked_deals, load_account
    from salesflow.files.load import load_process
    from salesflow.output.render import output
    from salesflow.reports.accounts import account_deals

    base = root()
    process = load_process(base)
    item = load_account(base, account_id, process)
    ws = _common.overview()
    deals = account_deals(account_id, ws.deals, ws.process)
    rels = [d.path for d in ws.deals if d.deal.account == account_id]
    full = [(Path(rel).stem, deal) for rel, deal in linked_deals(base, rels, process)]
    data = account_json(item, deals, full, process, _common.today())
    if fmt == ShowFormat.json:
        output.json(data)
    else:
        print_account(data)


@account_app.command("map")
@handle_errors
def map_(
    account_id: str = AccountArg,
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """The customer's org chart and buyer roles across every deal with the account.

    Each person holds the roles the account gives them and those any linked
    deal gives them; attitudes are the account's.

    Example: salesflow account map huadong-water
    """
    from salesflow.cli import _common
    from salesflow.cli.people import map_json, print_map
    from salesflow.files.accounts import linked_deals, load_account
    from salesflow.files.load import load_process
    from salesflow.method.buying_centre import buying_centre
    from salesflow.model.deal import Deal, DealFile
    from salesflow.output.render import output

    base = root()
    process = load_process(base)
    item = load_account(base, account_id, process)
    rels = [d.path for d in _common.overview().deals if d.deal.account == account_id]
    full = [deal for _, deal in linked_deals(base, rels, process)]
    people = []
    for person in item.account.people:
        roles = list(person.roles)
        for deal in full:
            entry = deal.stakeholder(person.name)
            roles.extend(r for r in (entry.roles if entry else []) if r not in roles)
        people.append(person.model_copy(update={"roles": roles}))
    whole = Deal.model_validate({"customer": item.account.name, "stage": process.first.code})
    whole = whole.model_copy(update={"stakeholders": people})
    pseudo = DealFile(account_id, item.path, whole)
    centre = buying_centre(whole)
    if fmt == ShowFormat.json:
        output.json(map_json(pseudo, centre))
    else:
        print_map(pseudo, centre)


# ------------------------------------------------------------------ migrate


@accounts_app.command("migrate")
@handle_errors
def migrate(
    write: bool = typer.Option(False, "--write", help="Write the accounts and link the "
                               "deals (default: only say what would be done)."),
) -> None:
    """Create accounts from the deals' customers and link every deal to its account.

    Deals with the same customer name share one account; their stakeholders
    are merged by name into its `people:` (title, level, influence,
    reports_to and the person's relationship move there; each deal keeps its
    roles). Conflicting attitudes are reported; the account takes the first
    deal's and each deal that differs keeps its own. A customer that already
    has an account (same name) is linked to it. A dry run first: --write
    does it.

    Example: salesflow accounts migrate --write
    """
    from salesflow.cli._common import use_cache
    from salesflow.files.accounts import load_accounts
    from salesflow.files.accountwrite import account_text, create_account, update_account
    from salesflow.files.load import load_workspace
    from salesflow.files.update import update_deal
    from salesflow.method.migrate import plan_migration
    from salesflow.method.transitions import Change
    from salesflow.model.edits import Append
    from salesflow.model.errors import ProblemsError
    from salesflow.output.render import output

    base = root()
    ws = load_workspace(base, cache=use_cache())
    loaded = load_accounts(base, ws.process)
    if ws.problems or loaded.problems:
        raise ProblemsError(ws.problems + loaded.problems, hint=_("salesflow migrates only a "
                            "valid workspace: fix these first (`salesflow validate`)"))
    from salesflow.files import yamlio

    rows = []
    for item in ws.deals:
        data = yamlio.parse((base / item.path).read_bytes(), item.path).data
        rows.append((item.id, item.deal, data))
    plan = plan_migration(rows, loaded.accounts())
    paths = {item.id: item.path for item in ws.deals}
    if not plan.accounts:
        output.text(_("nothing to migrate: every deal links to an account"))
        return
    for acc in plan.accounts:
        people = len(acc.people)
        template = (ngettext("link to account {id} ({name}): {deals} deal(s), {n} new person",
                             "link to account {id} ({name}): {deals} deal(s), {n} new people",
                             people) if acc.existing else
                    ngettext("new account {id} ({name}): {deals} deal(s), {n} person",
                             "new account {id} ({name}): {deals} deal(s), {n} people", people))
        output.text(template.format(id=acc.id, name=acc.name, deals=len(acc.deals), n=people))
        for deal_id in acc.deals:
            output.text(f"  {paths[deal_id]}")
        for conflict in acc.conflicts:
            output.text("  " + _("conflict: {what}").format(what=conflict))

    def compute(deal_id: str) -> Any:
        account_id, ops = plan.deal_ops[deal_id]
        summary = _("{deal}: linked to {account}").format(deal=deal_id, account=account_id)
        return lambda d, data, process: Change(ops, summary)

    # every deal's change is checked before anything is written
    for deal_id in plan.deal_ops:
        update_deal(base, paths[deal_id], compute(deal_id), dry_run=True, cache=use_cache())
    if not write:
        output.note(_("dry run: {accounts} account(s), {deals} deal(s); nothing was written. "
                      "Run `salesflow accounts migrate --write` to do it").format(
                          accounts=len(plan.accounts), deals=len(plan.deal_ops)))
        return
    for acc in plan.accounts:
        if acc.existing:
            people_ops = tuple(Append(("people",), p) for p in acc.people)
            summary = _("{id}: added {n} people").format(id=acc.id, n=len(people_ops))
            update_account(base, acc.id, _fixed(Change(people_ops, summary)))
            output.text(_("updated {path}").format(path=f"accounts/{acc.id}.yaml"))
        else:
            fields = {"name": acc.name, **acc.fields}
            rel = create_account(base, acc.id, account_text(fields, acc.people), ws.process)
            output.text(_("created {path}").format(path=rel))
    for deal_id in plan.deal_ops:
        outcome = update_deal(base, paths[deal_id], compute(deal_id), cache=use_cache())
        output.text(_("linked {path} to {id}").format(path=outcome.path,
                                                    id=plan.deal_ops[deal_id][0]))
    output.note(_("next: salesflow validate && git add accounts deals && git commit"))


def _fixed(change: Any) -> AccountCompute:
    """A compute that always makes the same, precomputed change."""
    return lambda account, data, process: change
