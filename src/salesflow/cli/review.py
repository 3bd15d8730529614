"""`salesflow review`: every risk of every deal, with the next move, biggest first."""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._common import handle_errors, load, parse_date
from salesflow.cli.app import app
from salesflow.cli.views import print_risks, status_word
from salesflow.model.i18n import _
from salesflow.output.render import Format

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator, Sequence

    from salesflow.files.workspace import Overview, Workspace
    from salesflow.method.health import DealReview, Judged
    from salesflow.model.process import Process
    from salesflow.model.summary import SummaryFile

REVIEW_CSV = ("id", "name", "customer", "owner", "stage", "status", "weighted", "risk",
              "reason", "move")


@app.command()
@handle_errors
def review(
    owner: list[str] = typer.Option(None, "--owner", "-o", metavar="OWNER",
                                    help="Only these owners (repeatable)."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE",
                                     help="Judge dates as if today were DATE (YYYY-MM-DD; "
                                     "default: today). Stages and people are taken as they "
                                     "are now; amounts, close dates and procurement steps "
                                     "as they were (from their recorded changes); activity "
                                     "after DATE does not count."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Deal health: every risk of every open deal, with a reason and the next move.

    Risks: idle longer than the stage's rot_days; expected close passed; no next
    step or an overdue one; no coach; nobody at the decision level; an opponent
    among the decision or financial buyers; the sale out of step with the
    customer's buying process; no explicit need from stage C on; a passed
    stage's milestone rule that no longer holds. A deal linked to an account
    also: the relationship stage too low for the deal's size; our share of
    wallet falling; a plan move overdue; a key person against us here but for
    us on another deal of the customer. Held deals are checked for a
    planned follow-up only. Biggest weighted amount first. Exit 0 (1 only when
    some deal files are invalid and were left out).

    Example: salesflow review --owner li.wei --as-of 2026-12-01
    """
    from salesflow.cli import _common
    from salesflow.cli.report_views import invalid_notes
    from salesflow.method.health import review as build
    from salesflow.output.render import output
    from salesflow.reports.shapes import invalid_csv_rows, invalid_json

    day = parse_date(as_of, "--as-of") or _common.today()
    ws: Workspace | Overview
    slim = _slim_review(day, owner or ()) if as_of is None else None
    if slim is not None:
        ws, process, reviews = slim
    else:
        from salesflow.cli._accounts import effective_workspace

        ws = effective_workspace(load())
        process = ws.process
        deals = ws.deals
        if as_of is not None:  # amounts and close dates as they were that day
            from salesflow.model.deal import DealFile
            from salesflow.reports.replay import fields_as_of

            deals = [DealFile(d.id, d.path, fields_as_of(d.deal, day)) for d in deals]
        reviews = build(process, deals, day, owner or ())
        from salesflow.cli._accounts import account_views
        from salesflow.method.health import with_account_risks

        reviews = with_account_risks(reviews, account_views(ws), process, day)
    currency = process.currency
    if fmt == Format.json:
        output.json({"as_of": day, "currency": currency,
                     "deals": [review_json(r) for r in reviews],
                     "invalid": invalid_json(ws.problems)})
    elif fmt == Format.csv:
        output.csv(REVIEW_CSV, itertools.chain(
            _csv_rows(reviews), invalid_csv_rows(ws.problems, len(REVIEW_CSV))))
    else:
        print_review(reviews, day, currency, process)
        invalid_notes(invalid_json(ws.problems))
    raise typer.Exit(1 if ws.problems else 0)


def _slim_review(day: dt.date, owners: Sequence[str],
                 ) -> tuple[Overview, Process, list[DealReview]] | None:
    """Today's review from the cached summaries and review facts, as fast as the funnel.

    Each deal is judged from the facts its summary carries
    (`method.review_facts`); only a deal whose passed milestone rules no longer
    hold is read whole, for the rule's own words. None (the full path) when a
    deal links to an account: the account's people change what is judged.
    """
    from salesflow.cli._common import overview
    from salesflow.files.load import load_deal_file, load_process
    from salesflow.method.health import review_judged
    from salesflow.method.review_facts import slim_deal
    from salesflow.model.errors import Problem, ProblemsError

    ws = overview(facts="review")
    if any(d.deal.account is not None for d in ws.deals):
        return None
    process = load_process(ws.root)

    def judged(item: SummaryFile) -> Judged:
        facts = slim_deal(item.deal)
        if not facts.broken:
            return facts
        full, problems = load_deal_file(ws.root, ws.root / item.path, process)
        if full is None:  # changed since it was read a moment ago
            raise ProblemsError(problems or [Problem(item.path, 0, 0, _(
                "changed while salesflow was reading it; run the command again"), "changed")])
        return full.deal

    def pairs() -> Iterator[tuple[SummaryFile, Callable[[], Judged]]]:
        """Each deal with its judge; the summary kept drops its facts once judged."""
        deals = ws.deals
        for i, item in enumerate(deals):
            lean = item._replace(deal=item.deal._replace(review=None))
            deals[i] = lean  # memory stays flat: one deal's facts at a time
            yield lean, functools.partial(judged, item)

    return ws, process, review_judged(process, pairs(), day, owners)


def review_json(r: DealReview) -> dict[str, Any]:
    from salesflow.model.money import money_json

    d = r.item.deal
    return {
        "id": r.item.id, "name": d.name, "customer": d.customer, "owner": d.owner,
        "stage": d.stage, "status": d.status, "amount": money_json(r.amount),
        "weighted": money_json(r.weighted), "path": r.item.path,
        "risks": [{"code": k.code, "reason": k.reason, "move": k.move} for k in r.risks],
    }


def _csv_rows(reviews: list[DealReview]) -> Iterator[list[Any]]:
    from salesflow.model.money import money_json

    for r in reviews:
        d = r.item.deal
        for k in r.risks:
            yield [r.item.id, d.name, d.customer, d.owner, d.stage, d.status,
                   money_json(r.weighted), k.code, k.reason, k.move]


def print_review(reviews: list[DealReview], day: Any, currency: str, process: Any) -> None:
    from rich.markup import escape

    from salesflow.output.render import output

    risky = [r for r in reviews if r.risks]
    healthy = [r.item.id for r in reviews if not r.risks]
    total = sum(len(r.risks) for r in risky)
    output.print(output.style(
        _("Deal review as of {date}: {risky} of {n} deal(s) at risk, {total} risk(s); biggest "
          "weighted amount ({currency}) first").format(
              date=day.isoformat(), risky=len(risky), n=len(reviews), total=total,
              currency=currency), "bold"))
    width = max((len(k.code) for r in risky for k in r.risks), default=0)
    if not output.fancy or len(risky) >= PLAIN_FROM:
        _print_plain(risky, healthy, width, currency, process)
        return
    for r in risky:
        output.print()
        head, tail = heading(r, currency, process, output.out.width)
        output.print(output.style(head, "bold") + escape(tail))
        print_risks(r.risks, width)
    if healthy:
        output.print()
        output.text(_("No risks found: {ids}").format(ids=", ".join(healthy)))


# From this many deals at risk, the review is written as plain lines even on a
# terminal: rich's layout of every line would take longer than the review.
PLAIN_FROM = 50


def heading(r: DealReview, currency: str, process: Any, width: int) -> tuple[str, str]:
    """A deal's heading within `width`: (id, name and customer; its facts), both plain text."""
    from rich.cells import cell_len

    from salesflow.output.render import money

    d = r.item.deal
    stage = process.stage(d.stage)
    facts = [f"{stage.code} {stage.probability}%"]
    if d.status != "open":
        facts.append(status_word(d.status))
    facts.append(d.owner or _("no owner"))
    if r.weighted is not None:
        facts.append(_("weighted {amount} {currency}").format(amount=money(r.weighted),
                                                              currency=currency))
    elif r.amount is not None:
        facts.append(_("amount {amount} {currency}").format(amount=money(r.amount),
                                                            currency=currency))
    else:
        facts.append(_("no amount"))
    tail = "  " + " · ".join(facts)
    if cell_len(r.item.id) + cell_len(tail) > width:  # the heading says it
        tail = tail.replace(f" {currency}", "")
    if cell_len(r.item.id) + cell_len(tail) > width:  # narrow: owner goes
        tail = tail.replace(f" · {d.owner or _('no owner')}", "", 1)
    if cell_len(r.item.id) + cell_len(tail) > width:  # then the words
        tail = tail.replace(_("weighted {amount} {currency}").split("{")[0], "").replace(
            _("amount {amount} {currency}").split("{")[0], "")
    head = fit_head(r.item.id, [x for x in (d.name, d.customer) if x], tail, width)
    return head, tail


def _print_plain(risky: list[DealReview], healthy: list[str], width: int, currency: str,
                 process: Any) -> None:
    """The review as plain lines, written at once: fast for thousands of deals.

    The same lines as the terminal's layout when piped (`print_risks` writes
    each reason and move as one line there too), without a rich call per line.
    """
    from salesflow.output.plain import printable
    from salesflow.output.render import output

    lines: list[str] = []
    for r in risky:
        head, tail = heading(r, currency, process, output.out.width)
        lines += ["", printable(head + tail)]
        for k in r.risks:
            lines.append(printable(f"  {k.code:<{width}}  {k.reason}"))
            lines.append(printable(f"  {'':<{width}}  → {k.move}"))
    if healthy:
        lines += ["", printable(_("No risks found: {ids}").format(ids=", ".join(healthy)))]
    output.lines(lines)


def fit_head(deal_id: str, texts: list[str], tail: str, width: int) -> str:
    """A deal's heading line within `width`: the id whole, name and customer cut to fit.

    The facts after it (stage, owner, amount) are kept whole too; the name and
    the customer share what is left, each cut with an ellipsis, and go when
    there is no room for a few letters of them.
    """
    from rich.cells import cell_len
    from rich.text import Text

    room = width - cell_len(deal_id) - cell_len(tail)
    parts = [deal_id]
    shown = list(texts)
    while shown:
        each = (room - 3 * len(shown)) // len(shown)
        if each >= 6 or len(shown) == 1:
            break
        shown.pop()  # the customer goes first, then the name
    for text in shown:
        each = max((room - 3 * len(shown)) // len(shown), 0)
        if cell_len(text) <= each:
            parts.append(text)
        elif each >= 4:
            cut = Text(text)
            cut.truncate(each, overflow="ellipsis")
            parts.append(cut.plain.rstrip(" …") + "…")
    return " · ".join(parts)
