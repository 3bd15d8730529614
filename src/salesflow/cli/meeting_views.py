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
