"""The page's charts, drawn as HTML boxes rather than a fixed-size picture.

A chart of boxes reflows like text: on a phone the stage names wrap onto a
second line instead of being cut or shrunk to unreadable type, and on a wide
screen the bars use the room there is. Bar widths are percentages of their
track, so proportions hold at every width (the browser test measures them).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from salesflow.model.i18n import _, ngettext


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _pct(value: str | None, top: Decimal) -> str:
    if value is None or top <= 0:
        return "0"
    return f"{float(Decimal(value) / top * 100):.3f}"


def _inner(value: str, outer: str) -> str:
    """The weighted bar as a share of the amount bar it sits in."""
    return _pct(value, Decimal(outer)) if Decimal(outer) > 0 else "0"


def funnel_chart(funnel: dict[str, Any], human: Any) -> str:
    """Centred bars per stage: the pale bar is the amount, the dark one inside it the weighted."""
    stages = funnel["stages"]
    top = max((Decimal(s["amount"]) for s in stages), default=Decimal(0))
    last = len(stages) - 1
    rows = []
    for i, s in enumerate(stages):
        won = " won" if i == last else ""
        deals = ngettext("{n} deal", "{n} deals", s["count"]).format(n=s["count"])
        if s["without_amount"]:
            deals += _(", {n} without amount").format(n=len(s["without_amount"]))
        tip = _("{code} {name}: {amount} ({weighted} weighted)").format(
            code=s["code"], name=s["name"], amount=human(s["amount"]),
            weighted=human(s["weighted"]))
        rows.append(
            f'<div class="frow" data-code="{_e(s["code"])}" title="{_e(tip)}">'
            f'<div class="flabel"><b class="code">{_e(s["code"])}</b> '
            f'<span class="stage-label" data-code="{_e(s["code"])}">{_e(s["name"])}</span>'
            f'<div class="sub">{s["probability"]}% · {_e(deals)}</div></div>'
            f'<div class="ftrack"><div class="bar{won}" data-code="{_e(s["code"])}" '
            f'style="width:{_pct(s["amount"], top)}%"><div class="bar-weighted{won}" '
            f'style="width:{_inner(s["weighted"], s["amount"])}%"></div></div></div>'
            f'<div class="fvalue"><b>{_e(human(s["amount"]))}</b>'
            f'<div class="sub">{_e(_("{amount} weighted").format(amount=human(s["weighted"])))}'
            "</div></div></div>")
    legend = (f'<div class="legend"><span class="key bar"></span> {_e(_("amount"))} '
              f'<span class="key bar-weighted"></span> {_e(_("weighted (× probability)"))}'
              "</div>")
    label = _("Funnel chart: amount and weighted amount per stage")
    return (f'<div id="funnel-chart" class="chart" role="img" aria-label="{_e(label)}">'
            f'{"".join(rows)}{legend}</div>')


def forecast_chart(fc: dict[str, Any], labels: dict[str, str], human: Any) -> str:
    """Per period: best case (pale) with the weighted amount (dark) in it, and what was won."""
    rows_in = fc["rows"]
    top = max((Decimal(r[k]) for r in rows_in for k in ("best_case", "won")),
              default=Decimal(0))
    rows = []
    for r in rows_in:
        key = r["period"] or r["kind"]
        label = r["period"] or _(labels[r["kind"]])
        warn = " warn" if r["kind"] != "period" and r["count"] else ""
        rows.append(
            f'<div class="frow fc{warn}" data-period="{_e(key)}">'
            f'<div class="flabel"><span class="period-label">{_e(label)}</span></div>'
            f'<div class="ftrack left"><div class="bar" data-period="{_e(key)}" '
            f'style="width:{_pct(r["best_case"], top)}%"><div class="bar-weighted" '
            f'style="width:{_inner(r["weighted"], r["best_case"])}%"></div></div>'
            f'<div class="bar won-bar" style="width:{_pct(r["won"], top)}%"></div></div>'
            f'<div class="fvalue"><b>{_e(human(r["weighted"]))}</b>'
            f'<div class="sub">{_e(_("won {amount}").format(amount=human(r["won"])))}</div>'
            "</div></div>")
    legend = (f'<div class="legend"><span class="key bar"></span> {_e(_("best case"))} '
              f'<span class="key bar-weighted"></span> {_e(_("weighted"))} '
              f'<span class="key won-bar"></span> {_e(_("won"))}</div>')
    label = _("Forecast chart: best case, weighted and won per period")
    return (f'<div id="forecast-chart" class="chart" role="img" aria-label="{_e(label)}">'
            f'{"".join(rows)}{legend}</div>')
