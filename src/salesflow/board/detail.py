"""One deal, opened on the board: the parts of its page as rich renderables.

The same facts `salesflow show` prints, computed by the same core functions
(`method.gates.stage_gate`, `method.health.alignment` and `risks`,
`method.buying_centre.org_chart`, `method.timeline.describe`), laid out for
a screen rather than printed: the two processes side by side, the
milestones with ticks, the needs, the next steps, the history. Plain `Text`
throughout: nothing from a deal file is read as markup.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from salesflow.method.buying_centre import OrgNode
from salesflow.method.gates import stage_gate
from salesflow.method.health import alignment, risks
from salesflow.method.timeline import describe
from salesflow.model.deal import DealFile, Stakeholder
from salesflow.model.i18n import N_, _, ngettext
from salesflow.model.process import Process
from salesflow.model.words import ATTITUDES, LEVEL_NAMES, ROLE_NOUNS, SPIN_KINDS
from salesflow.output.render import money

TICK, CROSS = "✔", "✘"
# A deal's status as the page says it (the file keeps the code).
STATUS_WORDS = {"open": N_("open"), "won": N_("won"), "lost": N_("lost"), "hold": N_("on hold")}
ATTITUDE_STYLES = {"supporter": "green", "opponent": "red", "neutral": "yellow",
                   "unknown": "dim"}


def facts(process: Process, item: DealFile, today: dt.date) -> RenderableType:
    """The deal's top lines: customer, owner, stage, status, amount, close, file."""
    d = item.deal
    stage = process.stage(d.stage)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    close = "—"
    if d.expected_close:
        close = d.expected_close.isoformat()
        if d.expected_close < today and d.status == "open":
            close += " " + _("(passed)")
    rows = [
        (_("Customer"), d.customer), (_("Owner"), d.owner or ""),
        (_("Stage"), f"{stage.code} {stage.name} ({stage.probability}%)"),
        (_("Status"), (_(STATUS_WORDS[d.status]) if d.status in STATUS_WORDS
                       else d.status)
         + (f" ({d.lost_reason})" if d.lost_reason else "")),
        (_("Amount"), f"{money(d.amount)} {d.currency or process.currency}"
         if d.amount is not None else _("— (not set)")),
        (_("Expected close"), close), (_("Segment"), d.segment or ""),
        (_("Product line"), d.product_line or ""), (_("File"), item.path),
    ]
    for label, value in rows:
        if value:
            grid.add_row(Text(label), Text(value))
    return grid


def processes(process: Process, item: DealFile) -> RenderableType:
    """The sales process and the customer's buying process side by side, each marked."""
    d = item.deal
    here = process.index(d.stage)
    steps = process.procurement
    at = process.procurement_index(d.procurement_step) if d.procurement_step else None
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    table.add_column("", width=1, no_wrap=True)
    table.add_column(_("Sales process"), no_wrap=True, overflow="ellipsis", ratio=1)
    if steps:
        table.add_column("", width=1, no_wrap=True)
        table.add_column(_("Customer's buying process"), no_wrap=True, overflow="ellipsis",
                         ratio=1)
    for i in range(max(len(process.stages), len(steps))):
        row: list[RenderableType] = []
        if i < len(process.stages):
            st = process.stages[i]
            style = "bold" if i == here else "dim" if i < here else ""
            row += ["▶" if i == here else "",
                    Text(f"{st.code} {st.probability}% {st.name}", style=style)]
        else:
            row += ["", ""]
        if steps:
            if i < len(steps):
                style = "bold" if i == at else "dim" if at is not None and i < at else ""
                row += ["▶" if i == at else "",
                        Text(f"{i + 1} {steps[i].name} ({', '.join(steps[i].stages)})",
                             style=style)]
            else:
                row += ["", ""]
        table.add_row(*row)
    where = alignment(d, process)
    if not steps:
        line = ""
    elif at is None:
        line = _("The customer's buying step is not recorded (procurement_step).")
    elif where is None or where.apart == 0:
        line = _("In step: the customer is at step {at}/{of}.").format(at=at + 1,
                                                                      of=len(steps))
    elif where.apart > 0:
        line = ngettext("Out of step: the sale is {n} stage ahead of the customer.",
                        "Out of step: the sale is {n} stages ahead of the customer.",
                        where.apart).format(n=where.apart)
    else:
        line = ngettext("Out of step: the customer is {n} stage ahead of the sale.",
                        "Out of step: the customer is {n} stages ahead of the sale.",
                        -where.apart).format(n=-where.apart)
    return Group(table, Text(line, style="italic")) if line else table


def milestones(process: Process, item: DealFile) -> RenderableType:
    """Every exit milestone up to the current stage, ticked or not."""
    d = item.deal
    current = process.index(d.stage)
    lines = Text()
    for i, st in enumerate(process.stages[: current + 1]):
        for s in stage_gate(d, st, process):
            lines.append(f"{TICK if s.met else CROSS} ", style="green" if s.met else "red")
            lines.append(f"{st.code} {s.milestone.id}")
            if s.by_rule:
                lines.append(" " + _("[rule]"), style="dim")
            if s.record:
                lines.append(f" {s.record.date.isoformat()}", style="dim")
                if s.record.note:
                    lines.append(f" — {s.record.note}", style="dim")
            if i == current:
                lines.append(" " + _("(current stage)"), style="dim")
            lines.append("\n")
            if not s.met:
                for missing in s.missing:
                    lines.append("    " + _("missing: {what}").format(what=missing) + "\n",
                                 style="dim")
    return lines if lines.plain else Text(_("no exit milestones yet"), style="dim")


def person_label(person: Stakeholder) -> Text:
    """A person in the buying-centre tree: name, title, level, roles, attitude."""
    text = Text(person.name, style="bold")
    if person.title:
        text.append(f", {person.title}")
    facets = [LEVEL_NAMES[person.level] if person.level else "",
              ", ".join(ROLE_NOUNS[r] for r in person.roles)]
    shown = " · ".join(f for f in facets if f)
    if shown:
        text.append(f" ({shown})", style="dim")
    text.append(" ")
    text.append(ATTITUDES[person.attitude], style=ATTITUDE_STYLES[person.attitude])
    return text


def walk(chart: tuple[OrgNode, ...]) -> list[tuple[int, Stakeholder]]:
    """The org chart in drawing order with each person's depth."""
    return [row for node in chart for row in node.walk()]


def needs(item: DealFile) -> RenderableType:
    """Needs grouped by SPIN kind; implied and explicit told apart by a word."""
    d = item.deal
    if not d.needs:
        return Text(_("no needs recorded yet"), style="dim")
    table = Table(box=None, padding=(0, 1), show_header=False, expand=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True)
    for kind in "SPIN":
        for n in (n for n in d.needs if n.kind == kind):
            table.add_row(f"{kind} {SPIN_KINDS[kind]}", Text(n.text),
                          Text(_("explicit"), style="green") if n.explicit
                          else Text(_("implied"), style="dim"))
    return table


def next_steps(item: DealFile, today: dt.date) -> RenderableType:
    d = item.deal
    if not d.next_steps:
        return Text(_("no next step agreed"), style="dim")
    lines = Text()
    for step in sorted(d.next_steps, key=lambda s: s.due):
        lines.append(step.due.isoformat())
        if step.due < today and d.status in ("open", "hold"):
            lines.append(" " + _("overdue"), style="bold red")
        lines.append(f"  {step.action}")
        if step.by:
            lines.append(f" ({step.by})", style="dim")
        lines.append("\n")
    return lines


def history(item: DealFile) -> RenderableType:
    d = item.deal
    if not d.history:
        return Text(_("no history yet"), style="dim")
    lines = Text()
    for h in d.history:
        lines.append(f"{h.date.isoformat()}  {describe(h)}")
        if h.by:
            lines.append(f"  {h.by}", style="dim")
        why = " — ".join(x for x in (h.reason, h.note) if x)
        if why:
            lines.append(f"  {why}", style="italic")
        lines.append("\n")
    return lines


def risk_lines(process: Process, item: DealFile, today: dt.date) -> RenderableType:
    found = risks(item.deal, process, today)
    if not found:
        return Text(_("no risks found today"), style="dim")
    lines = Text()
    for r in found:
        lines.append(f"{r.code}: ", style="bold red")
        lines.append(f"{r.reason}\n")
        lines.append(f"  → {r.move}\n", style="dim")
    return lines
