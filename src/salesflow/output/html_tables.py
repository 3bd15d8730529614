"""The report page's tables and their notes: funnel, forecast, statistics, deals.

Kept apart from `salesflow.output.html` (the page, its header and cards).
Every word goes through `_()` at the moment the page is built, so the page
speaks the invocation's language; every value from the files is escaped.
Amounts are shown by `output.numbers` (`¥1,250,000` in Chinese); the exact
decimal stays in each cell's `data-exact` for the browser test.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from salesflow.model.i18n import N_, _
from salesflow.output import numbers

ROW_LABELS = {"overdue": N_("Overdue (expected close past)"),
              "no_close": N_("No expected close")}


STATUS_LABELS = {"open": N_("open"), "won": N_("won"), "hold": N_("on hold"), "lost": N_("lost")}


def status_label(status: str) -> str:
    """A deal's status in words."""
    return _(STATUS_LABELS.get(status, status))


def human(value: str | Decimal | None, currency: str | None = None) -> str:
    """'1250000.00' -> '1,250,000' ('¥1,250,000' in Chinese when the currency is given)."""
    return numbers.money(None if value is None else Decimal(value), currency)


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def money_cell(field: str, value: str | None, currency: str | None, extra: str = "") -> str:
    exact = "" if value is None else f' data-exact="{e(value)}"'
    return (f'<td class="num{extra}" data-field="{field}"{exact}>'
            f"{e(human(value, currency))}</td>")


def count_cell(field: str, count: int, missing: Sequence[str] = ()) -> str:
    tip = _("without an amount: {ids}").format(ids=", ".join(missing))
    flag = (f' <span class="flag" title="{e(tip)}">+{len(missing)}?</span>' if missing else "")
    return f'<td class="num" data-field="{field}" data-exact="{count}">{count}{flag}</td>'


def ids(values: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(f"<code>{e(i)}</code>" for i in values[:limit])
    more = _(" and {n} more").format(n=len(values) - limit) if len(values) > limit else ""
    return shown + more


def notes(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{line}</li>" for line in lines if line)
    return f'<ul class="notes">{items}</ul>' if items else ""


def replay_notes(data: dict[str, Any]) -> list[str]:
    rep = data.get("replay")
    if not rep:
        return []
    out = []
    if rep["created_later"]["count"]:
        out.append(e(_("Not yet created on {date}: {n} deal(s) left out.").format(
            date=numbers.day(rep["as_of"]), n=rep["created_later"]["count"])))
    if rep["no_history"]["count"]:
        out.append(e(_("Without history, cannot be replayed, left out: {ids}")).format(
            ids=ids(rep["no_history"]["ids"])))
    if rep["disagree"]["count"]:
        out.append(e(_("History does not end where the file says (edited by hand?): {ids}"))
                   .format(ids=ids(rep["disagree"]["ids"])))
    if rep.get("fields_as_today", {}).get("count"):
        out.append(e(_("Fields edited by hand since their last recorded change: {ids}"))
                   .format(ids=ids(rep["fields_as_today"]["ids"])))
    return out


def _th(text: str, num: bool = False) -> str:
    return f'<th class="num">{e(text)}</th>' if num else f"<th>{e(text)}</th>"


# ----------------------------------------------------------------- funnel


def funnel_table(funnel: dict[str, Any]) -> str:
    cur = funnel["currency"]
    rows = []
    for s in funnel["stages"]:
        rows.append(f'<tr data-code="{e(s["code"])}"><td><b>{e(s["code"])}</b></td>'
                    f"<td>{e(s['name'])}</td><td class=\"num\">{s['probability']}%</td>"
                    f"{count_cell('count', s['count'], s['without_amount'])}"
                    f"{money_cell('amount', s['amount'], cur)}"
                    f"{money_cell('weighted', s['weighted'], cur)}</tr>")
    t = funnel["total"]
    rows.append(f'<tr class="total" data-code="TOTAL"><td></td><td>{e(_("Total"))}</td><td></td>'
                f"{count_cell('count', t['count'], t['without_amount'])}"
                f"{money_cell('amount', t['amount'], cur)}"
                f"{money_cell('weighted', t['weighted'], cur)}</tr>")
    head = (_th(_("Stage")) + _th(_("Name")) + _th(_("Prob."), True) + _th(_("Deals"), True)
            + _th(_("Amount {currency}").format(currency=cur), True)
            + _th(_("Weighted {currency}").format(currency=cur), True))
    return (f'<table id="funnel-table" class="cards-on-phone"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def funnel_notes(funnel: dict[str, Any]) -> str:
    ex = funnel["excluded"]
    lines = [e(_("Left out of the funnel: {lost} lost, {hold} on hold.").format(
        lost=ex["lost"]["count"], hold=ex["hold"]["count"]))]
    missing = funnel["total"]["without_amount"]
    if missing:
        lines.append(e(_("{n} deal(s) without an amount — counted, not valued (marked ?): "
                         "{ids}")).format(n=len(missing), ids=ids(missing)))
    return notes(lines + replay_notes(funnel))


# --------------------------------------------------------------- forecast


def period_word(period: str) -> str:
    """'month' / 'quarter' in words (the catalog's words of the terminal's forecast)."""
    return _({"month": N_("month"), "quarter": N_("quarter")}.get(period, period))


def forecast_table(fc: dict[str, Any]) -> str:
    cur = fc["currency"]
    rows = []
    for r in fc["rows"]:
        label = r["period"] or _(ROW_LABELS[r["kind"]])
        warn = " warn" if r["kind"] != "period" and r["count"] else ""
        key = r["period"] or r["kind"]
        missing = r["without_amount"]
        rows.append(f'<tr data-period="{e(key)}" class="{r["kind"]}{warn}"><td>{e(label)}</td>'
                    f"{count_cell('count', r['count'], missing if r['count'] else [])}"
                    f"{money_cell('best_case', r['best_case'], cur)}"
                    f"{money_cell('weighted', r['weighted'], cur)}"
                    f"{count_cell('won_count', r['won_count'], missing if r['won_count'] else [])}"
                    f"{money_cell('won', r['won'], cur)}</tr>")
    t = fc["total"]
    rows.append(f'<tr class="total" data-period="TOTAL"><td>{e(_("Total"))}</td>'
                f"{count_cell('count', t['count'])}"
                f"{money_cell('best_case', t['best_case'], cur)}"
                f"{money_cell('weighted', t['weighted'], cur)}"
                f"{count_cell('won_count', t['won_count'])}{money_cell('won', t['won'], cur)}"
                "</tr>")
    head = (_th(_("Period ({period})").format(period=period_word(fc["period"])))
            + _th(_("Open deals"), True)
            + _th(_("Best case {currency}").format(currency=cur), True)
            + _th(_("Weighted {currency}").format(currency=cur), True)
            + _th(_("Won deals"), True) + _th(_("Won {currency}").format(currency=cur), True))
    return (f'<table id="forecast-table" class="cards-on-phone"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def forecast_notes(fc: dict[str, Any]) -> str:
    rows = {r["kind"]: r for r in fc["rows"]}
    lines = []
    bold = {"b": "<b>", "end": "</b>"}
    if rows["overdue"]["count"]:
        lines.append(e(_("{b}{n} open deal(s) are overdue{end}: expected to close before "
                         "{date}: {ids}. Move their dates or close them.")).format(
            n=rows["overdue"]["count"], date=e(numbers.day(fc["today"])),
            ids=ids(fc["overdue"]["ids"]), **bold))
    if rows["no_close"]["count"]:
        lines.append(e(_("{b}{n} open deal(s) have no expected close{end} and cannot be "
                         "placed in a period: {ids}.")).format(
            n=rows["no_close"]["count"], ids=ids(fc["no_close"]["ids"]), **bold))
    if fc["left_out"]["count"]:
        lines.append(e(_("Closing outside {from_} to {to}, left out: {ids}")).format(
            from_=e(numbers.day(fc["from"])), to=e(numbers.day(fc["to"])),
            ids=ids(fc["left_out"]["ids"])))
    if fc["won_undated"]["count"]:
        lines.append(e(_("Won, but the history does not say when: {ids}")).format(
            ids=ids(fc["won_undated"]["ids"])))
    lines.append(e(_("Not forecast: {n} on hold; lost deals never are. Won deals count in "
                     "the period they were won.").format(n=fc["held"]["count"])))
    return notes(lines + replay_notes(fc))


# ------------------------------------------------------------------ stats


def _rate(rate: dict[str, Any] | None, field: str) -> str:
    if rate is None:
        return '<td class="num"></td>'
    value = "—" if rate["percent"] is None else f"{rate['percent']:.1f}%"
    exact = "" if rate["percent"] is None else f' data-exact="{rate["percent"]}"'
    return (f'<td class="num" data-field="{field}"{exact}>{value} '
            f'<span class="n">n={rate["sample"]}</span></td>')


def _days(days: dict[str, Any] | None, key: str, field: str) -> str:
    if days is None or days[key] is None:
        return '<td class="num">' + ("" if days is None else "—") + "</td>"
    return f'<td class="num" data-field="{field}" data-exact="{days[key]}">{days[key]:.1f}</td>'


def stats_section(st: dict[str, Any]) -> str:
    rows = []
    for s in st["stages"]:
        n = "" if s["days"] is None else str(s["days"]["sample"])
        rows.append(f'<tr data-code="{e(s["code"])}"><td><b>{e(s["code"])}</b></td>'
                    f"<td>{e(s['name'])}</td>"
                    f'<td class="num" data-field="probability">{s["probability"]}%</td>'
                    f"{_rate(s['observed_win'], 'observed_win')}"
                    f"{_rate(s['conversion'], 'conversion')}"
                    f"{_days(s['days'], 'avg', 'avg_days')}"
                    f"{_days(s['days'], 'median', 'median_days')}<td class=\"num\">{n}</td></tr>")
    head = (_th(_("Stage")) + _th(_("Name")) + _th(_("Configured"), True)
            + _th(_("Won from here"), True) + _th(_("To next stage"), True)
            + _th(_("Avg days"), True) + _th(_("Median days"), True) + _th("n", True))
    table = (f'<table id="stats-table" class="cards-on-phone"><thead><tr>{head}</tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>")
    win = st["win_rate"]
    share = "—" if win["percent"] is None else f"{win['percent']:.1f}%"
    cycle = st["cycle_days_to_won"]
    cyc = ("—" if cycle["avg"] is None else
           _("{avg} days average, {median} median").format(avg=f"{cycle['avg']:.1f}",
                                                           median=f"{cycle['median']:.1f}"))
    facts = ('<p class="facts"><span>'
             + e(_("Win rate {share} ({won} won, {lost} lost)")).format(
                 share=f'<b id="win-rate">{share}</b>', won=win["won"], lost=win["lost"])
             + "</span> <span>"
             + e(_("Cycle time to won {time} (n={n})")).format(
                 time=f'<b id="cycle-time">{e(cyc)}</b>', n=cycle["sample"])
             + "</span></p>")
    reasons = ""
    if st["lost_reasons"]:
        cur = st["currency"]
        body = "".join(
            f'<tr data-reason="{e(r["reason"] or "")}"><td>{e(r["reason"] or _("(not given)"))}'
            f"</td>{count_cell('count', r['count'], r['without_amount'])}"
            f"{money_cell('amount', r['amount'], cur)}</tr>" for r in st["lost_reasons"])
        head = (_th(_("Reason")) + _th(_("Deals"), True)
                + _th(_("Amount {currency}").format(currency=cur), True))
        reasons = (f'<h3>{e(_("Lost reasons"))}</h3><table id="lost-table" '
                   f'class="cards-on-phone"><thead><tr>{head}</tr></thead>'
                   f"<tbody>{body}</tbody></table>")
    lines = [e(_("From the history of {n} deal(s). “Won from here”: of the deals that "
                 "reached the stage and were decided, the share won — compare it with the "
                 "configured probability. A figure resting on fewer than {min} deals is not "
                 "given (—). Days in a stage leave out time on hold.").format(
                     n=st["deals"], min=st["min_sample"]))]
    if st["no_history"]["count"]:
        lines.append(e(_("Without history, not counted: {ids}")).format(
            ids=ids(st["no_history"]["ids"])))
    return facts + table + reasons + notes(lines)


# ------------------------------------------------------------------ deals


def deals_table(deals: Sequence[dict[str, Any]], currency: str,
                extras: dict[str, dict[str, Any]] | None = None) -> str:
    rows = []
    for d in deals:
        gap = " missing" if d["amount"] is None else ""
        name = f"<br><small>{e(d['name'])}</small>" if d["name"] else ""
        extra = (extras or {}).get(d["id"], {})
        step = extra.get("next_step")
        step_cell = ("—" if step is None else
                     f'<span class="{"late" if step["overdue"] else ""}">{e(step["due"])}'
                     f"</span> {e(step['action'])}")
        days = extra.get("days_in_stage")
        rows.append(f'<tr data-id="{e(d["id"])}" class="{e(d["status"])}">'
                    f"<td><code>{e(d['id'])}</code>{name}</td><td>{e(d['customer'])}</td>"
                    f"<td>{e(d['owner'])}</td><td>{e(d['stage'])} "
                    f"<small>{d['probability']}%</small></td>"
                    f"<td>{e(status_label(d['status']))}</td>"
                    f"{money_cell('amount', d['amount'], currency, gap)}"
                    f"{money_cell('weighted', d['weighted'], currency)}"
                    f"<td class=\"nowrap\">{e(d['expected_close'] or '—')}</td>"
                    f'<td data-field="next_step">{step_cell}</td>'
                    f'<td class="num" data-field="days_in_stage">'
                    f"{'—' if days is None else days}</td></tr>")
    head = (_th(_("Deal")) + _th(_("Customer")) + _th(_("Owner")) + _th(_("Stage"))
            + _th(_("Status")) + _th(_("Amount {currency}").format(currency=currency), True)
            + _th(_("Weighted {currency}").format(currency=currency), True)
            + _th(_("Expected close")) + _th(_("Next step")) + _th(_("Days in stage"), True))
    return (f'<table id="deals-table" class="cards-on-phone"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
