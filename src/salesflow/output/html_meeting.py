"""The weekly meeting's sections of the HTML report: changes, trend, targets.

Kept apart from `salesflow.output.html` (the page and the other sections) and
built only from the JSON shapes of `changes`, `trend` and `forecast`, so the
page shows the very numbers those commands print. Both charts are inline SVG;
a few lines of inline script record what the browser drew (bar heights, line
points) in `#meeting-facts` for the browser test.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from salesflow.model.i18n import N_, _
from salesflow.output import numbers
from salesflow.output.html_tables import period_word, status_label

WIDTH = 760
HEIGHT = 260
TOP, BOTTOM, LEFT = 20, 60, 70
LABELS = {"new": N_("New"), "advanced": N_("Advanced"), "moved-back": N_("Moved back"),
          "won": N_("Won"), "lost": N_("Lost"), "held": N_("On hold"),
          "reopened": N_("Reopened"), "slipped": N_("Slipped"), "pulled-in": N_("Pulled in"),
          "amount-up": N_("Amount up"), "amount-down": N_("Amount down"),
          "reassigned": N_("In/out of cut"), "removed": N_("Removed"),
          "unchanged": N_("Unchanged")}
MAX_DEALS = 15


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def label(category: str) -> str:
    return _(LABELS[category])


def human(value: str | Decimal | None, currency: str | None = None) -> str:
    return numbers.money(None if value is None else Decimal(value), currency)


def signed(value: str, currency: str | None = None) -> str:
    return numbers.signed(Decimal(value), currency)


# ---------------------------------------------------------------- waterfall


def waterfall_steps(data: dict[str, Any]) -> list[tuple[str, str, Decimal, Decimal]]:
    """(kind, label, bottom, top) per bar: the start, each category that moved, the end."""
    start = Decimal(data["start"]["weighted"])
    steps = [("level", _("Start {date}").format(date=data["since"]), Decimal(0), start)]
    running = start
    for c in data["categories"]:
        delta = Decimal(c["weighted"])
        if not delta:
            continue
        kind = "up" if delta > 0 else "down"
        steps.append((kind, label(c["category"]), running, running + delta))
        running += delta
    steps.append(("level", _("End {date}").format(date=data["until"]), Decimal(0), running))
    return steps


def waterfall_svg(data: dict[str, Any]) -> str:
    """Start, each category's weighted change as a floating bar, end."""
    steps = waterfall_steps(data)
    values = [v for _, _, a, b in steps for v in (a, b)]
    high, low = max([*values, Decimal(0)]), min([*values, Decimal(0)])
    span = (high - low) or Decimal(1)
    inner = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / len(steps)

    def y(value: Decimal) -> float:
        return TOP + float((high - value) / span) * inner

    parts = [f'<svg id="waterfall-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" aria-label="'
             f'{_e(_("Waterfall: weighted pipeline at the start, each change, and at the end"))}">',
             f'<line class="axis" x1="{LEFT}" x2="{WIDTH}" y1="{y(Decimal(0)):.2f}" '
             f'y2="{y(Decimal(0)):.2f}"/>',
             f'<text class="sub" x="{LEFT - 6}" y="{y(high) + 4:.2f}" text-anchor="end">'
             f"{_e(human(high))}</text>"]
    for i, (kind, name, a, b) in enumerate(steps):
        x = LEFT + i * slot + slot * 0.15
        top, bottom = y(max(a, b)), y(min(a, b))
        value = b if kind == "level" else b - a
        shown = human(value) if kind == "level" else signed(str(value))
        parts.append(
            f'<g class="step {kind}" data-label="{_e(name)}" data-exact="{value}">'
            f"<title>{_e(_('{label}: {value}').format(label=name, value=shown))}</title>"
            f'<rect class="wf {kind}" x="{x:.2f}" y="{top:.2f}" width="{slot * 0.7:.2f}" '
            f'height="{max(bottom - top, 1):.2f}"/>'
            f'<text class="wfv" x="{x + slot * 0.35:.2f}" y="{top - 4:.2f}" '
            f'text-anchor="middle">{_e(shown)}</text>'
            f'<text class="sub" x="{x + slot * 0.35:.2f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{_e(name.split(" ")[0])}</text>'
            + (f'<text class="sub" x="{x + slot * 0.35:.2f}" y="{HEIGHT - BOTTOM + 30}" '
               f'text-anchor="middle">{_e(name.split(" ", 1)[1])}</text>'
               if " " in name else "")
            + "</g>")
    parts.append("</svg>")
    return "".join(parts)


def _side(side: dict[str, Any] | None) -> str:
    if side is None:
        return "—"
    return (f"{_e(side['stage'])} {_e(status_label(side['status']))} · "
            f"{_e(human(side['amount']))} · "
            f"{_e(side['expected_close'] or _('no close'))}")


def on(day: str) -> str:
    return _("Pipeline on {date}").format(date=day)


def changes_section(data: dict[str, Any]) -> str:
    """The waterfall, the categories table and each category's deals."""
    cur = data["currency"]
    git = f" <small>{_e(_('(from git)'))}</small>"
    rows = [f'<tr data-category="start"><td>{_e(on(data["since"]))}</td>'
            f'<td class="num">{data["start"]["count"]}</td>'
            f'<td class="num" data-field="amount" data-exact="{data["start"]["amount"]}">'
            f'{human(data["start"]["amount"], cur)}</td><td class="num" data-field="weighted" '
            f'data-exact="{data["start"]["weighted"]}">{human(data["start"]["weighted"], cur)}</td>'
            "</tr>"]
    for c in data["categories"]:
        if not c["count"]:
            continue
        rows.append(f'<tr data-category="{_e(c["category"])}"><td>{_e(label(c["category"]))}'
                    f'</td><td class="num" data-field="count">{c["count"]}</td>'
                    f'<td class="num" data-field="amount" data-exact="{c["amount"]}">'
                    f'{signed(c["amount"], cur)}</td><td class="num" data-field="weighted" '
                    f'data-exact="{c["weighted"]}">{signed(c["weighted"], cur)}</td></tr>')
    rows.append(f'<tr class="total" data-category="end"><td>{_e(on(data["until"]))}'
                f'</td><td class="num">{data["end"]["count"]}</td>'
                f'<td class="num" data-field="amount" data-exact="{data["end"]["amount"]}">'
                f'{human(data["end"]["amount"], cur)}</td><td class="num" data-field="weighted" '
                f'data-exact="{data["end"]["weighted"]}">{human(data["end"]["weighted"], cur)}</td>'
                "</tr>")
    table = (f'<table id="changes-table"><thead><tr><th></th><th class="num">{_e(_("Deals"))}'
             f'</th><th class="num">{_e(_("Amount {currency}").format(currency=cur))}</th>'
             f'<th class="num">{_e(_("Weighted {currency}").format(currency=cur))}</th></tr>'
             f"</thead><tbody>{''.join(rows)}</tbody></table>")
    lists = []
    for c in data["categories"]:
        if not c["count"] or c["category"] == "unchanged":
            continue
        items = "".join(
            f'<tr data-id="{_e(d["id"])}"><td><code>{_e(d["id"])}</code></td>'
            f"<td>{_e(d['owner'] or '')}</td><td>{_side(d['from'])}</td><td>{_side(d['to'])}"
            f"{git if d['source'] == 'git' else ''}</td>"
            f'<td class="num">{signed(d["weighted_delta"], cur)}</td></tr>'
            for d in c["deals"][:MAX_DEALS])
        rest = _("… and {n} more (salesflow changes --format json lists them all).").format(
            n=c["count"] - MAX_DEALS)
        more = f'<p class="meta">{_e(rest)}</p>' if c["count"] > MAX_DEALS else ""
        heads = "".join(f"<th>{_e(_(h))}</th>" for h in (N_("Deal"), N_("Owner"), N_("Then"),
                                                        N_("Now")))
        lists.append(f'<h3>{_e(label(c["category"]))} ({c["count"]})</h3>'
                     f'<table class="moves" data-category="{_e(c["category"])}"><thead><tr>'
                     f'{heads}<th class="num">{_e(_("Weighted {currency}").format(currency=cur))}'
                     f"</th></tr></thead><tbody>{items}</tbody></table>{more}")
    ident = data["identity"]
    deltas = signed(ident["deltas"])
    deltas = deltas if deltas.startswith(("+", "-")) else "+" + deltas  # "+0", never "0"
    notes = [_e(_("{start} {deltas} = {end} {currency} weighted: start + changes = end.")
                .format(start=human(ident["start"]), deltas=deltas,
                        end=human(ident["end"]), currency=cur))]
    if data["git"] is None:
        notes.append(_e(_("Not in a git repository: moves are read from history only.")))
    if data["unexplained"]["count"]:
        notes.append(_e(_("Could not be explained (history does not match the file, no git), "
                          "left out: {ids}")).format(ids=", ".join(
                              f"<code>{_e(i)}</code>" for i in data["unexplained"]["ids"])))
    note_html = "".join(f"<li>{n}</li>" for n in notes)
    heading = _("What changed since {date}").format(date=numbers.day(data["since"]))
    return (f'<section id="changes"><h2>{_e(heading)}</h2>'
            f'<div class="chart">{waterfall_svg(data)}</div>{table}'
            f'<ul class="notes">{note_html}</ul>{"".join(lists)}</section>')


# -------------------------------------------------------------------- trend


def trend_svg(data: dict[str, Any]) -> str:
    """The weighted pipeline (dark) and the open amount (pale) at each period's end."""
    rows = data["rows"]
    weighted = [Decimal(r["weighted"]) for r in rows]
    amounts = [Decimal(r["open_amount"]) for r in rows]
    high = max([*amounts, *weighted, Decimal(0)]) or Decimal(1)
    inner = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - 20) / max(len(rows) - 1, 1)

    def point(i: int, value: Decimal) -> tuple[float, float]:
        return LEFT + i * step, TOP + float((high - value) / high) * inner

    aria = _("Trend: weighted pipeline and open amount per {period}").format(
        period=every_word(data["every"]))
    parts = [f'<svg id="trend-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" aria-label="{_e(aria)}">',
             f'<line class="axis" x1="{LEFT}" x2="{WIDTH}" y1="{TOP + inner}" '
             f'y2="{TOP + inner}"/>',
             f'<text class="sub" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">'
             f"{_e(human(high))}</text>"]
    for name, values in (("amount", amounts), ("weighted", weighted)):
        points = " ".join(f"{x:.2f},{y:.2f}" for x, y in
                          (point(i, v) for i, v in enumerate(values)))
        parts.append(f'<polyline class="line {name}" points="{points}"/>')
    for i, r in enumerate(rows):
        x, y = point(i, weighted[i])
        tip = _("{period}: {amount} weighted, {n} open").format(
            period=r["period"], amount=human(r["weighted"]), n=r["open_count"])
        parts.append(f'<circle class="dot" data-period="{_e(r["period"])}" '
                     f'data-exact="{r["weighted"]}" cx="{x:.2f}" cy="{y:.2f}" r="4">'
                     f"<title>{_e(tip)}</title></circle>"
                     f'<text class="sub" x="{x:.2f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{_e(r["period"])}</text>')
    y = HEIGHT - 18
    parts.append(f'<rect x="{LEFT}" y="{y}" width="14" height="4" class="key weighted"/>'
                 f'<text class="sub" x="{LEFT + 20}" y="{y + 5}">{_e(_("weighted"))}</text>'
                 f'<rect x="{LEFT + 100}" y="{y}" width="14" height="4" class="key amount"/>'
                 f'<text class="sub" x="{LEFT + 120}" y="{y + 5}">{_e(_("open amount"))}</text>'
                 "</svg>")
    return "".join(parts)


def every_word(every: str) -> str:
    """'week' / 'month' in words."""
    return _({"week": N_("week")}.get(every, "")) or period_word(every)


def trend_section(data: dict[str, Any]) -> str:
    cur = data["currency"]
    rows = "".join(
        f'<tr data-period="{_e(r["period"])}"><td>{_e(r["period"])} <small>'
        f'{_e(_("to {date}").format(date=r["end"]))}</small></td>'
        f'<td class="num" data-field="open_count">'
        f'{r["open_count"]}</td><td class="num" data-field="open_amount" '
        f'data-exact="{r["open_amount"]}">{human(r["open_amount"], cur)}</td>'
        f'<td class="num" data-field="weighted" data-exact="{r["weighted"]}">'
        f'{human(r["weighted"], cur)}</td><td class="num">{r["won_count"]}</td>'
        f'<td class="num" data-field="won" data-exact="{r["won"]}">{human(r["won"], cur)}</td>'
        f'<td class="num">{r["lost_count"]}</td><td class="num" data-field="lost" '
        f'data-exact="{r["lost"]}">{human(r["lost"], cur)}</td></tr>' for r in data["rows"])
    heads = (f"<th>{_e(_('Period'))}</th>" + "".join(
        f'<th class="num">{_e(h)}</th>' for h in (
            _("Open"), _("Open {currency}").format(currency=cur),
            _("Weighted {currency}").format(currency=cur), _("Won"),
            _("Won {currency}").format(currency=cur), _("Lost"),
            _("Lost {currency}").format(currency=cur))))
    table = (f'<table id="trend-table"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody>'
             "</table>")
    every = every_word(data["every"])
    meta = _("The pipeline replayed from history at the end of each {period}; won and lost "
             "during it.").format(period=every)
    return (f'<section id="trend"><h2>{_e(_("Trend by {period}").format(period=every))}</h2>'
            f'<p class="meta">{_e(meta)}</p><div class="chart">{trend_svg(data)}</div>'
            f"{table}</section>")


# ------------------------------------------------------------------ targets


def targets_section(fc: dict[str, Any]) -> str:
    """The forecast against its targets, the team's and each owner's; '' without targets."""
    if not fc.get("targets_defined") or not fc.get("targets_apply"):
        return ""
    cur = fc["currency"]
    goal = _e(fc["coverage_goal"])

    def row(r: dict[str, Any], owner: str | None, with_owner: bool = True) -> str:
        if r["target"] is None:
            cover = ""
        elif r["met"]:
            cover = _e(_("met"))
        else:
            cover = f"{_e(r['coverage'])}×" + (' <b class="flag">!</b>' if r["below_goal"]
                                               else "")
        who = f"<td>{_e(owner or _('(none)'))}</td>" if with_owner else ""
        low = ' class="warn"' if r["below_goal"] else ""
        return (f'<tr data-period="{_e(r["period"])}"{low}>{who}<td>{_e(r["period"])}</td>'
                f'<td class="num" data-field="target">{human(r["target"], cur)}</td>'
                f'<td class="num">{human(r["won"], cur)}</td>'
                f'<td class="num">{human(r["gap"], cur)}</td>'
                f'<td class="num">{human(r["pipeline"], cur)}</td>'
                f'<td class="num" data-field="coverage" data-exact="{_e(r["coverage"])}">'
                f"{cover}</td></tr>")

    head = "".join(f'<th class="num">{_e(h)}</th>' for h in (
        _("Target {currency}").format(currency=cur), _("Won {currency}").format(currency=cur),
        _("Gap {currency}").format(currency=cur), _("Open {currency}").format(currency=cur),
        _("Coverage")))
    period, owner_head = f"<th>{_e(_('Period'))}</th>", f"<th>{_e(_('Owner'))}</th>"
    team = "".join(row(r, None, with_owner=False) for r in fc["rows"]
                   if r["kind"] == "period" and r["target"] is not None)
    owners = "".join(row(r, o["owner"]) for o in fc["owners"] or [] for r in o["rows"]
                     if r["target"] is not None)
    heading = _("Against targets (coverage goal {goal}×)").format(goal=goal)
    note = _("Coverage = open pipeline expected to close in the period ÷ gap (target − won); "
             "marked ! below the goal.")
    return (f'<section id="targets"><h2>{_e(heading)}</h2>'
            f'<table id="targets-table"><thead><tr>{period}{head}</tr></thead>'
            f"<tbody>{team}</tbody></table>"
            + (f'<h3>{_e(_("Per owner"))}</h3><table id="owner-targets-table"><thead><tr>'
               f"{owner_head}{period}{head}</tr></thead><tbody>{owners}</tbody></table>"
               if owners else "")
            + f'<ul class="notes"><li>{_e(note)}</li></ul></section>')


STYLE = """
svg .axis{stroke:var(--muted)}
svg rect.wf.level{fill:var(--dark)}svg rect.wf.up{fill:var(--won-dark)}
svg rect.wf.down{fill:var(--warn)}svg text.wfv{font-size:10px;font-weight:600}
svg .line{fill:none;stroke-width:2.5}svg .line.weighted{stroke:var(--dark)}
svg .line.amount{stroke:var(--bar)}svg .dot{fill:var(--dark)}
svg .key.weighted{fill:var(--dark)}svg .key.amount{fill:var(--bar)}
table.moves{margin-bottom:8px}
"""

SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var facts = document.getElementById('meeting-facts');
  var bars = document.querySelectorAll('#waterfall-chart rect.wf');
  var heights = [];
  for (var i = 0; i < bars.length; i++) {
    heights.push(bars[i].getBoundingClientRect().height.toFixed(1));
  }
  facts.dataset.waterfallBars = String(bars.length);
  facts.dataset.waterfallHeights = heights.join(' ');
  var line = document.querySelector('#trend-chart polyline.weighted');
  facts.dataset.trendPoints = line ? String(line.points.numberOfItems) : '0';
  var chart = document.getElementById('trend-chart');
  facts.dataset.trendWidth = chart ? chart.getBoundingClientRect().width.toFixed(0) : '0';
  facts.dataset.ready = 'yes';
});
"""


def meeting_sections(data: dict[str, Any]) -> str:
    """What opens the weekly page: the changes and the trend ('' when not asked for)."""
    changes, trend = data.get("changes"), data.get("trend")
    if not changes and not trend:
        return ""
    body = (changes_section(changes) if changes else "") + (trend_section(trend) if trend
                                                            else "")
    return (f"<style>{STYLE}</style>{body}<div id=\"meeting-facts\" hidden></div>"
            f"<script>{SCRIPT}</script>")
