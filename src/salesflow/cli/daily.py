"""`salesflow person|need|step|activity`: the buying centre, SPIN needs, next steps, contacts.

Every write goes through `salesflow.cli.gates._run` (and so `update_deal`):
locked, re-read, validated, surgical, atomic; `--dry-run` prints the diff.
The rules live in `salesflow.method.daily`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli import complete
from salesflow.cli._common import handle_errors
from salesflow.cli.app import app
from salesflow.cli.edits import EventDateOpt, event_context
from salesflow.cli.gates import ByOpt, DealArg, DryRunOpt
from salesflow.model.i18n import _
from salesflow.output.fit import Col
from salesflow.output.render import Format

if TYPE_CHECKING:
    from salesflow.files.update import Compute
    from salesflow.method.transitions import Context

person_app = typer.Typer(help="The people of a deal's buying centre.\n\n"
                         "Example: salesflow person add acme-pumps \"Wang Wu\" --level decision",
                         no_args_is_help=True)
need_app = typer.Typer(help="SPIN needs of a deal.\n\n"
                       "Example: salesflow need add acme-pumps --kind P \"pumps fail at peak\"",
                       no_args_is_help=True)
step_app = typer.Typer(help="Agreed next steps: add, done, and the to-do list.\n\n"
                       "Example: salesflow step list --owner li.wei --overdue",
                       no_args_is_help=True)
activity_app = typer.Typer(help="What happened: visits, calls, emails, meetings, demos.\n\n"
                           "Example: salesflow activity add acme-pumps --kind visit \"plant tour\"",
                           no_args_is_help=True)
app.add_typer(person_app, name="person")
app.add_typer(need_app, name="need")
app.add_typer(step_app, name="step")
app.add_typer(activity_app, name="activity")

NameArg = typer.Argument(..., metavar="NAME", help="The person's name, as in the deal file.",
                         autocompletion=complete.people)


def _person_options(title: str | None, department: str | None, level: str | None,
                    role: list[str] | None, attitude: str | None, relationship: str | None,
                    influence: str | None, reports_to: str | None,
                    notes: str | None) -> dict[str, Any]:
    return {"title": title, "department": department, "level": level,
            "roles": role, "attitude": attitude, "relationship": relationship,
            "influence": influence, "reports_to": reports_to, "notes": notes}


TitleOpt = typer.Option(None, "--title", help="Job title.")
DepartmentOpt = typer.Option(None, "--department", help="Department.")
LevelOpt = typer.Option(None, "--level", help="decision, management or operations.")
RoleOpt = typer.Option(None, "--role", metavar="ROLE", help="Buyer role (repeatable): "
                       "decision, financial, technical, user, evaluator, coach, influencer.")
AttitudeOpt = typer.Option(None, "--attitude",
                           help="supporter, neutral, opponent or unknown; a change is recorded "
                           "in the history.")
RelationshipOpt = typer.Option(None, "--relationship", help="gestation, initial, middle, high, "
                               "strategic or interrupted.")
InfluenceOpt = typer.Option(None, "--influence", help="high, medium or low.")
ReportsToOpt = typer.Option(None, "--reports-to", metavar="NAME",
                            help="Another person of this deal this one reports to.",
                            autocompletion=complete.people)
NotesOpt = typer.Option(None, "--notes", help="Free text about the person.")


def _go(ctx: Context, deal: str, compute: Compute, dry_run: bool) -> None:
    from salesflow.cli.gates import _run

    _run(ctx, deal, compute, dry_run, show_gate=True)


@person_app.command("add")
@handle_errors
def person_add(
    deal: str = DealArg, name: str = NameArg, title: str | None = TitleOpt,
    department: str | None = DepartmentOpt, level: str | None = LevelOpt,
    role: list[str] = RoleOpt, attitude: str | None = AttitudeOpt,
    relationship: str | None = RelationshipOpt, influence: str | None = InfluenceOpt,
    reports_to: str | None = ReportsToOpt, notes: str | None = NotesOpt,
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Add a person to the deal's buying centre.

    Example: salesflow person add acme-pumps "Wang Wu" --level decision --role decision
    """
    from salesflow.method import daily

    values = _person_options(title, department, level, role or None, attitude, relationship,
                             influence, reports_to, notes)
    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.person_add(d, p, ctx, name, values), dry_run)


@person_app.command("set")
@handle_errors
def person_set(
    deal: str = DealArg, name: str = NameArg, title: str | None = TitleOpt,
    department: str | None = DepartmentOpt, level: str | None = LevelOpt,
    role: list[str] = RoleOpt, attitude: str | None = AttitudeOpt,
    relationship: str | None = RelationshipOpt, influence: str | None = InfluenceOpt,
    reports_to: str | None = ReportsToOpt, notes: str | None = NotesOpt,
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Change a person's facts; an attitude that turned is recorded in the history.

    An empty value (--title "") removes that fact; --role replaces the roles.

    Example: salesflow person set acme-pumps "Wang Wu" --attitude supporter
    """
    from salesflow.method import daily

    values = _person_options(title, department, level, role or None, attitude, relationship,
                             influence, reports_to, notes)
    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.person_set(d, data, p, ctx, name, values), dry_run)


@person_app.command("remove")
@handle_errors
def person_remove(deal: str = DealArg, name: str = NameArg, date: str | None = EventDateOpt,
                  by: str | None = ByOpt, dry_run: bool = DryRunOpt) -> None:
    """Remove a person (refused while someone reports to them or a need is theirs).

    Example: salesflow person remove acme-pumps "Wang Wu"
    """
    from salesflow.method import daily

    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.person_remove(d, p, ctx, name), dry_run)


@need_app.command("add")
@handle_errors
def need_add(
    deal: str = DealArg,
    text: str = typer.Argument(..., metavar="TEXT", help="The need, in the customer's words."),
    kind: str = typer.Option(..., "--kind", help="S, P, I or N (SPIN)."),
    explicit: bool = typer.Option(False, "--explicit", help="The customer stated it outright."),
    from_: str | None = typer.Option(None, "--from", metavar="NAME",
                                     help="The person who voiced it.",
                                     autocompletion=complete.people),
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Record a SPIN need (implied unless --explicit), dated.

    Example: salesflow need add acme-pumps --kind P "pumps fail at peak load" --from "Wang Wu"
    """
    from salesflow.method import daily

    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.need_add(d, p, ctx, kind, text, explicit=explicit,
                                                     from_=from_), dry_run)


@need_app.command("explicit")
@handle_errors
def need_explicit(
    deal: str = DealArg,
    number: int = typer.Argument(..., metavar="N", help="The need's number (1 = first)."),
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Mark an implied need explicit: the customer now states it (dated).

    Example: salesflow need explicit acme-pumps 1
    """
    from salesflow.method import daily

    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.need_explicit(d, data, p, ctx, number), dry_run)


@step_app.command("add")
@handle_errors
def step_add(
    deal: str = DealArg,
    action: str = typer.Argument(..., metavar="ACTION", help="What will be done."),
    due: str = typer.Option(..., "--due", metavar="DATE", help="When it is due (YYYY-MM-DD)."),
    who: str | None = typer.Option(None, "--who", metavar="NAME", help="Who does it."),
    by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Agree a next step with a due date.

    Example: salesflow step add acme-pumps "send the revised proposal" --due 2026-12-05
    """
    from salesflow.cli._common import parse_date
    from salesflow.method import daily

    when = parse_date(due, "--due")
    ctx = event_context(deal, None, by)
    _go(ctx, deal, lambda d, data, p: daily.step_add(d, p, ctx, action, when, who), dry_run)


@step_app.command("done")
@handle_errors
def step_done(
    deal: str = DealArg,
    number: int = typer.Argument(..., metavar="N", help="The step's number (1 = first)."),
    note: str | None = typer.Option(None, "--note", help="How it went."),
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """A next step done: it leaves the list and is recorded in the history as an activity.

    Example: salesflow step done acme-pumps 1 --note "sent; call on Friday"
    """
    from salesflow.method import daily

    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.step_done(d, p, ctx, number, note), dry_run)


STEP_CSV = ("due", "deal", "n", "action", "by", "owner", "overdue")
# `step list`'s columns at any width: Action and By are cut with an ellipsis, then
# By goes; Due, Deal and N (what `step done DEAL N` needs) always stay.
STEP_COLUMNS = (Col("Due"), Col("Deal"), Col("N", right=True), Col("Action", "text", min=12),
                Col("By", "text", drop=1))


@step_app.command("list")
@handle_errors
def step_list(
    owner: list[str] = typer.Option(None, "--owner", "-o", metavar="NAME",
                                    help="Only steps this person does, or of their deals "
                                    "(repeatable)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only steps past their due date."),
    deal: str | None = typer.Option(None, "--deal", metavar="DEAL", help="Only this deal.",
                                    autocompletion=complete.deal_ids),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Every open deal's next steps, soonest first: a salesperson's to-do list.

    Example: salesflow step list --owner li.wei --overdue
    """
    from salesflow.cli import _common
    from salesflow.output.render import output

    ws = _common.load()
    today = _common.today()
    only = None
    if deal is not None:
        from salesflow.files.workspace import locate_deal

        only = locate_deal(_common.root(), deal, cache=_common.use_cache()).stem
    rows: list[dict[str, Any]] = []
    for item in ws.deals:
        d = item.deal
        if (only is not None and item.id != only) or (only is None and d.status != "open"):
            continue
        for n, step in enumerate(d.next_steps, 1):
            if owner and step.by not in owner and d.owner not in owner:
                continue
            late = step.due < today
            if overdue and not late:
                continue
            rows.append({"due": step.due.isoformat(), "deal": item.id, "n": n,
                         "action": step.action, "by": step.by, "owner": d.owner,
                         "overdue": late})
    rows.sort(key=lambda r: (r["due"], r["deal"], r["n"]))
    if fmt == Format.json:
        output.json({"today": today.isoformat(), "steps": rows})
    elif fmt == Format.csv:
        output.csv(STEP_CSV, [[r[k] for k in STEP_CSV] for r in rows])
    else:
        from rich.markup import escape

        from salesflow.output.fit import fitted

        cells = [[r["due"] + (" !" if r["overdue"] else ""), escape(r["deal"]), str(r["n"]),
                  escape(r["action"]), escape(r["by"] or r["owner"] or "")] for r in rows]
        if rows:
            output.print(fitted(STEP_COLUMNS, cells))
        late = sum(r["overdue"] for r in rows)
        output.note(_("{n} step(s), {late} overdue (marked !); done: salesflow step done DEAL "
                      "N").format(n=len(rows), late=late))
    raise typer.Exit(_common.exit_code_for(ws))


@activity_app.command("add")
@handle_errors
def activity_add(
    deal: str = DealArg,
    text: str = typer.Argument(..., metavar="TEXT", help="What happened."),
    kind: str = typer.Option(..., "--kind", help="visit, call, email, meeting or demo."),
    with_: list[str] = typer.Option(None, "--with", metavar="NAME",
                                    help="A person of the deal it was with (repeatable).",
                                    autocompletion=complete.people),
    date: str | None = EventDateOpt, by: str | None = ByOpt, dry_run: bool = DryRunOpt,
) -> None:
    """Record a contact with the customer in the history (review's idle days count it).

    Example: salesflow activity add acme-pumps --kind visit "plant tour" --with "Wang Wu"
    """
    from salesflow.method import daily

    ctx = event_context(deal, date, by)
    _go(ctx, deal, lambda d, data, p: daily.activity_add(d, p, ctx, kind, text, with_ or ()),
        dry_run)
