"""How one deal looks on screen and in JSON (shared by show, check and advance)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesflow.deal import DealFile
    from salesflow.gates import MilestoneStatus
    from salesflow.process import Process


def tick_command(deal_id: str, milestone_id: str) -> str:
    return f"salesflow tick {deal_id} {milestone_id}"


def mark(met: bool) -> str:
    from salesflow.render import output

    if output.fancy:
        return "[green]✔[/green]" if met else "[red]✘[/red]"
    return "\\[x]" if met else "\\[ ]"


def print_gate(process: Process, item: DealFile, statuses: list[MilestoneStatus]) -> None:
    """The exit milestones of the deal's stage, each met or not, and what to do next."""
    from rich.markup import escape

    from salesflow.render import output

    stage = process.stage(item.deal.stage)
    output.print(f"{escape(item.id)}: stage {stage.code} {escape(stage.name)} "
                 f"({stage.probability}%)", highlight=False)
    if not statuses:
        output.text("  this stage has no exit milestones")
    for s in statuses:
        when = f" ({s.record.date.isoformat()})" if s.record else ""
        rule = " [rule]" if s.by_rule else ""
        output.print(f"  {mark(s.met)} {escape(s.milestone.id)}{escape(rule)}: "
                     f"{escape(s.milestone.text)}{when}", highlight=False)
        print_missing(s, indent=6)
    unmet = [s for s in statuses if not s.met]
    nxt = process.next_stage(stage.code)
    if not unmet and nxt is not None:
        output.text(f"ready to advance to {nxt.code}: salesflow advance {item.id}")
    to_tick = [s for s in unmet if not s.by_rule]
    if to_tick:
        output.text("to record a milestone: " + tick_command(item.id, to_tick[0].milestone.id))
    if any(s.by_rule for s in unmet):
        output.text("[rule] milestones are checked from the deal's own data (a tick does not "
                    "count): update the deal file as the missing lines say, then run "
                    f"`salesflow check {item.id}` again")


def print_missing(status: MilestoneStatus, indent: int) -> None:
    """What an unmet rule lacks: one line per gap, what to do indented below it."""
    from salesflow.render import output

    for gap in status.gaps:
        first, *rest = gap.lines()
        output.text("missing: " + first, indent=indent)
        for line in rest:
            output.text(line, indent=indent + 2)


def deal_json(process: Process, item: DealFile) -> dict[str, Any]:
    """Everything about one deal, as the `show --format json` shape."""
    from salesflow.gates import stage_gate
    from salesflow.render import money_json
    from salesflow.reports import in_report_currency

    d = item.deal
    data: dict[str, Any] = {"id": item.id, "path": item.path}
    data.update(d.model_dump(mode="json", by_alias=True, exclude_none=True))
    data.update(d.extensions)
    stage = process.stage(d.stage)
    data["amount"] = money_json(d.amount)
    data["probability"] = stage.probability
    if d.amount is not None:
        converted = in_report_currency(d.amount, d.currency, process)
        data["amount_report"] = money_json(converted)
        data["weighted"] = money_json(converted * stage.probability / 100)
    data["report_currency"] = process.currency
    data["gate"] = [
        {"id": s.milestone.id, "text": s.milestone.text, "met": s.met,
         "missing": list(s.missing)}
        for s in stage_gate(d, stage, process)
    ]
    return data


def print_deal(process: Process, item: DealFile) -> None:
    """A readable page about one deal."""
    from rich.markup import escape

    from salesflow.gates import stage_gate
    from salesflow.render import money, output

    d = item.deal
    stage = process.stage(d.stage)
    title = f"{item.id}" + (f" — {d.name}" if d.name else "")
    output.print(output.style(title, "bold"), highlight=False)
    grid = output.table("", "", title=None)
    grid.show_header = False
    rows = [
        ("Customer", d.customer),
        ("Owner", d.owner or ""),
        ("Stage", f"{stage.code} {stage.name} ({stage.probability}%)"),
        ("Status", d.status + (f" ({d.lost_reason})" if d.lost_reason else "")),
        ("Amount", (money(d.amount) + " " + (d.currency or process.currency))
         if d.amount is not None else "— (not set)"),
        ("Expected close", d.expected_close.isoformat() if d.expected_close else "—"),
        ("Segment", d.segment or ""),
        ("Product line", d.product_line or ""),
        ("Relationship", d.relationship or ""),
        ("Customer's step", _procurement_label(process, d.procurement_step)),
        ("File", item.path),
    ]
    for label, value in rows:
        if value:
            grid.add_row(output.style(label, "dim"), escape(value))
    output.print(grid)

    output.print()
    output.print(output.style("Milestones", "bold"), highlight=False)
    current = process.index(d.stage)
    for i, st in enumerate(process.stages[: current + 1]):
        for s in stage_gate(d, st, process):
            when = f" {s.record.date.isoformat()}" if s.record else ""
            note = f" — {s.record.note}" if s.record and s.record.note else ""
            here = "" if i < current else " (current stage)"
            output.print(f"  {mark(s.met)} {st.code} {escape(s.milestone.id)}{escape(when)}"
                         f"{escape(note)}{escape(here)}", highlight=False)

    if d.stakeholders:
        output.print()
        table = output.table("Stakeholder", "Title", "Level", "Roles", "Attitude", "Reports to",
                             title="Stakeholders")
        for p in d.stakeholders:
            table.add_row(escape(p.name), escape(p.title or ""), p.level or "",
                          ", ".join(p.roles), _attitude(p.attitude), escape(p.reports_to or ""))
        output.print(table)

    if d.needs:
        output.print()
        table = output.table("Kind", "Need", "Explicit", "From", title="Needs (SPIN)")
        for n in sorted(d.needs, key=lambda n: "SPIN".index(n.kind)):
            table.add_row(n.kind, escape(n.text), "explicit" if n.explicit else "implied",
                          escape(n.from_ or ""))
        output.print(table)

    if d.next_steps:
        output.print()
        table = output.table("Due", "Next step", title="Next steps")
        for step in sorted(d.next_steps, key=lambda s: s.due):
            table.add_row(step.due.isoformat(), escape(step.action))
        output.print(table)

    if d.history:
        output.print()
        table = output.table("Date", "Change", "By", "Note", title="History")
        for h in d.history:
            if h.to and h.from_:
                change = f"{h.from_} → {h.to}"
            elif h.to:
                change = f"created in {h.to}"
            else:
                change = ""
            if h.status:
                change = (change + ", " if change else "") + h.status
            table.add_row(h.date.isoformat(), change, escape(h.by or ""),
                          escape(h.reason or h.note or ""))
        output.print(table)

    if d.notes:
        output.print()
        output.print(output.style("Notes", "bold"), highlight=False)
        output.text(d.notes.rstrip())


def _procurement_label(process: Process, step: str | None) -> str:
    if step is None:
        return ""
    index = process.procurement_index(step)
    if index is None:
        return step
    return f"{index + 1}/{len(process.procurement)} {process.procurement[index].name}"


def _attitude(attitude: str) -> str:
    from salesflow.render import output

    colour = {"supporter": "green", "opponent": "red", "neutral": "yellow"}.get(attitude)
    return output.style(attitude, colour) if colour else attitude
