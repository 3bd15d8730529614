"""`salesflow review`: every risk of every deal, with the next move, biggest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from salesflow.cli._common import handle_errors, load, parse_date
from salesflow.cli.app import app
from salesflow.cli.views import print_risks, status_word
from salesflow.model.i18n import _
from salesflow.output.render import Format

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from salesflow.files.workspace import Overview, Workspace
    from salesflow.method.reviewed import DealReview
    from salesflow.method.risk_words import Risk
    from salesflow.model.deal import DealFile
    from salesflow.model.process import Process
    from salesflow.model.summary import ProcessSummary, SummaryFile

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
    from salesflow.cli.review_out import csv_lines, deals_json, write, write_json
    from salesflow.reports.shapes import invalid_csv_rows, invalid_json

    day = parse_date(as_of, "--as-of") or _common.today()
    ws: Workspace | Overview
    process: Process | ProcessSummary
    slim = _slim_review(day, owner or ()) if as_of is None else None
    if slim is not None:  # today: from the cached summaries and review facts
        ws, reviews = slim
        process = ws.process
    else:  # from the full deals; another day's amounts, close dates, steps as they were
        ws = _full_review_workspace()
        process = ws.process
        reviews = _full_review(ws, day, owner or (), as_of is not None)
    currency = process.currency
    if fmt == Format.json:
        write_json({"as_of": day, "currency": currency}, "deals", deals_json(reviews),
                   {"invalid": invalid_json(ws.problems)})
    elif fmt == Format.csv:
        write(csv_lines(REVIEW_CSV, reviews, invalid_csv_rows(ws.problems, len(REVIEW_CSV))))
    else:
        print_review(reviews, day, currency, process)
        invalid_notes(invalid_json(ws.problems))
    raise typer.Exit(1 if ws.problems else 0)


def _full_review_workspace() -> Workspace:
    from salesflow.cli._accounts import effective_workspace

    return effective_workspace(load())


def _full_review(ws: Workspace, day: dt.date, owners: Sequence[str], replay: bool,
                 ) -> list[DealReview]:
    """The review from the full deals (with `replay`, their fields as they were on `day`)."""
    from salesflow.cli._accounts import account_views
    from salesflow.method.account_health import with_account_risks
    from salesflow.method.health import review as build

    deals = ws.deals
    if replay:
        from salesflow.model.deal import DealFile
        from salesflow.reports.replay import fields_as_of

        deals = [DealFile(d.id, d.path, fields_as_of(d.deal, day)) for d in deals]
    reviews = build(ws.process, deals, day, owners)
    return with_account_risks(reviews, account_views(ws), ws.process, day)


def _slim_review(day: dt.date, owners: Sequence[str],
                 ) -> tuple[Overview, list[DealReview]] | None:
    """Today's review from the cached summaries and facts (`slim_review`)."""
    from salesflow.cli._common import overview

    ws = overview(facts="review")
    return ws, slim_review(ws, day, owners)


def slim_review(ws: Overview, day: dt.date, owners: Sequence[str]) -> list[DealReview]:
    """Today's review from the cached summaries and review facts, as fast as the funnel.

    Each deal is judged from the facts its summary carries
    (`method.review_facts.judge`): a few date comparisons, and the findings
    said in words. Only a deal whose passed milestone rules no longer hold
    is read whole, for the rules' own words, and so is every deal linked to
    an account (its account's people change what is judged; accounts are few
    files, and only the linked deals are read). The process itself is read
    only for those. Exactly what the full deals give
    (tests/test_slim_paths.py holds the two side by side).
    """
    from salesflow.method.review_facts import judge
    from salesflow.method.reviewed import DealReview, amounts, order
    from salesflow.model.summary import DealSummary, SummaryFile

    REVIEW = DealSummary._fields.index("review")
    _new = tuple.__new__  # the summary without its facts, built as the loader builds it

    wanted = set(owners)
    linked = _linked(ws, day) if any(d.deal.account is not None for d in ws.deals) else {}
    full = _Full(ws)
    said: dict[Any, Any] = {}  # each risk once, for every deal it is found on
    out: list[DealReview] = []
    deals = ws.deals
    for i, item in enumerate(deals):
        d = item.deal
        lean = _new(SummaryFile, (item.id, item.path, _new(DealSummary, (*d[:REVIEW], None,
                                                                         *d[REVIEW + 1:]))))
        deals[i] = lean  # memory stays flat: the facts go once judged
        if d.status not in ("open", "hold") or (wanted and d.owner not in wanted):
            continue
        amount, value = amounts(d, ws.process)
        if item.id in linked:
            found = linked[item.id]
        else:
            found, broken = judge(d, ws.process, day, said)
            if broken:
                found = full.risks(item, day)
        out.append(DealReview(lean, amount, value, tuple(found)))
    out.sort(key=order)
    return out


class _Full:
    """The full process and deals, read only when a deal needs them."""

    def __init__(self, ws: Overview) -> None:
        self.ws = ws
        self._process: Process | None = None

    @property
    def process(self) -> Process:
        from salesflow.files.load import load_process

        if self._process is None:
            self._process = load_process(self.ws.root)
        return self._process

    def deal(self, item: SummaryFile) -> DealFile:
        from salesflow.files.load import load_deal_file
        from salesflow.model.errors import Problem, ProblemsError

        root = self.ws.root
        found, problems = load_deal_file(root, root / item.path, self.process)
        if found is None:  # changed since it was read a moment ago
            raise ProblemsError(problems or [Problem(item.path, 0, 0, _(
                "changed while salesflow was reading it; run the command again"), "changed")])
        return found

    def risks(self, item: SummaryFile, day: dt.date) -> list[Risk]:
        from salesflow.method.health import risks

        return risks(self.deal(item).deal, self.process, day)


def _linked(ws: Overview, day: dt.date) -> dict[str, list[Risk]]:
    """The risks of every open or held deal linked to an account, judged from full data.

    As the full path judges them: each linked deal merged with its account
    (a missing or invalid account is said, and becomes a problem of the
    report), its own checks, then the account's checks with the account's
    other deals. Only the linked deals are read whole.
    """
    from salesflow.cli._accounts import account_views, effective_workspace
    from salesflow.files.workspace import Workspace
    from salesflow.method.account_health import account_risks
    from salesflow.method.health import risks

    full = _Full(ws)
    mini = Workspace(ws.root, full.process, [full.deal(item) for item in ws.deals
                                             if item.deal.account is not None], ws.problems)
    mini = effective_workspace(mini)
    views = account_views(mini)
    out: dict[str, list[Risk]] = {}
    for item in mini.deals:
        deal = item.deal
        if deal.status not in ("open", "hold"):
            continue
        found = risks(deal, mini.process, day)
        view = views.get(item.id)
        if view is not None:
            found += account_risks(deal, view, mini.process, day)
        out[item.id] = found
    return out


def review_json(r: DealReview) -> dict[str, Any]:
    from salesflow.model.money import money_json

    d = r.item.deal
    return {
        "id": r.item.id, "name": d.name, "customer": d.customer, "owner": d.owner,
        "stage": d.stage, "status": d.status, "amount": money_json(r.amount),
        "weighted": money_json(r.weighted), "path": r.item.path,
        "risks": [{"code": k.code, "reason": k.reason, "move": k.move} for k in r.risks],
    }


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
    headings = Headings(currency, process, output.out.width)
    for r in risky:
        output.print()
        head, tail = headings(r)
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
    return Headings(currency, process, width)(r)


class Headings:
    """Deals' headings within `width`, each repeated part made and measured once.

    A review of thousands of deals repeats a few stages, statuses and owners:
    their words and their width are worked out once per review, not per deal.
    """

    def __init__(self, currency: str, process: Any, width: int) -> None:
        self.currency = currency
        self.process = process
        self.width = width
        self.no_owner = _("no owner")
        self.weighted = _("weighted {amount} {currency}")
        self.amount = _("amount {amount} {currency}")
        self.no_amount = _("no amount")
        self._facts: dict[tuple[str, str, str | None], tuple[str, int]] = {}

    def facts(self, d: Any) -> tuple[str, int]:
        """The stage, status and owner part of a heading's tail, and its cells."""
        key = (d.stage, d.status, d.owner)
        found = self._facts.get(key)
        if found is None:
            stage = self.process.stage(d.stage)
            facts = [f"{stage.code} {stage.probability}%"]
            if d.status != "open":
                facts.append(status_word(d.status))
            facts.append(d.owner or self.no_owner)
            text = "  " + " · ".join(facts) + " · "
            found = self._facts[key] = (text, _cells(text))
        return found

    def __call__(self, r: DealReview) -> tuple[str, str]:
        from salesflow.output.render import money

        cell_len = _cells
        currency, width = self.currency, self.width
        d = r.item.deal
        start, start_cells = self.facts(d)
        if r.weighted is not None:
            said = self.weighted.format(amount=money(r.weighted), currency=currency)
        elif r.amount is not None:
            said = self.amount.format(amount=money(r.amount), currency=currency)
        else:
            said = self.no_amount
        tail = start + said
        id_cells = cell_len(r.item.id)
        used = id_cells + start_cells + cell_len(said)
        if used > width:  # the heading says it
            tail = tail.replace(f" {currency}", "")
            used = id_cells + cell_len(tail)
            if used > width:  # narrow: owner goes
                tail = tail.replace(f" · {d.owner or self.no_owner}", "", 1)
                used = id_cells + cell_len(tail)
                if used > width:  # then the words
                    tail = tail.replace(self.weighted.split("{")[0], "").replace(
                        self.amount.split("{")[0], "")
                    used = id_cells + cell_len(tail)
        head = fit_head(r.item.id, [x for x in (d.name, d.customer) if x], tail, width, used)
        return head, tail


def _print_plain(risky: list[DealReview], healthy: list[str], width: int, currency: str,
                 process: Any) -> None:
    """The review as plain lines, written as they are made: fast for thousands of deals.

    The same lines as the terminal's layout when piped (`print_risks` writes
    each reason and move as one line there too), without a rich call per line.
    """
    from salesflow.output.render import output

    output.lines(_plain_lines(risky, healthy, width, currency, process, output.out.width))


def _plain_lines(risky: list[DealReview], healthy: list[str], width: int, currency: str,
                 process: Any, columns: int) -> Iterator[str]:
    """The plain review, a deal's lines at a time (each text holds several lines)."""
    from salesflow.cli.review_out import risk_text
    from salesflow.output.plain import printable

    said: dict[Risk, str] = {}
    chunk: list[str] = []  # written a few hundred deals at a time
    put = chunk.append
    headings = Headings(currency, process, columns)
    for r in risky:
        head, tail = headings(r)
        put("")
        put(printable(head + tail))
        for k in r.risks:
            text = said.get(k)
            put(text if text is not None else risk_text(k, width, said))
        if len(chunk) >= CHUNK_LINES:
            yield "\n".join(chunk)
            chunk.clear()
    if chunk:
        yield "\n".join(chunk)
    if healthy:
        yield ""
        yield printable(_("No risks found: {ids}").format(ids=", ".join(healthy)))


CHUNK_LINES = 2000


def _cells(text: str) -> int:
    """Terminal cells of `text`, as rich counts them (quickly for plain ASCII and ·)."""
    if text.isprintable() and (text.isascii() or text.replace("·", "").isascii()):
        return len(text)  # "·" takes one cell
    from rich.cells import cell_len

    return cell_len(text)


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, as rich's `Text.truncate` cuts it."""
    if text.isascii() and text.isprintable():
        return text if len(text) <= width else text[:width - 1] + "…"
    from rich.text import Text

    cut = Text(text)
    cut.truncate(width, overflow="ellipsis")
    return cut.plain


def fit_head(deal_id: str, texts: list[str], tail: str, width: int,
             used: int | None = None) -> str:
    """A deal's heading line within `width`: the id whole, name and customer cut to fit.

    The facts after it (stage, owner, amount) are kept whole too; the name and
    the customer share what is left, each cut with an ellipsis, and go when
    there is no room for a few letters of them. `used`: the cells of the id
    and the tail, when the caller has counted them already.
    """
    cell_len = _cells
    room = width - (cell_len(deal_id) + cell_len(tail) if used is None else used)
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
            parts.append(_cut(text, each).rstrip(" …") + "…")
    return " · ".join(parts)
