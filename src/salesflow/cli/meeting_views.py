"""How `trend` and `changes` look in a terminal, drawn from their JSON shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.cli.report_views import esc, human, ids_text, title

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
        output.text(f"Without history, cannot be replayed, left out: "
                    f"{data['no_history']['count']} deal(s): "
                    f"{ids_text(data['no_history']['ids'])}")
    if data["disagree"]["count"]:
        output.text(f"History does not end as the file says (edited by hand?): "
                    f"{data['disagree']['count']} deal(s): "
                    f"{ids_text(data['disagree']['ids'])}")


# ------------------------------------------------------------------- trend


def print_trend(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output
    from salesflow.reports.trend import sparkline

    cur = data["currency"]
    amount, weighted, won, lost = (f"Open {cur}", f"Weighted {cur}", f"Won {cur}",
                                   f"Lost {cur}")
    heading = title("Trend", data, cut, f"by {data['every']}, {data['from']} to "
                    f"{data['to']}")
    table = output.table("Period", "Open", amount, weighted, "Won", won, "Lost", lost,
                         right=("Open", amount, weighted, "Won", won, "Lost", lost),
                         title=esc(heading))
    for r in data["rows"]:
        table.add_row(r["period"], str(r["open_count"]), human(r["open_amount"]),
                      human(r["weighted"]), str(r["won_count"]), human(r["won"]),
                      str(r["lost_count"]), human(r["lost"]))
    output.print(table)
    rows = data["rows"]
    if rows and output.fancy:
        line = sparkline([Decimal(r["weighted"]) for r in rows])
        output.text(f"Weighted: {line}  {human(rows[0]['weighted'])} -> "
                    f"{human(rows[-1]['weighted'])}")
    if len(rows) > 1:
        delta = Decimal(rows[-1]["weighted"]) - Decimal(rows[0]["weighted"])
        output.text(f"Weighted pipeline {signed(str(delta))} {cur} from the end of "
                    f"{rows[0]['period']} to {rows[-1]['end']}.")
    missing = sorted({i for r in rows for i in r["without_amount"]})
    if missing:
        output.text(f"{len(missing)} deal(s) without an amount (counted, not valued): "
                    f"{ids_text(missing)}")
    output.text("Each period's pipeline is replayed as of its last day (funnel --as-of).")
    history_notes(data)


# ----------------------------------------------------------------- changes

MAX_DEALS = 10
LABELS = {"new": "New", "advanced": "Advanced", "moved-back": "Moved back", "won": "Won",
          "lost": "Lost", "held": "Put on hold", "reopened": "Reopened",
          "slipped": "Slipped", "pulled-in": "Pulled in", "amount-up": "Amount up",
          "amount-down": "Amount down", "reassigned": "Into or out of the cut",
          "removed": "File removed", "unchanged": "Unchanged"}


def _what(deal: dict[str, Any]) -> str:
    """The move in a few words: 'C -> B', 'close 2027-03-31 -> 2027-06-30', 'won'."""
    a, z = deal["from"], deal["to"]
    if a is None:
        return f"new in {z['stage']}" if z else ""
    if z is None:
        return "file removed"
    parts = []
    if a["status"] != z["status"]:
        parts.append(f"{a['status']} -> {z['status']}")
    if a["stage"] != z["stage"]:
        parts.append(f"{a['stage']} -> {z['stage']}")
    if a["expected_close"] != z["expected_close"]:
        parts.append(f"close {a['expected_close'] or '—'} -> {z['expected_close'] or '—'}")
    if a["amount"] != z["amount"]:
        parts.append(f"{human(a['amount'])} -> {human(z['amount'])}")
    return ", ".join(parts) or "—"


def print_changes(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output

    cur = data["currency"]
    heading = title("Changes", data, cut, f"{data['since']} to {data['until']}")
    amount, weighted = f"Amount {cur}", f"Weighted {cur}"
    table = output.table("", "Deals", amount, weighted, right=("Deals", amount, weighted),
                         title=esc(heading))
    start, end = data["start"], data["end"]
    table.add_row(f"Pipeline on {data['since']}", str(start["count"]), human(start["amount"]),
                  human(start["weighted"]))
    table.add_section()
    for c in data["categories"]:
        if (c["count"] and c["category"] != "unchanged") or Decimal(c["weighted"]):
            table.add_row(LABELS[c["category"]], str(c["count"]), signed(c["amount"]),
                          signed(c["weighted"]))
    table.add_section()
    table.add_row(f"Pipeline on {data['until']}", str(end["count"]), human(end["amount"]),
                  human(end["weighted"]))
    output.print(table)
    unchanged = next(c for c in data["categories"] if c["category"] == "unchanged")
    output.text(f"Unchanged: {unchanged['count']} deal(s).")
    for c in data["categories"]:
        if not c["count"] or c["category"] == "unchanged":
            continue
        output.text()
        output.text(f"{LABELS[c['category']]} ({c['count']}), biggest first:")
        rows = output.table("Deal", "Owner", "Change", f"Weighted {cur}",
                            right=(f"Weighted {cur}",))
        for d in c["deals"][:MAX_DEALS]:
            note = _what(d) + (" (from git)" if d["source"] == "git" else "")
            rows.add_row(esc(d["id"]), esc(d["owner"] or ""), esc(note),
                         signed(d["weighted_delta"]))
        output.print(rows)
        if c["count"] > MAX_DEALS:
            output.text(f"... and {c['count'] - MAX_DEALS} more (--format json lists "
                        "them all).")
    if data["groups"]:
        output.text()
        by = data["by"].replace("_", " ")
        groups = output.table(by.capitalize(), "Moved", f"Start {cur}", f"Change {cur}",
                              f"End {cur}", right=("Moved", f"Start {cur}", f"Change {cur}",
                                                   f"End {cur}"),
                              title=f"Weighted pipeline by {by}")
        for g in data["groups"]:
            moved = sum(c["count"] for c in g["categories"] if c["category"] != "unchanged")
            groups.add_row(esc(g["group"] if g["group"] is not None else "(none)"),
                           str(moved), human(g["start"]["weighted"]),
                           signed(g["identity"]["deltas"]), human(g["end"]["weighted"]))
        output.print(groups)
    ident = data["identity"]
    output.text(f"{human(ident['start'])} {signed(ident['deltas'])} = "
                f"{human(ident['end'])} {cur} weighted (start + changes = end).")
    if data["git"] is None:
        output.text("Not in a git repository: moves are read from history only.")
    elif data["git"]["since"] and data["git"]["since"]["commit"]:
        g = data["git"]["since"]
        output.text(f"Hand edits read from git: commit {g['commit'][:10]} of {g['date']}.")
    if data["unexplained"]["count"]:
        output.text(f"Could not be explained (history does not match the file, and no git"
                    f" to ask), left out: {data['unexplained']['count']} deal(s): "
                    f"{ids_text(data['unexplained']['ids'])}")
