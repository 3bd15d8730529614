"""Commands about single deals: new, list, show, check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._accounts import load_linked
from salesflow.cli._common import (
    check_status,
    handle_errors,
    overview,
    parse_date,
    pick,
    root,
    use_cache,
)
from salesflow.cli.app import app
from salesflow.cli.complete import deal_ids
from salesflow.model.i18n import _
from salesflow.output.fit import Col
from salesflow.output.render import Format, ShowFormat

if TYPE_CHECKING:
    from salesflow.model.deal import DealFile
    from salesflow.model.summary import SummaryFile

LIST_FIELDS = ("id", "name", "customer", "owner", "stage", "status", "amount", "currency",
               "expected_close", "segment", "product_line", "path")

# `list`'s columns at any width: Name and Customer are cut with an ellipsis;
# then Status goes, then Name, Owner, Customer and Close; ID, Stage and Amount
# always stay (docs/output.md, "Tables at any width").
LIST_COLUMNS = (
    Col("ID"), Col("Name", "text", drop=4), Col("Customer", "text", drop=2),
    Col("Owner", drop=3), Col("Stage"), Col("Status", drop=5), Col("Amount", right=True),
    Col("Close", drop=1),
)


@app.command()
@handle_errors
def new(
    deal_id: str = typer.Argument(..., metavar="ID", help="The deal id, e.g. acme-pumps "
                                  "(lowercase letters, digits, '.', '_', '-')."),
    customer: str = typer.Option(..., "--customer", "-c", help="The customer's name."),
    name: str | None = typer.Option(None, "--name", "-n", help="A name for the deal."),
    amount: str | None = typer.Option(None, "--amount", "-a", help="Deal value, e.g. 1250000."),
    currency: str | None = typer.Option(None, "--currency",
                                        help="Currency code if not the report currency."),
    owner: str | None = typer.Option(None, "--owner", "-o",
                                     help="Owner (default: git config user.name, else login)."),
    close: str | None = typer.Option(None, "--close", help="Expected close date, YYYY-MM-DD."),
    stage: str | None = typer.Option(None, "--stage", "-s", help="Starting stage code "
                                     "(default: the first stage)."),
    segment: str | None = typer.Option(None, "--segment", help="Market segment."),
    product_line: str | None = typer.Option(None, "--product-line", help="Product line."),
    date: str | None = typer.Option(None, "--date", "-d", metavar="DATE",
                                    help="When the deal entered the pipeline: YYYY-MM-DD, "
                                    "today or yesterday (default: today); not in the future."),
) -> None:
    """Create deals/ID.yaml in the first stage (or --stage), with its first history entry.

    --date enters a deal created earlier (last month's deals): its first
    history entry, from which the reports replay it, is dated so.

    Example: salesflow new acme-pumps -c "Acme Water Works" -a 1250000 --close 2027-03-31
    """
    from salesflow.cli import _common
    from salesflow.files.guard import write_file
    from salesflow.files.load import load_process
    from salesflow.files.newdeal import deal_text
    from salesflow.files.parse import parse_deal
    from salesflow.files.workspace import (
        DEALS_DIR,
        check_deal_id,
        default_author,
        files_of_id,
        relative,
    )
    from salesflow.method.transitions import Context, check_date
    from salesflow.model.errors import DataError, UsageError
    from salesflow.output.render import output
    from salesflow.team.teamsetup import schema_header

    check_deal_id(deal_id)
    base = root()
    process = load_process(base)
    code = stage or process.first.code
    if not process.has_stage(code):
        raise UsageError(_("--stage {code!r} is not a stage of this process").format(code=code),
                         hint=_("use one of {codes}").format(codes=", ".join(process.codes)))
    clash = files_of_id(base, deal_id, cache=use_cache())
    if clash:
        raise DataError(_("deal {deal!r} already exists: {path}").format(
            deal=deal_id, path=relative(base, clash[0])),
                        hint=_("choose another id, or edit the existing deal"))
    close_date = parse_date(close, "--close")
    value = parse_amount(amount)
    author = default_author(base)
    today = _common.today()
    created = parse_date(date, "--date") if date is not None else today
    check_date(None, Context(deal_id, created, author, today))
    fields: dict[str, Any] = {
        "name": name, "customer": customer, "owner": owner or author, "amount": value,
        "currency": currency.upper() if currency else None, "stage": code, "status": "open",
        "expected_close": close_date, "segment": segment, "product_line": product_line,
    }
    rel = f"{DEALS_DIR}/{deal_id}.yaml"
    text = schema_header(base, rel) + deal_text(fields, created, author)
    deal, problems = parse_deal(text.encode(), rel, process)
    if deal is None:
        from salesflow.model.errors import ProblemsError

        raise ProblemsError(problems, hint=_("fix the option values above and try again"))
    target = base / DEALS_DIR / f"{deal_id}.yaml"
    try:
        write_file(target, text.encode(), within=[base], exclusive=True, mkdir=True, shown=rel)
    except FileExistsError:
        raise DataError(_("deal {deal!r} already exists: {path}").format(
            deal=deal_id, path=rel)) from None
    output.text(_("created {path} in stage {code} ({name})").format(
        path=rel, code=code, name=process.stage(code).name))


def parse_amount(value: str | None) -> Any:
    """An --amount option as exact Decimal money."""
    from pydantic_core import PydanticCustomError

    from salesflow.model.errors import UsageError
    from salesflow.model.fields import parse_money

    if value is None:
        return None
    try:
        return parse_money(value.replace(",", "").replace("_", ""))
    except PydanticCustomError as exc:
        raise UsageError(_("--amount: {problem}").format(problem=exc.message())) from None


def deal_row(item: DealFile | SummaryFile) -> dict[str, Any]:
    """The stable JSON/CSV shape of one deal in lists."""
    from salesflow.model.money import money_json

    d = item.deal
    return {
        "id": item.id, "name": d.name, "customer": d.customer, "owner": d.owner,
        "stage": d.stage, "status": d.status, "amount": money_json(d.amount),
        "currency": d.currency, "expected_close": d.expected_close,
        "segment": d.segment, "product_line": d.product_line, "path": item.path,
    }


@app.command("list")
@handle_errors
def list_(
    stage: list[str] = typer.Option(None, "--stage", "-s", help="Only these stage codes "
                                    "(repeatable)."),
    owner: list[str] = typer.Option(None, "--owner", "-o", help="Only these owners (repeatable)."),
    status: str = typer.Option("open", "--status", help="open, won, lost, hold or all."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """List deals, most advanced first.

    Example: salesflow list --owner li.wei --status all --format csv
    """
    from salesflow.cli.report_views import invalid_notes
    from salesflow.output.plain import LONG, print_table
    from salesflow.output.render import output
    from salesflow.reports.shapes import invalid_json

    check_status(status)
    ws = overview()
    process = ws.process
    items = pick(ws.deals, process, status=status, stage=stage, owner=owner)
    items.sort(key=lambda i: (-process.index(i.deal.stage), i.deal.expected_close or _far(),
                              i.id))
    if fmt == Format.json:
        output.json([deal_row(i) for i in items])
    elif fmt == Format.csv:
        output.csv(LIST_FIELDS, (list(deal_row(i).values()) for i in items))
    else:
        from rich.markup import escape

        from salesflow.output.fit import fitted

        cells = [_list_cells(i, process) for i in items]
        if len(cells) >= LONG:
            print_table(LIST_COLUMNS, cells)
        else:
            output.print(fitted(LIST_COLUMNS, [[escape(c) for c in row] for row in cells]))
        invalid_notes(invalid_json(ws.problems))
        output.note(_("{n} deal(s)").format(n=len(items)) + (
            "" if status == "all" else _(" with status {status}; --status all shows every "
                                         "deal").format(status=_(status))))
    raise typer.Exit(1 if ws.problems else 0)


def _list_cells(i: Any, process: Any) -> list[str]:
    """One row of `list`'s table, as text."""
    from salesflow.output.render import money

    d = i.deal
    amount = money(d.amount) + (f" {d.currency}" if d.currency and
                                d.currency != process.currency else "")
    return [i.id, d.name or "", d.customer, d.owner or "",
            f"{d.stage} {process.stage(d.stage).probability}%", _(d.status),
            amount if d.amount is not None else "—",
            d.expected_close.isoformat() if d.expected_close else ""]


def _far() -> Any:
    import datetime as dt

    return dt.date.max


@app.command()
@handle_errors
def show(
    deal: str = typer.Argument(..., metavar="DEAL", help="Deal id or path.",
                                autocompletion=deal_ids),
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Everything about one deal: its stage, milestones, people, needs and history.

    Example: salesflow show acme-pumps
    """
    from salesflow.cli import views
    from salesflow.output.render import output

    process, item = load_linked(deal)
    if fmt == ShowFormat.json:
        output.json(views.deal_json(process, item))
    else:
        views.print_deal(process, item)


@app.command()
@handle_errors
def check(
    deal: str = typer.Argument(..., metavar="DEAL", help="Deal id or path.",
                                autocompletion=deal_ids),
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Are the exit milestones of the deal's current stage met? Exit 0 if all are, else 1.

    A won deal (the last stage) has no gate to pass: its milestones are the
    closing checklist, whose state is shown, and check exits 0.

    Example: salesflow check acme-pumps && salesflow advance acme-pumps
    """
    from salesflow.cli import views
    from salesflow.method.gates import stage_gate
    from salesflow.output.render import output

    process, item = load_linked(deal)
    stage = process.stage(item.deal.stage)
    statuses = stage_gate(item.deal, stage, process)
    is_ready = all(s.met for s in statuses)
    closing = process.next_stage(stage.code) is None  # nothing to advance to: a checklist
    done = sum(s.met for s in statuses)
    if fmt == ShowFormat.json:
        output.json({
            "id": item.id, "stage": stage.code, "ready": is_ready,
            "checklist": {"done": done, "of": len(statuses)} if closing else None,
            "milestones": [
                {"id": s.milestone.id, "text": s.milestone.text, "met": s.met,
                 "rule": s.by_rule, "missing": list(s.missing),
                 "date": s.record.date if s.record else None}
                for s in statuses
            ],
        })
    else:
        views.print_gate(process, item, statuses)
        if closing:
            from salesflow.model.i18n import _

            state = _("complete") if is_ready else _("{n} still open").format(
                n=len(statuses) - done)
            output.text(_("{status}: the closing checklist is not a gate; {done} of {of} done "
                          "({state})").format(status=_(item.deal.status), done=done,
                                              of=len(statuses), state=state))
    raise typer.Exit(0 if is_ready or closing else 1)
