"""The forecast against its targets in a terminal, drawn from the forecast's JSON.

A table of its own below the forecast, so each fits 80 columns: per period the
target, what was won, the gap still to win, the open pipeline and the coverage
(open pipeline ÷ gap), marked `!` below the goal. Words go through `_()`.
"""

from __future__ import annotations

from typing import Any

from salesflow.cli.report_views import esc, human
from salesflow.model.i18n import _
from salesflow.output.numbers import report_money


def coverage_text(row: dict[str, Any]) -> str:
    """'2.40x' ('2.40x !' below the goal, 'met' once won ≥ target, '' without a target)."""
    from salesflow.output.render import output

    if row["target"] is None:
        return ""
    if row["met"]:
        return output.style(_("met"), "green")
    text = f"{row['coverage']}x"
    return output.style(f"{text} !", "bold red") if row["below_goal"] else text


def _table(rows: list[dict[str, Any]], currency: str, heading: str, owner: bool) -> Any:
    from salesflow.output.render import output

    target = _("Target {currency}").format(currency=currency)
    won = _("Won {currency}").format(currency=currency)
    gap = _("Gap {currency}").format(currency=currency)
    pipe = _("Open {currency}").format(currency=currency)
    coverage = _("Coverage")
    cols = (*((_("Owner"),) if owner else ()), _("Period"), target, won, gap, pipe, coverage)
    table = output.table(*cols, right=(target, won, gap, pipe, coverage), title=esc(heading))
    for r in rows:
        cells = [r["period"], human(r["target"]) if r["target"] else "—", human(r["won"]),
                 human(r["gap"]) if r["gap"] else "—", human(r["pipeline"]), coverage_text(r)]
        if owner:
            cells.insert(0, esc(r["owner"]) if r["owner"] is not None else "(none)")
        table.add_row(*cells)
    return table


@report_money
def print_targets(data: dict[str, Any], per_owner: bool) -> None:
    """The targets table (and the owners' with `per_owner`); a line when none applies."""
    from salesflow.output.render import output

    if not data["targets_defined"]:
        return
    goal = data["coverage_goal"]
    periods = [r for r in data["rows"] if r["kind"] == "period"]
    owners = data["owners"] or []
    has_any = any(r["target"] for r in periods) or any(
        r["target"] for o in owners for r in o["rows"])
    if not data["targets_apply"]:
        output.text(_("Targets: not compared under a segment, product line, customer or "
                      "close cut (targets are per team and owner)."))
        return
    if not has_any:
        output.text(_("Targets: none set for these months (add `targets:` to stages.yaml).")
                    if data["period"] == "month" else
                    _("Targets: none set for these quarters (add `targets:` to "
                      "stages.yaml)."))
        return
    output.text()
    output.print(_table(periods, data["currency"], _("Against targets (coverage goal "
                        "{goal}x)").format(goal=goal), owner=False))
    if per_owner:
        rows = [{**r, "owner": o["owner"]} for o in owners for r in o["rows"]]
        output.text()
        output.print(_table(rows, data["currency"], _("Against targets, per owner"),
                            owner=True))
    low = sum(1 for r in periods if r["below_goal"])
    if per_owner:
        low += sum(1 for o in owners for r in o["rows"] if r["below_goal"])
    if low:
        output.text(_("{n} row(s) below the {goal}x goal, marked !: find more pipeline.")
                    .format(n=low, goal=goal))
    output.text(_("Coverage = open pipeline closing in the period / (target - won)."))
