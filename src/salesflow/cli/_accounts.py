"""Deals as the method sees them: linked to their accounts (for show, check, map, review, gates).

Reading an account costs a file read, so only the commands that judge a deal's
buying centre ask for it; a workspace without `accounts/` reads nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.model.i18n import _

if TYPE_CHECKING:
    from salesflow.files.update import Compute
    from salesflow.files.workspace import Overview, Workspace
    from salesflow.method.account_health import AccountView
    from salesflow.method.transitions import Change
    from salesflow.model.account import Account
    from salesflow.model.deal import Deal, DealFile
    from salesflow.model.process import Process


def account_of(base: Path, item: DealFile, process: Process) -> Account | None:
    """The account a deal links to; a broken link is the deal file's located problem."""
    from salesflow.files.accounts import account_id_of, account_paths, link_problems, load_account
    from salesflow.model.errors import ProblemsError

    deal = item.deal
    if deal.account is None:
        return None
    if deal.account not in {account_id_of(p) for p in account_paths(base)}:
        raise ProblemsError(link_problems(base, [(item.path, deal)], {}),
                            hint=_("fix the deal's `account:` (or create the account), then "
                            "try again"))
    return load_account(base, deal.account, process).account


def effective_item(base: Path, process: Process, item: DealFile) -> DealFile:
    """The deal file with its account's people and relationship merged in."""
    from dataclasses import replace

    from salesflow.method.accounts import effective_deal

    account = account_of(base, item, process)
    return item if account is None else replace(item, deal=effective_deal(item.deal, account))


def effective_workspace(ws: Workspace) -> Workspace:
    """Every linked deal of a loaded workspace merged with its account.

    A deal whose account is missing or invalid stays as its file says, and
    the problem is added to the workspace's problems, so reports say so.
    """
    from dataclasses import replace

    from salesflow.files.accounts import link_problems, load_accounts
    from salesflow.method.accounts import effective_deal
    from salesflow.output.render import output

    linked = [d for d in ws.deals if d.deal.account is not None]
    if not linked:
        return ws
    loaded = load_accounts(ws.root, ws.process)
    accounts = loaded.accounts()
    broken = [(d.path, d.deal) for d in linked if d.deal.account not in accounts]
    found = loaded.problems + link_problems(ws.root, broken, accounts)
    if found:
        output.problems(found)
        output.note(_("warning: deals linked to these accounts are shown without the "
                    "account's people; `salesflow validate` lists every problem"))
        ws.problems.extend(found)
    ws.deals = [replace(d, deal=effective_deal(d.deal, accounts.get(d.deal.account or "")))
                for d in ws.deals]
    return ws


def linked_compute(base: Path, compute: Compute) -> Compute:
    """A transition judged on the effective deal (its gates see the account's people).

    Only for transitions whose edits do not address stakeholders by position.
    """
    from salesflow.files.accounts import load_account
    from salesflow.method.accounts import effective_deal

    def run(deal: Deal, data: Mapping[str, Any], process: Process) -> Change:
        if deal.account is None:
            return compute(deal, data, process)
        account = load_account(base, deal.account, process).account
        return compute(effective_deal(deal, account), data, process)

    return run


def load_linked(ref: str) -> tuple[Process, DealFile]:
    """`_common.load_one`, with the deal merged with its account."""
    from salesflow.cli._common import load_one, root

    process, item = load_one(ref)
    return process, effective_item(root(), process, item)


def accounts_of(ws: Workspace | Overview) -> dict[str, Account]:
    """The workspace's valid accounts; the invalid ones become problems of the report."""
    from salesflow.files.accounts import load_accounts
    from salesflow.files.load import load_process
    from salesflow.output.render import output

    loaded = load_accounts(ws.root, load_process(ws.root))
    if loaded.problems:
        output.problems(loaded.problems)
        output.note(_("warning: invalid account files left out: their deals are grouped as "
                    "(none); `salesflow validate` lists every problem"))
        ws.problems.extend(loaded.problems)
    return loaded.accounts()


def account_views(ws: Workspace) -> dict[str, AccountView]:
    """For each linked deal of an (effective) workspace: its account and the account's others."""
    from salesflow.files.accounts import load_accounts
    from salesflow.method.account_health import AccountView

    linked = [d for d in ws.deals if d.deal.account is not None]
    if not linked:
        return {}
    accounts = load_accounts(ws.root, ws.process).accounts()
    out: dict[str, AccountView] = {}
    for item in linked:
        account_id = item.deal.account or ""
        if account_id not in accounts:
            continue
        others = tuple((o.id, o.deal) for o in linked
                       if o.deal.account == account_id and o.id != item.id)
        out[item.id] = AccountView(account_id, accounts[account_id], others)
    return out


def forecast_by_account(ws: Workspace, deals: Any, report: Any, cut: Any, fmt: Any,
                        today: Any) -> None:
    """`forecast --by account`: the same window, one forecast per account, then the total."""
    from salesflow.model.money import money_json as money
    from salesflow.output.render import Format, output
    from salesflow.reports.accounts import group_by_account
    from salesflow.reports.forecast import forecast
    from salesflow.reports.shapes import NO_GROUP, forecast_json, invalid_json

    accounts = accounts_of(ws)
    groups = [(key, forecast(ws.process, items, today=today, period="quarter",
                             start=report.start, end=report.end))
              for key, items in group_by_account(deals, "account", accounts)]
    data = forecast_json(report, cut=cut)
    data["by"] = "account"
    data["groups"] = [{"account": key, **forecast_json(g, cut=cut)} for key, g in groups]
    data["invalid"] = invalid_json(ws.problems)
    header = ["account", "count", "best_case", "weighted", "won_count", "won"]
    rows = [[NO_GROUP if key is None else key, g.count, money(g.best_case),
             money(g.weighted), g.won_count, money(g.won)] for key, g in groups]
    rows.append(["TOTAL", report.count, money(report.best_case), money(report.weighted),
                 report.won_count, money(report.won)])
    if fmt == Format.json:
        output.json(data)
    elif fmt == Format.csv:
        output.csv(header, rows)
    else:
        cur = report.currency
        best = _("Best case {currency}").format(currency=cur)
        weighted = _("Weighted {currency}").format(currency=cur)
        won = _("Won {currency}").format(currency=cur)
        heading = _("Forecast by account, {start} to {end}").format(start=report.start,
                                                                     end=report.end)
        table = output.table("Account", "Open", best, weighted, "Won", won, title=heading,
                             right=("Open", best, weighted, "Won", won))
        for row in rows:
            table.add_row(str(row[0]), str(row[1]), _whole(row[2]), _whole(row[3]),
                          str(row[4]), _whole(row[5]))
        output.print(table)
        output.note(_("deals without an account are under (none); open deals outside the "
                    "window, held and lost deals are left out, as in `salesflow forecast`"))


def _whole(value: Any) -> str:
    from decimal import Decimal

    from salesflow.output.render import money

    return money(None if value is None else Decimal(str(value)))
