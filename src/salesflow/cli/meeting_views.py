"""How `trend` and `changes` look in a terminal, drawn from their JSON shapes.

Every word goes through `_()` (salesflow.model.i18n); the JSON and CSV stay
English.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.cli.report_views import esc, human, ids_text, title
from salesflow.model.i18n import N_, _
from salesflow.output.numbers import report_money

if TYPE_CHECKING:
    from salesflow.reports.select import Cut


def signed(value: str | None) -> str:
    """A money delta for people: '+125,000', '-40,000', '0'."""
    if value is None:
        return "—"
    amount = Decimal(value)
    text = human(value)
    return f"+{text}" if amount > 0 else text


def history_notes(data: dict[str, Any]) -> None:
    from salesflow.output.render import output

    if data["no_history"]["count"]:
        output.text(_("Without history, cannot be replayed, left out: {n} deal(s): {ids}")
                    .format(n=data["no_history"]["count"],
                            ids=ids_text(data["no_history"]["ids"])))
    if data["disagree"]["count"]:
        output.text(_("History does not end as the file says (edited by hand?): {n} "
                      "deal(s): {ids}").format(n=data["disagree"]["count"],
                                               ids=ids_text(data["disagree"]["ids"])))


# ------------------------------------------------------------------- trend


@report_money
def print_trend(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output
    from salesflow.reports.trend import sparkline

    cur = data["currency"]
    period, count, won_n, lost_n = _("Period"), _("Open"), _("Won"), _("Lost")
    amount = _("Open {currency}").format(currency=cur)
    weighted = _("Weighted {currency}").format(currency=cur)
    won = _("Won {currency}").format(currency=cur)
    lost = _("Lost {currency}").format(currency=cur)
    every = _("week") if data["every"] == "week" else _("month")
    heading = title(_("Trend"), data, cut, _("by {every}, {start} to {end}").format(
        every=every, start=data["from"], end=data["to"]))
    table = output.table(period, count, amount, weighted, won_n, won, lost_n, lost,
                         right=(count, amount, weighted, won_n, won, lost_n, lost),
                         title=esc(heading))
    for r in data["rows"]:
        table.add_row(r["period"], str(r["open_count"]), human(r["open_amount"]),
                      human(r["weighted"]), str(r["won_count"]), human(r["won"]),
                      str(r["lost_count"]), human(r["lost"]))
    output.print(table)
    rows = data["rows"]
    if rows and output.fancy:
        line = sparkline([Decimal(r["weighted"]) for r in rows])
        output.text(_("Weighted: {line}  {first} -> {last}").format(
            line=line, first=human(rows[0]["weighted"]), last=human(rows[-1]["weighted"])))
    if len(rows) > 1:
        delta = Decimal(rows[-1]["weighted"]) - Decimal(rows[0]["weighted"])
        output.text(_("Weighted pipeline {delta} {currency} from the end of {first} to "
                      "{last}.").format(delta=signed(str(delta)), currency=cur,
                                        first=rows[0]["period"], last=rows[-1]["end"]))
    missing = sorted({i for r in rows for i in r["without_amount"]})
    if missing:
        output.text(_("{n} deal(s) without an amount (counted, not valued): {ids}").format(
            n=len(missing), ids=ids_text(missing)))
    output.text(_("Each period's pipeline is replayed as of its last day (funnel --as-of)."))
    history_notes(data)


# ----------------------------------------------------------------- changes

MAX_DEALS = 10
LABELS = {"new": N_("New"), "advanced": N_("Advanced"), "moved-back": N_("Moved back"),
          "won": N_("Won"), "lost": N_("Lost"), "held": N_("Put on hold"),
          "reopened": N_("Reopened"), "slipped": N_("Slipped"), "pulled-in": N_("Pulled in"),
          "amount-up": N_("Amount up"), "amount-down": N_("Amount down"),
          "reassigned": N_("Into or out of the cut"), "removed": N_("File removed"),
          "unchanged": N_("Unchanged")}


def _what(deal: dict[str, Any]) -> str:
    """The move in a few words: 'C -> B', 'close 2027-03-31 -> 2027-06-30', 'won'."""
    a, z = deal["from"], deal["to"]
    if a is None:
        return _("new in {stage}").format(stage=z["stage"]) if z else ""
    if z is None:
        return _("file removed")
    parts = []
    if a["status"] != z["status"]:
        parts.append(f"{a['status']} -> {z['status']}")
    if a["stage"] != z["stage"]:
        parts.append(f"{a['stage']} -> {z['stage']}")
    if a["expected_close"] != z["expected_close"]:
        parts.append(_("close {old} -> {new}").format(old=a["expected_close"] or "—",
                                                      new=z["expected_close"] or "—"))
    if a["amount"] != z["amount"]:
        parts.append(f"{human(a['amount'])} -> {human(z['amount'])}")
    return ", ".join(parts) or "—"


@report_money
def print_changes(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output

    cur = data["currency"]
    heading = title(_("Changes"), data, cut, _("{start} to {end}").format(
        start=data["since"], end=data["until"]))
    deals = _("Deals")
    amount = _("Amount {currency}").format(currency=cur)
    weighted = _("Weighted {currency}").format(currency=cur)
    table = output.table("", deals, amount, weighted, right=(deals, amount, weighted),
                         title=esc(heading))
    start, end = data["start"], data["end"]
    table.add_row(_("Pipeline on {day}").format(day=data["since"]), str(start["count"]),
                  human(start["amount"]), human(start["weighted"]))
    table.add_section()
    for c in data["categories"]:
        if (c["count"] and c["category"] != "unchanged") or Decimal(c["weighted"]):
            table.add_row(_(LABELS[c["category"]]), str(c["count"]), signed(c["amount"]),
                          signed(c["weighted"]))
    table.add_section()
    table.add_row(_("Pipeline on {day}").format(day=data["until"]), str(end["count"]),
                  human(end["amount"]), human(end["weighted"]))
    output.print(table)
    unchanged = next(c for c in data["categories"] if c["category"] == "unchanged")
    output.text(_("Unchanged: {n} deal(s).").format(n=unchanged["count"]))
    for c in data["categories"]:
        if not c["count"] or c["category"] == "unchanged":
            continue
        output.text()
        output.text(_("{category} ({n}), biggest first:").format(
            category=_(LABELS[c["category"]]), n=c["count"]))
        rows = output.table(_("Deal"), _("Owner"), _("Change"), weighted, right=(weighted,))
        for d in c["deals"][:MAX_DEALS]:
            note = _what(d) + (" " + _("(from git)") if d["source"] == "git" else "")
            rows.add_row(esc(d["id"]), esc(d["owner"] or ""), esc(note),
                         signed(d["weighted_delta"]))
        output.print(rows)
        if c["count"] > MAX_DEALS:
            output.text(_("... and {n} more (--format json lists them all).").format(
                n=c["count"] - MAX_DEALS))
    if data["groups"]:
        output.text()
        by = {"owner": _("owner"), "segment": _("segment"),
              "product_line": _("product line")}[data["by"]]
        moved = _("Moved")
        first = _("Start {currency}").format(currency=cur)
        change = _("Change {currency}").format(currency=cur)
        last = _("End {currency}").format(currency=cur)
        groups = output.table(by.capitalize(), moved, first, change, last,
                              right=(moved, first, change, last),
                              title=_("Weighted pipeline by {by}").format(by=by))
        for g in data["groups"]:
            n = sum(c["count"] for c in g["categories"] if c["category"] != "unchanged")
            groups.add_row(esc(g["group"] if g["group"] is not None else "(none)"),
                           str(n), human(g["start"]["weighted"]),
                           signed(g["identity"]["deltas"]), human(g["end"]["weighted"]))
        output.print(groups)
    ident = data["identity"]
    output.text(_("{start} {deltas} = {end} {currency} weighted (start + changes = end).")
                .format(start=human(ident["start"]), deltas=signed(ident["deltas"]),
                        end=human(ident["end"]), currency=cur))
    if data["git"] is None:
        output.text(_("Not in a git repository: moves are read from history only."))
    elif data["git"]["since"] and data["git"]["since"]["commit"]:
        g = data["git"]["since"]
        output.text(_("Hand edits read from git: commit {commit} of {day}.").format(
            commit=g["commit"][:10], day=g["date"]))
    if data["unexplained"]["count"]:
        output.text(_("Could not be explained (history does not match the file, and no "
                      "git to ask), left out: {n} deal(s): {ids}").format(
                          n=data["unexplained"]["count"],
                          ids=ids_text(data["unexplained"]["ids"])))
