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

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._common import handle_errors, root
from salesflow.cli._lang import Group
from salesflow.cli.app import app
from salesflow.output.render import Format, ShowFormat

if TYPE_CHECKING:
    from salesflow.files.accountwrite import AccountCompute, AccountOutcome
    from salesflow.model.account import Account, AccountFile
    from salesflow.model.deal import Deal
    from salesflow.model.process import Process
    from salesflow.reports.accounts import AccountDeals

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
        raise UsageError("--name must not be empty")
    base = root()
    process = load_process(base)
    fields = {"name": name, "segment": segment,
              "tier": choice("tier", tier.upper()) if tier else None,
              "owner": owner,
              "relationship": choice("relationship", relationship) if relationship else None}
    rel = create_account(base, account_id, account_text(fields), process)
    output.text(f"created {rel}")
    output.note(f"next: salesflow account person add {account_id} NAME --title ...   "
                f"(and `account: {account_id}` on its deals)")


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
        output.note(f"dry run: {change.summary}; nothing was written")
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
        text = f"{deal_id}: stage {seen.stage}: {len(statuses) - len(unmet)} of " \
               f"{len(statuses)} exit milestone(s) met"
        text += (f"; still open: {', '.join(unmet)}" if unmet
                 else f"; ready: salesflow advance {deal_id}")
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
                     "weighted": _money_json(deals.weighted),
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
        table = output.table("Account", "Tier", "Relationship", "Open", "Weighted", "Share",
                             right=("Open", "Weighted", "Share"))
        for r in rows:
            table.add_row(f"{r['id']}\n{r['name']}", r["tier"] or "—",
                          r["relationship"] or "—", str(r["open"]),
                          money(_dec(r["weighted"])),
                          f"{r['share']}% ({r['share_year']})" if r["share"] else "—")
        output.print(table)
        if not rows:
            output.note("no accounts yet: `salesflow account new ID --name NAME`, or "
                        "`salesflow accounts migrate` to create them from the deals")
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


# ------------------------------------------------------------------ shapes


def _money_json(value: Any) -> str | None:
    from salesflow.model.money import money_json

    return money_json(value)


def _dec(value: str | None) -> Any:
    from decimal import Decimal

    return None if value is None else Decimal(value)


def share_trend(account: Account) -> str | None:
    """rising, falling or steady: our share in the last two wallet years (None: unknown)."""
    years = sorted((w for w in account.wallet if w.share_percent() is not None),
                   key=lambda w: w.year)
    if len(years) < 2:
        return None
    before, now = years[-2].share_percent(), years[-1].share_percent()
    assert before is not None and now is not None
    return "rising" if now > before else "falling" if now < before else "steady"


def account_json(item: AccountFile, deals: AccountDeals, full: list[tuple[str, Deal]],
                 process: Process, today: dt.date) -> dict[str, Any]:
    """The `account show --format json` shape."""
    from salesflow.model.words import RELATIONSHIP_STAGES

    a = item.account
    data: dict[str, Any] = {"id": item.id, "path": item.path, "name": a.name,
                            "segment": a.segment, "tier": a.tier, "owner": a.owner}
    stage = RELATIONSHIP_STAGES.get(a.relationship or "")
    data["relationship"] = None if stage is None else {
        "stage": stage.code, "meaning": stage.meaning, "share_of_wallet": stage.share_of_wallet}
    data["wallet_currency"] = a.currency or process.currency
    data["wallet"] = []
    for w in sorted(a.wallet, key=lambda w: w.year):
        share = w.share_percent()
        ours = w.ours if w.ours is not None else (
            None if share is None else (w.spend * share / 100))
        data["wallet"].append({"year": w.year, "spend": _money_json(w.spend),
                               "ours": _money_json(ours),
                               "share": None if share is None else str(share)})
    data["share_trend"] = share_trend(a)
    data["report_currency"] = process.currency
    data["deals"] = {
        status: {"count": deals.count(status), "amount": _money_json(deals.amount(status))}
        for status in ("open", "won", "lost", "hold")}
    data["deals"]["weighted"] = _money_json(deals.weighted)
    data["deals"]["without_amount"] = list(deals.without_amount)
    data["deals"]["list"] = [
        {"id": d.id, "name": d.name, "stage": d.stage, "status": d.status,
         "probability": d.probability, "amount": _money_json(d.amount),
         "weighted": _money_json(d.weighted)} for d in deals.deals]
    people = []
    for p in a.people:
        across = []
        for deal_id, deal in full:
            entry = deal.stakeholder(p.name)
            if entry is not None:
                across.append({"deal": deal_id, "roles": list(entry.roles or p.roles),
                               "attitude": entry.attitude if "attitude" in
                               entry.model_fields_set else None})
        people.append({"name": p.name, "title": p.title, "level": p.level,
                       "roles": list(p.roles), "attitude": p.attitude,
                       "influence": p.influence, "reports_to": p.reports_to, "deals": across})
    data["people"] = people
    data["plan"] = [{"person": m.person, "goal": m.goal, "next": m.next, "due": m.due,
                     "done": m.done, "overdue": m.done is None and m.due < today}
                    for m in sorted(a.plan, key=lambda m: m.due)]
    return data


def print_account(data: dict[str, Any]) -> None:
    """A readable page about one account (from its JSON shape)."""
    from salesflow.method.buying_centre import org_chart
    from salesflow.model.deal import Stakeholder
    from salesflow.model.words import LEVEL_NAMES, ROLE_NOUNS
    from salesflow.output.render import money, output

    cur = data["report_currency"]
    output.print(output.style(f"{data['id']} — {data['name']}", "bold"))
    facts = [f"tier {data['tier']}" if data["tier"] else "tier not set"]
    facts += [f"segment {data['segment']}"] if data["segment"] else []
    facts += [f"owner {data['owner']}"] if data["owner"] else []
    output.text(" · ".join(facts))
    output.text()
    rel = data["relationship"]
    if rel is None:
        output.text("Relationship: not set (`salesflow account set "
                    f"{data['id']} relationship=initial`)")
    else:
        for line in _wrap(f"Relationship: {rel['stage']} — {rel['meaning']}; it stands for a "
                          f"share of wallet of {rel['share_of_wallet']}"):
            output.text(line)
    if data["wallet"]:
        wc = data["wallet_currency"]
        trend = f" ({data['share_trend']})" if data["share_trend"] else ""
        output.text(f"Share of wallet{trend}:")
        for w in reversed(data["wallet"]):
            share = f"{w['share']}%" if w["share"] is not None else "share unknown"
            output.text(f"  {w['year']}: {share} — ours {money(_dec(w['ours']))} of "
                        f"{money(_dec(w['spend']))} {wc}")
    else:
        output.text("Share of wallet: no `wallet:` yet (`salesflow account set "
                    f"{data['id']} spend.YEAR=AMOUNT share.YEAR=30%`)")
    output.text()
    d = data["deals"]
    output.text(f"Deals: {d['open']['count']} open ({money(_dec(d['open']['amount']))} {cur}, "
                f"weighted {money(_dec(d['weighted']))}), {d['won']['count']} won "
                f"({money(_dec(d['won']['amount']))}), {d['lost']['count']} lost "
                f"({money(_dec(d['lost']['amount']))})"
                + (f", {d['hold']['count']} on hold" if d["hold"]["count"] else ""))
    if d["list"]:
        table = output.table("Deal", "Stage", "Status", "Amount", "Weighted",
                             right=("Amount", "Weighted"))
        for row in d["list"]:
            table.add_row(row["id"], f"{row['stage']} {row['probability']}%", row["status"],
                          money(_dec(row["amount"])), money(_dec(row["weighted"])))
        output.print(table)
    else:
        output.text(f"  no deal links to this account yet: add `account: {data['id']}` to "
                    "its deals")
    if d["without_amount"]:
        output.text(f"  without an amount (not in the sums): {', '.join(d['without_amount'])}")
    output.text()
    output.text("Org chart (roles across deals):")
    if not data["people"]:
        output.text(f"  nobody yet: `salesflow account person add {data['id']} NAME`")
    by_name = {p["name"]: p for p in data["people"]}
    chart = org_chart([Stakeholder.model_validate({"name": p["name"],
                                                   "reports_to": p["reports_to"]})
                       for p in data["people"]])
    for root_node in chart:
        for depth, person in root_node.walk():
            p = by_name[person.name]
            facets = [p["title"]] if p["title"] else []
            facets.append(LEVEL_NAMES[p["level"]] if p["level"] else "level not set")
            facets.append("attitude unknown" if p["attitude"] == "unknown" else p["attitude"])
            line = "  " + "  " * depth + f"{p['name']} ({'; '.join(facets)})"
            output.text(line)
            for role in p["deals"]:
                roles = ", ".join(ROLE_NOUNS[r] for r in role["roles"]) or "no role set"
                own = f"; {role['attitude']} here" if role["attitude"] else ""
                output.text("  " + "  " * depth + f"  · {role['deal']}: {roles}{own}")
    output.text()
    output.text("Development plan:")
    if not data["plan"]:
        output.text(f"  no moves planned: `salesflow account plan {data['id']} PERSON --next "
                    "... --due DATE`")
    for m in data["plan"]:
        mark = "done" if m["done"] else "OVERDUE" if m["overdue"] else "due"
        goal = f" (goal: {m['goal']})" if m["goal"] else ""
        output.text(f"  {mark} {m['due'].isoformat()}  {m['person']}{goal}:")
        for line in _wrap(m["next"], indent="      ", first="      "):
            output.text(line)


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
        raise ProblemsError(ws.problems + loaded.problems, hint="salesflow migrates only a "
                            "valid workspace: fix these first (`salesflow validate`)")
    from salesflow.files import yamlio

    rows = []
    for item in ws.deals:
        data = yamlio.parse((base / item.path).read_bytes(), item.path).data
        rows.append((item.id, item.deal, data))
    plan = plan_migration(rows, loaded.accounts())
    paths = {item.id: item.path for item in ws.deals}
    if not plan.accounts:
        output.text("nothing to migrate: every deal links to an account")
        return
    for acc in plan.accounts:
        people = len(acc.people)
        what = ("link to account" if acc.existing else "new account")
        output.text(f"{what} {acc.id} ({acc.name}): {len(acc.deals)} deal(s), "
                    f"{people} {'new ' if acc.existing else ''}"
                    f"{'person' if people == 1 else 'people'}")
        for deal_id in acc.deals:
            output.text(f"  {paths[deal_id]}")
        for conflict in acc.conflicts:
            output.text(f"  conflict: {conflict}")

    def compute(deal_id: str) -> Any:
        account_id, ops = plan.deal_ops[deal_id]
        return lambda d, data, process: Change(ops, f"{deal_id}: linked to {account_id}")

    # every deal's change is checked before anything is written
    for deal_id in plan.deal_ops:
        update_deal(base, paths[deal_id], compute(deal_id), dry_run=True, cache=use_cache())
    if not write:
        output.note(f"dry run: {len(plan.accounts)} account(s), {len(plan.deal_ops)} deal(s); "
                    "nothing was written. Run `salesflow accounts migrate --write` to do it")
        return
    for acc in plan.accounts:
        if acc.existing:
            people_ops = tuple(Append(("people",), p) for p in acc.people)
            update_account(base, acc.id, _fixed(Change(people_ops, f"{acc.id}: added "
                                                       f"{len(people_ops)} people")))
            output.text(f"updated accounts/{acc.id}.yaml")
        else:
            fields = {"name": acc.name, **acc.fields}
            rel = create_account(base, acc.id, account_text(fields, acc.people), ws.process)
            output.text(f"created {rel}")
    for deal_id in plan.deal_ops:
        outcome = update_deal(base, paths[deal_id], compute(deal_id), cache=use_cache())
        output.text(f"linked {outcome.path} to {plan.deal_ops[deal_id][0]}")
    output.note("next: salesflow validate && git add accounts deals && git commit")


def _fixed(change: Any) -> AccountCompute:
    """A compute that always makes the same, precomputed change."""
    return lambda account, data, process: change


def _wrap(text: str, indent: str = "  ", width: int = 80, first: str = "") -> list[str]:
    """Lines of at most `width` terminal cells (CJK characters take two), later ones indented."""
    from rich.cells import cell_len

    lines: list[str] = []
    current = first
    for word in _words(text):
        if current and cell_len(current + word) > width:
            lines.append(current.rstrip())
            current = indent + word.lstrip()
        else:
            current += word
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Break points: before each space-led word, and between CJK characters."""
    import re

    return re.findall(r"\s*[\u2e80-\u9fff\uff00-\uffef]|\s*[^\s\u2e80-\u9fff\uff00-\uffef]+",
                      text)
