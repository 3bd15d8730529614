"""The weekly report as one self-contained HTML page.

Built only from the JSON shapes of `funnel`, `forecast` and `stats` (and the
deals list), so every number on the page is the number those commands print.
No external scripts, fonts, images or links: the page is attached to an
e-mail or opened offline years later and looks the same. The funnel chart is
inline SVG. A few lines of inline script measure what the browser actually
drew and write it into `#render-facts`, so a test can check what a person
sees rather than what the HTML claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from salesflow.output.html_charts import forecast_chart, funnel_chart
from salesflow.output.html_meeting import meeting_sections, targets_section
from salesflow.output.html_people import owners_section, risks_section
from salesflow.output.html_style import SCRIPT, STYLE

ROW_LABELS = {"overdue": "Overdue (expected close past)", "no_close": "No expected close"}
STATUS_LABELS = {"open": "open", "won": "won", "hold": "on hold", "lost": "lost"}


def human(value: str | None) -> str:
    """'1250000.00' -> '1,250,000' (whole units, as in the terminal tables)."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _money_cell(field: str, value: str | None, extra: str = "") -> str:
    exact = "" if value is None else f' data-exact="{_e(value)}"'
    return (f'<td class="num{extra}" data-field="{field}"{exact}>{_e(human(value))}</td>')


def _count_cell(field: str, count: int, missing: Sequence[str] = ()) -> str:
    flag = (f' <span class="flag" title="without an amount: {_e(", ".join(missing))}">'
            f"+{len(missing)}?</span>" if missing else "")
    return f'<td class="num" data-field="{field}" data-exact="{count}">{count}{flag}</td>'


def _ids(ids: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(f"<code>{_e(i)}</code>" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _notes(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{line}</li>" for line in lines if line)
    return f'<ul class="notes">{items}</ul>' if items else ""


def _replay_notes(data: dict[str, Any]) -> list[str]:
    rep = data.get("replay")
    if not rep:
        return []
    out = []
    if rep["created_later"]["count"]:
        out.append(f"Not yet created on {_e(rep['as_of'])}: {rep['created_later']['count']} "
                   "deal(s) left out.")
    if rep["no_history"]["count"]:
        out.append(f"Without history, cannot be replayed, left out: "
                   f"{_ids(rep['no_history']['ids'])}")
    if rep["disagree"]["count"]:
        out.append(f"History does not end where the file says (edited by hand?): "
                   f"{_ids(rep['disagree']['ids'])}")
    if rep.get("fields_as_today", {}).get("count"):
        out.append(f"Fields edited by hand since their last recorded change: "
                   f"{_ids(rep['fields_as_today']['ids'])}")
    return out


# ----------------------------------------------------------------- tables


def funnel_table(funnel: dict[str, Any]) -> str:
    cur = _e(funnel["currency"])
    rows = []
    for s in funnel["stages"]:
        rows.append(f'<tr data-code="{_e(s["code"])}"><td><b>{_e(s["code"])}</b></td>'
                    f"<td>{_e(s['name'])}</td><td class=\"num\">{s['probability']}%</td>"
                    f"{_count_cell('count', s['count'], s['without_amount'])}"
                    f"{_money_cell('amount', s['amount'])}"
                    f"{_money_cell('weighted', s['weighted'])}</tr>")
    t = funnel["total"]
    rows.append(f'<tr class="total" data-code="TOTAL"><td></td><td>Total</td><td></td>'
                f"{_count_cell('count', t['count'], t['without_amount'])}"
                f"{_money_cell('amount', t['amount'])}{_money_cell('weighted', t['weighted'])}"
                "</tr>")
    return ('<table id="funnel-table" class="cards-on-phone"><thead><tr><th>Stage</th>'
            '<th>Name</th>'
            f'<th class="num">Prob.</th><th class="num">Deals</th>'
            f'<th class="num">Amount {cur}</th><th class="num">Weighted {cur}</th></tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def funnel_notes(funnel: dict[str, Any]) -> str:
    ex = funnel["excluded"]
    lines = [f"Left out of the funnel: {ex['lost']['count']} lost, {ex['hold']['count']} "
             "on hold."]
    missing = funnel["total"]["without_amount"]
    if missing:
        lines.append(f"{len(missing)} deal(s) without an amount — counted, not valued "
                     f"(marked ?): {_ids(missing)}")
    return _notes(lines + _replay_notes(funnel))


def forecast_table(fc: dict[str, Any]) -> str:
    cur = _e(fc["currency"])
    rows = []
    for r in fc["rows"]:
        label = r["period"] or ROW_LABELS[r["kind"]]
        warn = " warn" if r["kind"] != "period" and r["count"] else ""
        key = r["period"] or r["kind"]
        missing = r["without_amount"]
        rows.append(f'<tr data-period="{_e(key)}" class="{r["kind"]}{warn}"><td>{_e(label)}</td>'
                    f"{_count_cell('count', r['count'], missing if r['count'] else [])}"
                    f"{_money_cell('best_case', r['best_case'])}"
                    f"{_money_cell('weighted', r['weighted'])}"
                    f"{_count_cell('won_count', r['won_count'], missing if r['won_count'] else [])}"
                    f"{_money_cell('won', r['won'])}</tr>")
    t = fc["total"]
    rows.append(f'<tr class="total" data-period="TOTAL"><td>Total</td>'
                f"{_count_cell('count', t['count'])}{_money_cell('best_case', t['best_case'])}"
                f"{_money_cell('weighted', t['weighted'])}"
                f"{_count_cell('won_count', t['won_count'])}{_money_cell('won', t['won'])}</tr>")
    return ('<table id="forecast-table" class="cards-on-phone"><thead><tr>'
            f'<th>Period ({_e(fc["period"])})</th>'
            f'<th class="num">Open deals</th><th class="num">Best case {cur}</th>'
            f'<th class="num">Weighted {cur}</th><th class="num">Won deals</th>'
            f'<th class="num">Won {cur}</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table>")


def forecast_notes(fc: dict[str, Any]) -> str:
    rows = {r["kind"]: r for r in fc["rows"]}
    lines = []
    if rows["overdue"]["count"]:
        lines.append(f"<b>{rows['overdue']['count']} open deal(s) are overdue</b>: expected "
                     f"to close before {_e(fc['today'])}: {_ids(fc['overdue']['ids'])}. "
                     "Move their dates or close them.")
    if rows["no_close"]["count"]:
        lines.append(f"<b>{rows['no_close']['count']} open deal(s) have no expected close</b> "
                     f"and cannot be placed in a period: {_ids(fc['no_close']['ids'])}.")
    if fc["left_out"]["count"]:
        lines.append(f"Closing outside {_e(fc['from'])} to {_e(fc['to'])}, left out: "
                     f"{_ids(fc['left_out']['ids'])}")
    if fc["won_undated"]["count"]:
        lines.append(f"Won, but the history does not say when: {_ids(fc['won_undated']['ids'])}")
    lines.append(f"Not forecast: {fc['held']['count']} on hold; lost deals never are. Won "
                 "deals count in the period they were won.")
    return _notes(lines + _replay_notes(fc))


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
        rows.append(f'<tr data-code="{_e(s["code"])}"><td><b>{_e(s["code"])}</b></td>'
                    f"<td>{_e(s['name'])}</td>"
                    f'<td class="num" data-field="probability">{s["probability"]}%</td>'
                    f"{_rate(s['observed_win'], 'observed_win')}"
                    f"{_rate(s['conversion'], 'conversion')}"
                    f"{_days(s['days'], 'avg', 'avg_days')}"
                    f"{_days(s['days'], 'median', 'median_days')}<td class=\"num\">{n}</td></tr>")
    table = ('<table id="stats-table" class="cards-on-phone"><thead><tr><th>Stage</th><th>Name</th>'
             '<th class="num">Configured</th><th class="num">Won from here</th>'
             '<th class="num">To next stage</th><th class="num">Avg days</th>'
             '<th class="num">Median days</th><th class="num">n</th></tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>")
    win = st["win_rate"]
    share = "—" if win["percent"] is None else f"{win['percent']:.1f}%"
    cycle = st["cycle_days_to_won"]
    cyc = ("—" if cycle["avg"] is None else
           f"{cycle['avg']:.1f} days average, {cycle['median']:.1f} median")
    facts = (f'<p class="facts"><span>Win rate <b id="win-rate">{share}</b> '
             f"({win['won']} won, {win['lost']} lost)</span> <span>Cycle time to won "
             f'<b id="cycle-time">{cyc}</b> (n={cycle["sample"]})</span></p>')
    reasons = ""
    if st["lost_reasons"]:
        cur = _e(st["currency"])
        body = "".join(
            f'<tr data-reason="{_e(r["reason"] or "")}"><td>{_e(r["reason"] or "(not given)")}'
            f"</td>{_count_cell('count', r['count'], r['without_amount'])}"
            f"{_money_cell('amount', r['amount'])}</tr>" for r in st["lost_reasons"])
        reasons = ('<h3>Lost reasons</h3><table id="lost-table" class="cards-on-phone"><thead>'
                   '<tr><th>Reason</th>'
                   f'<th class="num">Deals</th><th class="num">Amount {cur}</th></tr></thead>'
                   f"<tbody>{body}</tbody></table>")
    lines = [f"From the history of {st['deals']} deal(s). “Won from here”: of the deals that "
             "reached the stage and were decided, the share won — compare it with the "
             "configured probability. A figure resting on fewer than "
             f"{st['min_sample']} deals is not given (—). Days in a stage leave out time on "
             "hold."]
    if st["no_history"]["count"]:
        lines.append(f"Without history, not counted: {_ids(st['no_history']['ids'])}")
    return facts + table + reasons + _notes(lines)


def deals_table(deals: Sequence[dict[str, Any]], currency: str,
                extras: dict[str, dict[str, Any]] | None = None) -> str:
    rows = []
    for d in deals:
        gap = " missing" if d["amount"] is None else ""
        name = f"<br><small>{_e(d['name'])}</small>" if d["name"] else ""
        extra = (extras or {}).get(d["id"], {})
        step = extra.get("next_step")
        step_cell = ("—" if step is None else
                     f'<span class="{"late" if step["overdue"] else ""}">{_e(step["due"])}'
                     f"</span> {_e(step['action'])}")
        days = extra.get("days_in_stage")
        rows.append(f'<tr data-id="{_e(d["id"])}" class="{_e(d["status"])}">'
                    f"<td><code>{_e(d['id'])}</code>{name}</td><td>{_e(d['customer'])}</td>"
                    f"<td>{_e(d['owner'])}</td><td>{_e(d['stage'])} "
                    f"<small>{d['probability']}%</small></td>"
                    f"<td>{_e(STATUS_LABELS[d['status']])}</td>"
                    f"{_money_cell('amount', d['amount'], gap)}"
                    f"{_money_cell('weighted', d['weighted'])}"
                    f"<td class=\"nowrap\">{_e(d['expected_close'] or '—')}</td>"
                    f'<td data-field="next_step">{step_cell}</td>'
                    f'<td class="num" data-field="days_in_stage">'
                    f"{'—' if days is None else days}</td></tr>")
    cur = _e(currency)
    return ('<table id="deals-table" class="cards-on-phone"><thead><tr><th>Deal</th>'
            '<th>Customer</th><th>Owner</th>'
            f'<th>Stage</th><th>Status</th><th class="num">Amount {cur}</th>'
            f'<th class="num">Weighted {cur}</th><th>Expected close</th><th>Next step</th>'
            '<th class="num">Days in stage</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _card(label: str, value: str, field: str, exact: str | None = None, sub: str = "") -> str:
    data = f' data-exact="{_e(exact)}"' if exact is not None else ""
    return (f'<div class="card"><div class="label">{_e(label)}</div>'
            f'<div class="big" data-field="{field}"{data}>{_e(value)}</div>'
            f'<div class="sub">{sub}</div></div>')


def invalid_banner(invalid: dict[str, Any] | None) -> str:
    """A red banner at the top naming every deal file the page could not include.

    A manager presents these totals; a deal missing from them must be seen on
    the page itself, not only in a terminal long closed.
    """
    if not invalid or not invalid["count"]:
        return ""
    items = "".join(
        f'<li data-path="{_e(f["path"])}"><code>{_e(f["path"])}'
        f'{":" + str(f["line"]) + ":" + str(f["col"]) if f["line"] else ""}</code> '
        f"{_e(f['message'])}</li>" for f in invalid["files"])
    return (f'<div id="invalid" class="banner" role="alert" data-count="{invalid["count"]}">'
            f"<b>{invalid['count']} deal file(s) are invalid and left out of every figure "
            "on this page.</b> Fix them (<code>salesflow validate</code> lists every "
            f"problem), then write the page again.<ul>{items}</ul></div>")


# ------------------------------------------------------------------- page


def page(data: dict[str, Any]) -> str:
    """The whole page; `data` holds the report shapes and the header facts."""
    fun, fc, st = data["funnel"], data["forecast"], data["stats"]
    cur = fun["currency"]
    won = fun["stages"][-1]
    stamp = (f"as of {data['as_of']} (replayed from history)" if data["replayed"]
             else f"as of {data['as_of']}")
    filters = f" · {_e(data['filters'])}" if data["filters"] else ""
    missing = len(fun["total"]["without_amount"])
    cards = "".join([
        _card("Deals in the funnel", str(fun["total"]["count"]), "funnel-count",
              str(fun["total"]["count"]),
              f"{missing} without amount" if missing else "all with an amount"),
        _card(f"Pipeline {cur}", human(fun["total"]["amount"]), "funnel-amount",
              fun["total"]["amount"], "open and won, unweighted"),
        _card(f"Weighted {cur}", human(fun["total"]["weighted"]), "funnel-weighted",
              fun["total"]["weighted"], "amount × stage probability"),
        _card(f"Won {cur} · {fc['from']} to {fc['to']}", human(fc["total"]["won"]),
              "won-amount", fc["total"]["won"],
              f"{fc['total']['won_count']} deal(s) won in the forecast's periods; "
              f"{human(won['amount'])} in {_e(won['code'])} all told"),
    ])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="salesflow {_e(data['version'])}">
<title>{_e(data['title'])} — {_e(data['as_of'])}</title>
<style>{STYLE}</style></head>
<body>
<header><h1 id="title">{_e(data['title'])}</h1>
<p class="meta">Workspace <b id="workspace">{_e(data['workspace'])}</b> ·
<span id="as-of" data-exact="{_e(data['as_of'])}">{_e(stamp)}</span> · amounts in
{_e(cur)}{filters}</p></header>
<main>
{invalid_banner(data.get("invalid"))}
{meeting_sections(data)}
<section class="cards">{cards}</section>
<section id="funnel"><h2>Funnel</h2>
{funnel_chart(fun, human)}
{funnel_table(fun)}{funnel_notes(fun)}</section>
<section id="forecast"><h2>Forecast by {_e(fc['period'])}</h2>
<p class="meta">Open deals by expected close ({_e(fc['from'])} to {_e(fc['to'])});
won deals by the day they were won.</p><div class="split">
<div>{forecast_chart(fc, ROW_LABELS, human)}</div>
<div class="wide-table">{forecast_table(fc)}{forecast_notes(fc)}</div></div></section>
{targets_section(fc)}
{owners_section(data.get("owners", []), cur, human)}
{risks_section(data.get("risks", []), cur, human)}
<section id="stats"><h2>Pipeline statistics</h2>{stats_section(st)}</section>
<section id="deals"><h2>Deals ({len(data['deals'])})</h2>
{deals_table(data['deals'], cur, data.get("extras"))}</section>
</main>
<footer>Generated {_e(data['generated'])} by salesflow {_e(data['version'])} from the
deal files in git. Same numbers as <code>salesflow funnel / forecast / stats --format
json</code> with the same options.</footer>
<div id="render-facts" hidden></div>
<script>{SCRIPT}</script>
</body></html>
"""
