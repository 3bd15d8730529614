"""How one deal looks on screen and in JSON (shared by show, check and advance)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.model.i18n import N_, _, is_zh, ngettext

if TYPE_CHECKING:
    from salesflow.method.gates import MilestoneStatus
    from salesflow.method.risk_words import Risk
    from salesflow.model.deal import DealFile
    from salesflow.model.process import Process


ATTITUDE_STYLES = {"supporter": "green", "opponent": "red", "neutral": "yellow",
                   "unknown": "dim"}
# Risks that lose deals outright when ignored; the rest are about discipline.
SERIOUS = {"opponent-buyer", "out-of-step", "rule-broken", "no-decision-level", "close-passed"}


def tick_command(deal_id: str, milestone_id: str) -> str:
    return f"salesflow tick {deal_id} {milestone_id}"


def mark(met: bool) -> str:
    from salesflow.output.render import output

    if output.fancy:
        return "[green]✔[/green]" if met else "[red]✘[/red]"
    return "\\[x]" if met else "\\[ ]"


def print_gate(process: Process, item: DealFile, statuses: list[MilestoneStatus]) -> None:
    """The exit milestones of the deal's stage, each met or not, and what to do next."""
    from rich.markup import escape

    from salesflow.output.render import output

    stage = process.stage(item.deal.stage)
    output.print(escape(_("{deal}: stage {code} {name} ({probability}%)").format(
        deal=item.id, code=stage.code, name=stage.name, probability=stage.probability)),
        highlight=False)
    if not statuses:
        output.text("  " + _("this stage has no exit milestones"))
    for s in statuses:
        when = f" ({s.record.date.isoformat()})" if s.record else ""
        rule = " " + _("[rule]") if s.by_rule else ""
        output.print(f"  {mark(s.met)} {escape(s.milestone.id)}{escape(rule)}: "
                     f"{escape(s.milestone.text)}{when}", highlight=False)
        print_missing(s, indent=6)
    unmet = [s for s in statuses if not s.met]
    nxt = process.next_stage(stage.code)
    if not unmet and nxt is not None:
        output.text(_("ready to advance to {code}: salesflow advance {deal}").format(
            code=nxt.code, deal=item.id))
    to_tick = [s for s in unmet if not s.by_rule]
    if to_tick:
        output.text(_("to record a milestone: {command}").format(
            command=tick_command(item.id, to_tick[0].milestone.id)))
    if any(s.by_rule for s in unmet):
        output.text(_("[rule] milestones are checked from the deal's own data (a tick does not "
                      "count): update the deal file as the missing lines say, then run "
                      "`salesflow check {deal}` again").format(deal=item.id))


def print_missing(status: MilestoneStatus, indent: int) -> None:
    """What an unmet rule lacks: one line per gap, what to do indented below it."""
    from salesflow.output.render import output

    for gap in status.gaps:
        first, *rest = gap.lines()
        output.text(_("missing: {what}").format(what=first), indent=indent)
        for line in rest:
            output.text(line, indent=indent + 2)


def deal_json(process: Process, item: DealFile) -> dict[str, Any]:
    """Everything about one deal, as the `show --format json` shape."""
    from salesflow.cli import _common
    from salesflow.method.gates import stage_gate
    from salesflow.method.health import alignment, risks
    from salesflow.model.money import money_json
    from salesflow.model.words import RELATIONSHIP_STAGES
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
    step_at = process.procurement_index(d.procurement_step) if d.procurement_step else None
    if step_at is not None:
        step = process.procurement[step_at]
        where = alignment(d, process)
        data["buying_process"] = {
            "step": step.id, "number": step_at + 1, "of": len(process.procurement),
            "name": step.name, "stages": list(step.stages),
            "apart": where.apart if where is not None else None,
        }
    if d.relationship:
        meaning = RELATIONSHIP_STAGES[d.relationship]
        data["relationship_stage"] = {"stage": meaning.code, "meaning": meaning.meaning,
                                      "share_of_wallet": meaning.share_of_wallet}
    data["risks"] = [{"code": r.code, "reason": r.reason, "move": r.move}
                     for r in risks(d, process, _common.today())]
    return data


def print_deal(process: Process, item: DealFile) -> None:
    """A readable page about one deal."""
    from rich.markup import escape

    from salesflow.cli import _common
    from salesflow.method.gates import stage_gate
    from salesflow.method.health import risks
    from salesflow.model.words import LEVEL_NAMES, RELATIONSHIP_STAGES, relationship_name
    from salesflow.output.render import money, output

    d = item.deal
    now = _common.today()
    stage = process.stage(d.stage)
    title = f"{item.id}" + (f" — {d.name}" if d.name else "")
    output.print(output.style(title, "bold"), highlight=False)
    grid = output.table("", "", title=None)
    grid.show_header = False
    relationship = ""
    if d.relationship:
        meaning = RELATIONSHIP_STAGES[d.relationship]
        relationship = _("{stage}: {meaning} (share of wallet {share})").format(
            stage=relationship_name(d.relationship) if is_zh() else d.relationship,
            meaning=meaning.meaning, share=meaning.share_of_wallet)
    rows = [
        (_("Customer"), d.customer),
        (_("Owner"), d.owner or ""),
        (_("Stage"), f"{stage.code} {stage.name} ({stage.probability}%)"),
        (_("Status"), status_word(d.status) + (f" ({d.lost_reason})" if d.lost_reason else "")),
        (_("Amount"), (money(d.amount) + " " + (d.currency or process.currency))
         if d.amount is not None else _("— (not set)")),
        (_("Expected close"), (d.expected_close.isoformat() + (
            _(" (passed)") if d.expected_close < now and d.status == "open" else ""))
         if d.expected_close else "—"),
        (_("Segment"), d.segment or ""),
        (_("Product line"), d.product_line or ""),
        (_("Relationship"), relationship),
        (_("Customer's step"), _procurement_label(process, d.procurement_step)),
        (_("File"), item.path),
    ]
    for label, value in rows:
        if value:
            grid.add_row(output.style(label, "dim"), escape(value))
    output.print(grid)

    output.print()
    print_processes(process, item)

    output.print()
    output.print(output.style(_("Milestones"), "bold"), highlight=False)
    current = process.index(d.stage)
    for i, st in enumerate(process.stages[: current + 1]):
        for s in stage_gate(d, st, process):
            when = f" {s.record.date.isoformat()}" if s.record else ""
            note = f" — {s.record.note}" if s.record and s.record.note else ""
            here = "" if i < current else _(" (current stage)")
            rule = " " + _("[rule]") if s.by_rule else ""
            output.print(f"  {mark(s.met)} {st.code} {escape(s.milestone.id)}{escape(rule)}"
                         f"{escape(when)}{escape(note)}{escape(here)}", highlight=False)
            if not s.met:
                print_missing(s, indent=8)

    if d.stakeholders:
        from salesflow.model.words import INFLUENCES, ROLE_NOUNS, comma

        output.print()
        table = output.table("Stakeholder", "Title", "Level", "Roles", "Attitude", "Influence",
                             "Reports to", title="Stakeholders")
        for p in d.stakeholders:
            table.add_row(escape(p.name), escape(p.title or ""),
                          LEVEL_NAMES[p.level].removesuffix(" level") if p.level else "",
                          comma().join(ROLE_NOUNS[r] for r in p.roles),
                          attitude_word(p.attitude),
                          INFLUENCES[p.influence] if p.influence else "",
                          escape(p.reports_to or ""))
        output.print(table)
        output.text(_("the org chart and buyer-role coverage: salesflow map {deal}").format(
            deal=item.id))

    if d.needs or stage.code != process.first.code:
        output.print()
        print_needs(item)

    if d.next_steps:
        output.print()
        by = any(step.by for step in d.next_steps)
        table = output.table("Due", "Next step", *(["By"] if by else []), title="Next steps")
        for step in sorted(d.next_steps, key=lambda s: s.due):
            due = step.due.isoformat()
            if step.due < now and d.status in ("open", "hold"):
                due += " " + output.style(_("overdue"), "red")
            table.add_row(due, escape(step.action), *([escape(step.by or "")] if by else []))
        output.print(table)

    found = risks(d, process, now)
    if found:
        output.print()

        output.print(output.style(_("Risks today ({n}; salesflow review lists them for "
                                    "every deal)").format(n=len(found)), "bold"))
        print_risks(found, max(len(r.code) for r in found), indent=0)

    if d.history:
        output.print()
        table = output.table("Date", "Change", "By", "Note", title="History")
        for h in d.history:
            from salesflow.method.timeline import describe

            change = describe(h)
            table.add_row(h.date.isoformat(), escape(change), escape(h.by or ""),
                          escape(" — ".join(x for x in (h.reason, h.note) if x)))
        output.print(table)

    if d.notes:
        output.print()
        output.print(output.style(_("Notes"), "bold"), highlight=False)
        output.text(d.notes.rstrip())


def print_processes(process: Process, item: DealFile) -> None:
    """The sales process and the customer's buying process side by side, each marked."""
    from rich.markup import escape

    from salesflow.method.health import alignment
    from salesflow.output.render import output

    d = item.deal
    here = process.index(d.stage)
    steps = process.procurement
    step_at = process.procurement_index(d.procurement_step) if d.procurement_step else None
    pointer = "▶" if output.fancy else ">"
    headers = ["", N_("Sales process"), ""]
    if steps:
        headers += ["", "#", N_("Customer's buying process"), N_("Goes with")]
    table = output.table(*headers, right=("#",))
    table.columns[2].justify = "right"
    # one line per stage and step: on a narrow terminal the names are cut short, evenly
    room = max(16, (output.out.width - 40) // (2 if steps else 1))
    for column in table.columns[1::4]:
        column.no_wrap, column.overflow, column.max_width = True, "ellipsis", room
    for column in table.columns:
        column.no_wrap = True
    for i in range(max(len(process.stages), len(steps))):
        row: list[str] = []
        if i < len(process.stages):
            st = process.stages[i]
            text = f"{st.code} {escape(st.name)}"
            if i == here:
                text = output.style(f"{st.code} {st.name}", "bold")
            elif i < here:
                text = output.style(f"{st.code} {st.name}", "dim")
            row += [pointer if i == here else "", text, f"{st.probability}%"]
        else:
            row += ["", "", ""]
        if steps and i < len(steps):
            step = steps[i]
            name = escape(step.name)
            if i == step_at:
                name = output.style(step.name, "bold")
            elif step_at is not None and i < step_at:
                name = output.style(step.name, "dim")
            with_ = ", ".join(
                (output.style(c, "bold") if output.fancy else f"[{c}]") if c == d.stage
                else c for c in step.stages)
            row += [pointer if i == step_at else "", str(i + 1), name, with_]
        elif steps:
            row += ["", "", "", ""]
        table.add_row(*row)
    output.print(output.style(_("Sales process and the customer's buying process"), "bold"))
    output.print(table)
    if not steps:
        return
    where = alignment(d, process)
    if step_at is None:
        output.text(_("The customer's buying step is not recorded: set `procurement_step:` "
                      "(one of the {n} step ids in stages.yaml).").format(n=len(steps)))
    elif where is None:
        output.text(_("The customer is at step {step}/{of}.").format(step=step_at + 1,
                                                                     of=len(steps)))
    elif where.apart == 0:
        output.text(_("In step: the customer is at step {step}, which goes with "
                      "stage {stage}.").format(step=where.label, stage=d.stage))
    elif where.apart > 0:
        output.text(_("Out of step: the sale (stage {stage}) is {apart} ahead "
                      "of the customer, who is at step {step} (goes with {with_}).").format(
                          stage=d.stage, apart=_stages(where.apart), step=where.label,
                          with_=", ".join(where.step.stages)))
    else:
        output.text(_("Out of step: the customer, at step {step} (goes with {with_}), is "
                      "{apart} ahead of the sale (stage {stage}).").format(
                          step=where.label, with_=", ".join(where.step.stages),
                          apart=_stages(-where.apart), stage=d.stage))


def print_needs(item: DealFile) -> None:
    """Needs grouped by SPIN kind; implied and explicit told apart at a glance."""
    from rich.markup import escape

    from salesflow.model.words import SPIN_ADVICE, SPIN_KINDS
    from salesflow.output.render import output

    d = item.deal
    explicit = sum(n.explicit for n in d.needs)
    table = output.table("Kind", "Need", "State", "From", "Date",
                         title=_("Needs (SPIN): {explicit} explicit, {implied} implied").format(
                             explicit=explicit, implied=len(d.needs) - explicit))
    missing = []
    for k, kind in enumerate("SPIN"):
        if k:
            table.add_section()
        label = f"{kind} {SPIN_KINDS[kind]}"
        found = [n for n in d.needs if n.kind == kind]
        if not found:
            missing.append(kind)
            table.add_row(label, "—", output.style(_("none yet"), "dim"), "", "")
            continue
        for j, n in enumerate(found):
            state = (output.style("● " + _("explicit"), "green") if output.fancy
                     else _("explicit")) \
                if n.explicit else (output.style("○ " + _("implied"), "dim") if output.fancy
                                    else _("implied"))
            table.add_row(label if j == 0 else "", escape(n.text), state,
                          escape(n.from_ or ""), n.date.isoformat() if n.date else "")
    output.print(table)
    for kind in missing:
        output.text(_("No {kind} ({name}) need yet: {advice}.").format(
            kind=kind, name=SPIN_KINDS[kind].lower(), advice=SPIN_ADVICE[kind]))


def _stages(n: int) -> str:
    return ngettext("{n} stage", "{n} stages", n).format(n=n)


def status_word(status: str) -> str:
    """A deal's status in words (the files and JSON keep the code)."""
    words = {"open": _("open"), "won": _("won"), "lost": _("lost"), "hold": _("hold")}
    return words.get(status, status)


def _procurement_label(process: Process, step: str | None) -> str:
    if step is None:
        return ""
    index = process.procurement_index(step)
    if index is None:
        return step
    return f"{index + 1}/{len(process.procurement)} {process.procurement[index].name}"


def attitude_word(attitude: str) -> str:
    """The attitude as a word, coloured on a terminal."""
    from salesflow.model.words import ATTITUDES
    from salesflow.output.render import output

    return output.style(ATTITUDES[attitude], ATTITUDE_STYLES[attitude])


def print_risks(risks: tuple[Risk, ...] | list[Risk], width: int, indent: int = 2) -> None:
    """Each risk: its code, the reason beside it, the next move below the reason.

    On a terminal a grid wraps long reasons under themselves; piped, each
    reason and each move is one unbroken line, for grep and diff.
    """
    from rich.markup import escape
    from rich.padding import Padding

    from salesflow.output.render import output

    if not output.fancy:
        for k in risks:
            output.text(f"{k.code:<{width}}  {k.reason}", indent=indent)
            output.text(f"{'':<{width}}  → {k.move}", indent=indent)
        return
    grid = output.table("", "")
    grid.show_header = False
    grid.columns[0].min_width = width
    for k in risks:
        grid.add_row(output.style(k.code, "red" if k.code in SERIOUS else "yellow"),
                     escape(k.reason) + "\n" + output.style("→ " + k.move, "dim"))
    output.print(Padding(grid, (0, 0, 0, indent)))
