"""How the reports look in a terminal, drawn from their JSON shapes.

Each function takes the very dict that `--format json` prints, so the table
can only show what the JSON says. Amounts are whole units with thousands
separators under a header naming the currency; deals without an amount are
marked `?` next to their count and named below the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesflow.model.i18n import N_, _
from salesflow.output.numbers import report_money

if TYPE_CHECKING:
    from rich.table import Table

    from salesflow.reports.select import Cut

MAX_IDS = 8
NONE_LABEL = "(none)"


def human(value: str | None) -> str:
    """A JSON money string for people: '1250000.00' -> '1,250,000'."""
    from salesflow.output.render import money

    return money(None if value is None else Decimal(value))


def ids_text(ids: Sequence[str], limit: int = MAX_IDS) -> str:
    """Deal ids for a note; long lists end with 'and N more' (the JSON has them all)."""
    shown = ", ".join(ids[:limit])
    return shown + (_(" and {n} more").format(n=len(ids) - limit) if len(ids) > limit else "")


def esc(text: str) -> str:
    """Text from the files, safe in a rich table cell or title (no markup read into it)."""
    from rich.markup import escape

    return escape(text)


def counted(count: int, missing: Sequence[str]) -> str:
    """A deal count, flagged (in colour on a terminal) when some deals have no amount."""
    from salesflow.output.render import output

    return f"{count} " + output.style(f"+{len(missing)}?", "yellow") if missing else str(count)


def title(name: str, data: dict[str, Any], cut: Cut, extra: str = "") -> str:
    parts = [f"{_(name)} ({data['currency']})"]
    if extra:
        parts.append(extra)
    if not cut.empty:
        parts.append(cut.describe())
    if data.get("as_of"):
        parts.append(_("as of {date}, replayed from history").format(date=data["as_of"]))
    return " — ".join(parts)


def fraction(value: str | None, top: Decimal) -> float:
    if value is None or top <= 0:
        return 0.0
    return float(Decimal(value) / top)


def replay_notes(data: dict[str, Any]) -> None:
    """What history replay could not place: said every time, never silently dropped."""
    from salesflow.output.render import output

    rep = data.get("replay")
    if not rep:
        return
    if rep["created_later"]["count"]:
        output.text(_("Not yet created on {date}: {n} deal(s) left out.").format(
            date=rep["as_of"], n=rep["created_later"]["count"]))
    if rep["no_history"]["count"]:
        output.text(_("Without history, cannot be replayed, left out: {n} deal(s): "
                      "{ids}").format(n=rep["no_history"]["count"],
                                      ids=ids_text(rep["no_history"]["ids"])))
    if rep["disagree"]["count"]:
        output.text(_("History does not end in the stage/status the file says (edited by "
                      "hand?): {n} deal(s): {ids}").format(
                          n=rep["disagree"]["count"], ids=ids_text(rep["disagree"]["ids"])))
    if rep.get("fields_as_today", {}).get("count"):
        found = rep["fields_as_today"]
        output.text(_("Amount, currency, close date or procurement step edited by hand since "
                      "their last recorded change, taken as the file says after it: {n} "
                      "deal(s): {ids}").format(n=found["count"], ids=ids_text(found["ids"])))


def invalid_notes(invalid: dict[str, Any] | None) -> None:
    """The last line of every report table: the deal files it could not read, by path.

    Said on stdout with the table (not only on stderr), so a total is never
    pasted anywhere without the deals it is missing.
    """
    from salesflow.model.i18n import _
    from salesflow.output.render import output

    if not invalid or not invalid["count"]:
        return
    paths = ids_text([f["path"] for f in invalid["files"]])
    output.text(_("{n} deal file(s) are invalid and left out: {paths} (salesflow validate)")
                .format(n=invalid["count"], paths=paths))


# ------------------------------------------------------------------ funnel


FUNNEL_BAR = N_("Weighted")  # the heading of the funnel's bar: what it measures


def funnel_top(body: dict[str, Any]) -> Decimal:
    """The scale of funnel bars: the largest amount of a stage.

    The bar is the weighted amount; on this scale the lighter amount bar
    drawn behind it on a terminal always fits.
    """
    return max((Decimal(r["amount"]) for r in body["stages"]), default=Decimal(0))


def funnel_table(body: dict[str, Any], currency: str, heading: str | None,
                 top: Decimal | None = None) -> Table:
    """One funnel, fitted to the width: the bar is the weighted amount.

    On a terminal the amount is drawn as a lighter bar behind it. `top` is
    the scale; a `--by` view passes one scale for all its groups. Narrow
    widths: the bar shrinks, then goes; the stage name is cut with an
    ellipsis, then `Prob.` goes, then the name.
    """
    from salesflow.output.fit import Col, layered_bar

    amount = _("Amount {currency}").format(currency=currency)
    weighted = _("Weighted {currency}").format(currency=currency)
    scale = funnel_top(body) if top is None else top
    cols = [Col("Stage"), Col("Name", "text", drop=1, min=8), Col("Prob.", right=True, drop=2),
            Col("Deals", right=True), Col(amount, right=True), Col(weighted, right=True),
            Col(FUNNEL_BAR, "bar")]
    rows: list[list[Any]] = []
    for r in body["stages"]:
        front, back = fraction(r["weighted"], scale), fraction(r["amount"], scale)
        rows.append([r["code"], esc(r["name"]), f"{r['probability']}%",
                     counted(r["count"], r["without_amount"]), human(r["amount"]),
                     human(r["weighted"]),
                     lambda w, f=front, b=back: layered_bar(f, b, w)])
    total = body["total"]
    rows.append(["", _("Total"), "", counted(total["count"], total["without_amount"]),
                 human(total["amount"]), human(total["weighted"]), ""])
    return fitted_table(cols, rows, esc(heading) if heading else None, [len(rows) - 1])


def fitted_table(cols: Any, rows: Any, heading: str | None, sections: Any = ()) -> Table:
    from salesflow.output.fit import fitted

    return fitted(cols, rows, title=heading, sections=sections)


def funnel_notes(body: dict[str, Any]) -> None:
    from salesflow.output.render import output

    excluded = body["excluded"]
    output.text(_("Left out: {lost} lost, {hold} on hold.").format(
        lost=excluded["lost"]["count"], hold=excluded["hold"]["count"]))
    missing = body["total"]["without_amount"]
    if missing:
        output.text(_("{n} deal(s) without an amount (counted, not valued; marked ?): "
                      "{ids}").format(n=len(missing), ids=ids_text(missing)))


@report_money
def print_funnel(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output

    output.print(funnel_table(data, data["currency"], title(N_("Funnel"), data, cut)))
    funnel_notes(data)
    replay_notes(data)
    invalid_notes(data.get("invalid"))


def group_label(key: str | None) -> str:
    return NONE_LABEL if key is None else key


def side_table(data: dict[str, Any], heading: str) -> Table:
    """Groups as columns: deals and weighted amount each, then the total's."""
    from salesflow.output.render import output

    cur = data["currency"]
    headers = ["Stage", "Prob."]  # translated by output.table
    for i, g in enumerate(data["groups"]):
        label = group_label(g["group"])
        # unique, blank-looking
        headers += [f"{esc(label)}\n{_('Deals')}", f"{' ' * i}\n{_('Weighted')}"]
    every = _("All")
    headers += [f"{every}\n{_('Deals')}",
                f"{every}\n{_('Amount {currency}').format(currency=cur)}",
                f"{every}\n{_('Weighted {currency}').format(currency=cur)}"]
    table = output.table(*headers, right=headers[1:], title=esc(heading))
    for i, r in enumerate(data["stages"]):
        cells = [r["code"], f"{r['probability']}%"]
        for g in data["groups"]:
            row = g["stages"][i]
            if row["count"]:  # blanks, not zeros, keep a wide table readable
                cells += [counted(row["count"], row["without_amount"]), human(row["weighted"])]
            else:
                cells += ["", ""]
        cells += [counted(r["count"], r["without_amount"]), human(r["amount"]),
                  human(r["weighted"])]
        table.add_row(*cells)
    table.add_section()
    cells = [_("Total"), ""]
    for g in data["groups"]:
        t = g["total"]
        cells += [counted(t["count"], t["without_amount"]), human(t["weighted"])]
    t = data["total"]
    cells += [counted(t["count"], t["without_amount"]), human(t["amount"]), human(t["weighted"])]
    table.add_row(*cells)
    return table


@report_money
def print_funnel_by(data: dict[str, Any], cut: Cut, layout: str) -> None:
    """Side by side when the groups fit the width (or asked for), else one table each."""
    from rich.measure import Measurement

    from salesflow.output.render import output

    by = data["by"].replace("_", " ")
    heading = title(N_("Funnel"), data, cut, _("by {what}").format(what=_(by)))
    side = side_table(data, heading)
    console = output.out
    unclamped = console.options.update(max_width=100_000)  # measure clamps to the width
    needed = Measurement.get(console, unclamped, side).maximum
    if layout == "side" or (layout == "auto" and needed <= console.width):
        width = console.width
        console.width = max(needed, width)  # asked for side by side: never squeeze it
        try:
            output.print(side)
        finally:
            console.width = width
    else:
        output.print(output.style(heading, "bold"), highlight=False)
        output.text()
        top = funnel_top(data)  # one scale for every group: the whole funnel's
        for g in data["groups"]:
            output.print(funnel_table(g, data["currency"],
                                      f"{_(by).capitalize()}: {group_label(g['group'])}",
                                      top))
            output.text()
        output.print(funnel_table(data, data["currency"], _(
            "All {n} {what} groups together").format(n=len(data["groups"]), what=_(by)), top))
    funnel_notes(data)
    replay_notes(data)
    invalid_notes(data.get("invalid"))


# ---------------------------------------------------------------- forecast

# Words that reach `_()` through a variable (a --by or --period value).
CUT_WORDS = (N_("owner"), N_("segment"), N_("product line"), N_("month"), N_("quarter"))
ROW_LABELS = {"overdue": N_("Overdue"), "no_close": N_("No expected close")}


@report_money
def print_forecast(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output

    cur = data["currency"]
    best = _("Best case {currency}").format(currency=cur)
    weighted = _("Weighted {currency}").format(currency=cur)
    won = _("Won {currency}").format(currency=cur)
    heading = title(N_("Forecast"), data, cut, _("by {period}, {from_} to {to}").format(
        period=_(data["period"]), from_=data["from"], to=data["to"]))
    from salesflow.output.fit import Col, layered_bar

    cols = [Col("Period"), Col("Open deals", right=True, drop=1), Col(best, right=True),
            Col(weighted, right=True), Col("Won deals", right=True, drop=2),
            Col(won, right=True), Col("Weighted", "bar")]
    # the bar is the weighted amount, the best case a lighter bar behind it (terminal)
    top = max((Decimal(r["best_case"]) for r in data["rows"]), default=Decimal(0))
    rows: list[list[Any]] = []
    for r in data["rows"]:
        label = r["period"] or _(ROW_LABELS[r["kind"]])
        if r["kind"] != "period" and r["count"]:
            label = output.style(label, "bold red")
        missing = r["without_amount"]
        part, best_part = fraction(r["weighted"], top), fraction(r["best_case"], top)
        rows.append([label, counted(r["count"], missing if r["count"] else []),
                     human(r["best_case"]), human(r["weighted"]),
                     counted(r["won_count"], missing if r["won_count"] else []),
                     human(r["won"]), lambda w, f=part, b=best_part: layered_bar(f, b, w)])
    t = data["total"]
    rows.append([_("Total"), str(t["count"]), human(t["best_case"]), human(t["weighted"]),
                 str(t["won_count"]), human(t["won"]), ""])
    table = fitted_table(cols, rows, esc(heading), [len(rows) - 1])
    output.print(table)
    if data["overdue"]["count"]:
        output.text(_("Overdue: {n} open deal(s) expected to close before {date}: {ids}; move "
                      "their dates or close them.").format(
                          n=data["overdue"]["count"], date=data["today"],
                          ids=ids_text(data["overdue"]["ids"])))
    if data["no_close"]["count"]:
        output.text(_("No expected close: {n} open deal(s) cannot be placed in a period: "
                      "{ids}; give them an expected_close.").format(
                          n=data["no_close"]["count"], ids=ids_text(data["no_close"]["ids"])))
    if t["without_amount"]:
        output.text(_("{n} deal(s) without an amount (counted, not valued; marked ?): "
                      "{ids}").format(n=len(t["without_amount"]),
                                      ids=ids_text(t["without_amount"])))
    if data["left_out"]["count"]:
        output.text(_("Closing outside {from_} to {to}, left out: {n} open deal(s): "
                      "{ids}").format(from_=data["from"], to=data["to"],
                                      n=data["left_out"]["count"],
                                      ids=ids_text(data["left_out"]["ids"])))
    if data["won_undated"]["count"]:
        output.text(_("Won, but the history does not say when (not in any period): {n} "
                      "deal(s): {ids}").format(n=data["won_undated"]["count"],
                                               ids=ids_text(data["won_undated"]["ids"])))
    output.text(_("Not forecast: {n} on hold; lost deals never are.").format(
        n=data["held"]["count"]))
    replay_notes(data)


# ------------------------------------------------------------------- stats


def rate_text(rate: dict[str, Any] | None) -> str:
    if rate is None:
        return ""
    value = "—" if rate["percent"] is None else f"{rate['percent']:.1f}%"
    return f"{value} n={rate['sample']}"


def days_text(days: dict[str, Any] | None, key: str) -> str:
    if days is None:
        return ""
    value = days[key]
    return "—" if value is None else f"{value:.1f}"


@report_money
def print_stats(data: dict[str, Any], cut: Cut) -> None:
    from salesflow.output.render import output

    if data["from"] or data["to"]:
        window = _("{from_} to {to}").format(from_=data["from"] or _("the start"),
                                              to=data["to"] or _("today"))
    else:
        window = _("all history")
    heading = title(N_("Pipeline statistics"), data, cut, window)
    from salesflow.output.fit import Col

    cols = [Col("Stage"), Col("Name", "text", drop=1), Col("Prob.", right=True),
            Col("Won from here", right=True), Col("To next stage", right=True, drop=2),
            Col("Avg days", right=True), Col("Median days", right=True, drop=4),
            Col("Days n", right=True, drop=3)]
    rows = [[s["code"], esc(s["name"]), f"{s['probability']}%", rate_text(s["observed_win"]),
             rate_text(s["conversion"]), days_text(s["days"], "avg"),
             days_text(s["days"], "median"),
             "" if s["days"] is None else str(s["days"]["sample"])] for s in data["stages"]]
    forced = data["forced"]
    if forced["moves"]:  # beside the conversion it is part of, never hidden in it
        cols.insert(5, Col("Forced", right=True, drop=2))
        for row, s in zip(rows, data["stages"], strict=True):
            row.insert(5, "" if not s["forced"] else str(s["forced"]))
    output.print(fitted_table(cols, rows, esc(heading)))
    if forced["moves"]:
        output.text(_("Forced moves (past unmet milestones): {n} ({ids}); counted in "
                      "\"To next stage\", shown under \"Forced\".").format(
                          n=forced["moves"], ids=ids_text(forced["ids"])))
    win = data["win_rate"]
    share = "—" if win["percent"] is None else f"{win['percent']:.1f}%"
    output.text(_("Win rate: {share} ({won} won, {lost} lost)").format(
        share=share, won=win["won"], lost=win["lost"]))
    cycle = data["cycle_days_to_won"]
    if cycle["avg"] is None:
        output.text(_("Cycle time to won: — (n={n})").format(n=cycle["sample"]))
    else:
        output.text(_("Cycle time to won: average {avg} days, median {median} (n={n})").format(
            avg=f"{cycle['avg']:.1f}", median=f"{cycle['median']:.1f}", n=cycle["sample"]))
    if data["lost_reasons"]:
        output.text()
        amount = _("Amount {currency}").format(currency=data["currency"])
        lost = [[esc(r["reason"] or _("(not given)")), counted(r["count"], r["without_amount"]),
                 human(r["amount"])] for r in data["lost_reasons"]]
        output.print(fitted_table([Col("Lost reason", "text"), Col("Deals", right=True),
                                   Col(amount, right=True)], lost, _("Lost reasons")))
    output.text(_("From the history of {n} deal(s); a figure resting on fewer than {min} "
                  "deals is not given (—).").format(n=data["deals"], min=data["min_sample"]))
    if data["no_history"]["count"]:
        output.text(_("Without history, not counted: {n} deal(s): {ids}").format(
            n=data["no_history"]["count"], ids=ids_text(data["no_history"]["ids"])))
    invalid_notes(data.get("invalid"))
