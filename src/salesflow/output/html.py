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

from typing import Any

from salesflow.model.i18n import _, language
from salesflow.output import numbers
from salesflow.output.html_charts import forecast_chart, funnel_chart
from salesflow.output.html_meeting import meeting_sections, targets_section
from salesflow.output.html_people import owners_section, risks_section
from salesflow.output.html_style import SCRIPT, STYLE
from salesflow.output.html_tables import (
    ROW_LABELS,
    deals_table,
    e,
    forecast_notes,
    forecast_table,
    funnel_notes,
    funnel_table,
    human,
    period_word,
    stats_section,
)

# The page's `lang`: a browser picks its fonts and line breaking by it.
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
_e = e


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
            + _e(_("{b}{n} deal file(s) are invalid and left out of every figure on this "
                   "page.{end} Fix them ({command} lists every problem), then write the page "
                   "again.")).format(b="<b>", end="</b>", n=invalid["count"],
                                     command="<code>salesflow validate</code>")
            + f"<ul>{items}</ul></div>")


# ------------------------------------------------------------------- page


def _cards(fun: dict[str, Any], fc: dict[str, Any]) -> str:
    cur = fun["currency"]
    won = fun["stages"][-1]
    missing = len(fun["total"]["without_amount"])
    return "".join([
        _card(_("Deals in the funnel"), str(fun["total"]["count"]), "funnel-count",
              str(fun["total"]["count"]),
              _e(_("{n} without amount").format(n=missing) if missing
                 else _("all with an amount"))),
        _card(_("Pipeline {currency}").format(currency=cur),
              human(fun["total"]["amount"], cur), "funnel-amount",
              fun["total"]["amount"], _e(_("open and won, unweighted"))),
        _card(_("Weighted {currency}").format(currency=cur),
              human(fun["total"]["weighted"], cur), "funnel-weighted",
              fun["total"]["weighted"], _e(_("amount × stage probability"))),
        _card(_("Won {currency} · {from_} to {to}").format(currency=cur, from_=fc["from"],
                                                           to=fc["to"]),
              human(fc["total"]["won"], cur), "won-amount", fc["total"]["won"],
              _e(_("{n} deal(s) won in the forecast's periods; {amount} in {code} all told")
                 .format(n=fc["total"]["won_count"], amount=human(won["amount"], cur),
                         code=won["code"]))),
    ])


def page(data: dict[str, Any]) -> str:
    """The whole page; `data` holds the report shapes and the header facts."""
    fun, fc, st = data["funnel"], data["forecast"], data["stats"]
    cur = fun["currency"]
    day = numbers.day(data["as_of"])
    stamp = (_("as of {date} (replayed from history)").format(date=day) if data["replayed"]
             else _("as of {date}").format(date=day))
    filters = f" · {_e(data['filters'])}" if data["filters"] else ""
    span = _("{from_} to {to}").format(from_=numbers.day(fc["from"]), to=numbers.day(fc["to"]))
    meta = _e(_("Workspace {workspace} · {as_of} · amounts in {currency}")).format(
        workspace=f'<b id="workspace">{_e(data["workspace"])}</b>',
        as_of=f'<span id="as-of" data-exact="{_e(data["as_of"])}">{_e(stamp)}</span>',
        currency=_e(cur))
    footer = _e(_("Generated {date} by salesflow {version} from the deal files in git. Same "
                  "numbers as {command} with the same options.")).format(
        date=_e(numbers.day(data["generated"])), version=_e(data["version"]),
        command="<code>salesflow funnel / forecast / stats --format json</code>")
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG.get(language(), "en")}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="salesflow {_e(data['version'])}">
<title>{_e(data['title'])} — {_e(data['as_of'])}</title>
<style>{STYLE}</style></head>
<body>
<header><h1 id="title">{_e(data['title'])}</h1>
<p class="meta">{meta}{filters}</p></header>
<main>
{invalid_banner(data.get("invalid"))}
{meeting_sections(data)}
<section class="cards">{_cards(fun, fc)}</section>
<section id="funnel"><h2>{_e(_("Funnel"))}</h2>
{funnel_chart(fun, lambda v: human(v, cur))}
{funnel_table(fun)}{funnel_notes(fun)}</section>
<section id="forecast"><h2>{_e(_("Forecast by {period}").format(
    period=period_word(fc["period"])))}</h2>
<p class="meta">{_e(_("Open deals by expected close ({span}); won deals by the day they "
                      "were won.").format(span=span))}</p><div class="split">
<div>{forecast_chart(fc, ROW_LABELS, lambda v: human(v, cur))}</div>
<div class="wide-table">{forecast_table(fc)}{forecast_notes(fc)}</div></div></section>
{targets_section(fc)}
{owners_section(data.get("owners", []), cur, lambda v: human(v, cur))}
{risks_section(data.get("risks", []), cur, lambda v: human(v, cur))}
<section id="stats"><h2>{_e(_("Pipeline statistics"))}</h2>{stats_section(st)}</section>
<section id="deals"><h2>{_e(_("Deals ({n})").format(n=len(data['deals'])))}</h2>
{deals_table(data['deals'], cur, data.get("extras"))}</section>
</main>
<footer>{footer}</footer>
<div id="render-facts" hidden></div>
<script>{SCRIPT}</script>
</body></html>
"""
