"""Commands that change a deal: tick, untick, advance, lose, hold, reopen.

Each builds a pure transition from `salesflow.method.transitions` and hands it to
`salesflow.files.update.update_deal`, which does the locked, verified, atomic
write. `--dry-run` prints the diff the command would make and writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from salesflow.cli import complete
from salesflow.cli._common import handle_errors, parse_date, root, use_cache
from salesflow.cli.app import app
from salesflow.model.i18n import _

if TYPE_CHECKING:
    from salesflow.files.update import Compute, Outcome
    from salesflow.method.transitions import Context, GateRefused

DealArg = typer.Argument(..., metavar="DEAL", help="Deal id or path.",
                         autocompletion=complete.deal_ids)
MilestoneArg = typer.Argument(..., metavar="MILESTONE", help="Milestone id, e.g. visit-committed.",
                              autocompletion=complete.milestones)
DateOpt = typer.Option(None, "--date", "-d", metavar="DATE",
                       help="When it happened: YYYY-MM-DD, today or yesterday (default: "
                       "today); not in the future, not before the last history entry.")
ByOpt = typer.Option(None, "--by", metavar="NAME",
                     help="Who made the change (default: git config user.name, else your login).")
DryRunOpt = typer.Option(False, "--dry-run", "-n",
                         help="Print the diff this would make to the file; write nothing.")


@app.command()
@handle_errors
def tick(
    deal: str = DealArg,
    milestone: str = MilestoneArg,
    note: str | None = typer.Option(None, "--note", help="How it was reached, in a few words."),
    date: str | None = DateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Record that a milestone output is reached (any stage's milestone).

    Ticking a milestone already recorded changes nothing unless --date or --note
    differ; then that record is updated. `salesflow check DEAL` lists the
    milestones of the deal's stage.

    Example: salesflow tick acme-pumps visit-committed --note "visit on 12 May agreed"
    """
    from salesflow.method import transitions as pipeline

    note = _text(note, "--note")
    ctx = _context(deal, date, by)
    _run(ctx, deal, lambda d, data, process: pipeline.tick(
        d, data, process, ctx, milestone, note=note, date_given=date is not None),
        dry_run, show_gate=True, linked=True)


@app.command()
@handle_errors
def untick(
    deal: str = DealArg,
    milestone: str = MilestoneArg,
    dry_run: bool = DryRunOpt,
) -> None:
    """Remove a milestone record made by mistake (its line(s) and nothing else).

    Example: salesflow untick acme-pumps visit-committed
    """
    from salesflow.method import transitions as pipeline

    ctx = _context(deal, None, None, author=False)
    _run(ctx, deal, lambda d, data, process: pipeline.untick(d, process, ctx, milestone),
         dry_run, show_gate=True, linked=True)


@app.command()
@handle_errors
def advance(
    deal: str = DealArg,
    to: str | None = typer.Option(None, "--to", metavar="CODE",
                                  help="Target stage (default: the next one). An earlier "
                                  "stage moves the deal back and needs --reason."),
    force: bool = typer.Option(False, "--force",
                               help="Move even though exit milestones are unmet (needs "
                               "--reason; recorded in the history)."),
    reason: str | None = typer.Option(None, "--reason", help="Why: needed with --force and "
                                      "for moving back; recorded in the history."),
    note: str | None = typer.Option(None, "--note", help="A note for the history entry."),
    date: str | None = DateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Move a deal to its next stage once the exit milestones of its stage are met.

    Refused (exit 1, nothing written) while any exit milestone of the current
    stage, and with --to of every stage skipped over, is unmet; the refusal
    lists each one and how to record it. Moving into the last stage marks the
    deal won. Every move appends a history entry.

    Example: salesflow advance acme-pumps --dry-run
    """
    from salesflow.method import transitions as pipeline

    reason, note = _text(reason, "--reason"), _text(note, "--note")
    ctx = _context(deal, date, by)
    try:
        _run(ctx, deal, lambda d, data, process: pipeline.advance(
            d, process, ctx, to=to.upper() if to else None, force=force, reason=reason,
            note=note), dry_run, show_gate=False, linked=True)
    except pipeline.GateRefused as exc:
        _refused(exc)
        raise typer.Exit(exc.exit_code) from None


@app.command()
@handle_errors
def lose(
    deal: str = DealArg,
    reason: str = typer.Option(..., "--reason", help="Why it was lost: one of stages.yaml's "
                               "`lost_reasons` when it has them."),
    note: str | None = typer.Option(None, "--note", help="The story, for the history entry."),
    date: str | None = DateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Mark a deal lost: sets `status: lost` and `lost_reason`, and records it in the history.

    Example: salesflow lose acme-pumps --reason price --note "competitor 18% below us"
    """
    from salesflow.method import transitions as pipeline

    given = _text(reason, "--reason")
    if given is None:
        from salesflow.model.errors import UsageError

        raise UsageError(_("--reason must not be empty"))
    note = _text(note, "--note")
    ctx = _context(deal, date, by)
    _run(ctx, deal, lambda d, data, process: pipeline.lose(d, process, ctx, given, note),
         dry_run, show_gate=False)


@app.command()
@handle_errors
def hold(
    deal: str = DealArg,
    reason: str | None = typer.Option(None, "--reason", help="Why, for the history entry."),
    date: str | None = DateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Put a deal on hold: it keeps its stage but leaves the weighted funnel.

    Example: salesflow hold acme-pumps --reason "budget frozen until Q2"
    """
    from salesflow.method import transitions as pipeline

    why = _text(reason, "--reason")
    ctx = _context(deal, date, by)
    _run(ctx, deal, lambda d, data, process: pipeline.hold(d, process, ctx, why),
         dry_run, show_gate=False)


@app.command()
@handle_errors
def reopen(
    deal: str = DealArg,
    reason: str | None = typer.Option(None, "--reason", help="Why, for the history entry "
                                      "(required to reopen a won deal)."),
    date: str | None = DateOpt,
    by: str | None = ByOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Make a lost or held deal open again, in its stage.

    A won deal can be reopened only with --reason: that undoes the win and
    moves it back to the stage before the last.

    Example: salesflow reopen acme-pumps --reason "budget released"
    """
    from salesflow.method import transitions as pipeline

    why = _text(reason, "--reason")
    ctx = _context(deal, date, by)
    _run(ctx, deal, lambda d, data, process: pipeline.reopen(d, data, process, ctx, why),
         dry_run, show_gate=False)


# ------------------------------------------------------------------ helpers


def _context(ref: str, date: str | None, by: str | None, *, author: bool = True) -> Context:
    """Who and when, with today from the CLI's one clock (`_common.today`) for the core's
    date check (`method.transitions.check_date`)."""
    from salesflow.cli import _common
    from salesflow.files.workspace import default_author, locate_deal
    from salesflow.method.transitions import Context

    base = root()
    deal_id = locate_deal(base, ref, cache=use_cache()).stem
    today = _common.today()
    on = parse_date(date, "--date") if date is not None else today
    who = _text(by, "--by") or (default_author(base) if author else "")
    return Context(deal_id=deal_id, on=on, by=who, today=today)


def _text(value: str | None, option: str) -> str | None:
    """An option's text: None when not given; refused when empty or not valid UTF-8."""
    from salesflow.model.errors import UsageError

    if value is None:
        return None
    if not value.strip():
        raise UsageError(_("{option} must not be empty").format(option=option))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(_("{option} contains bytes that are not valid UTF-8").format(
            option=option),
                         hint=_("check your terminal's encoding")) from None
    return value


def _run(ctx: Context, ref: str, compute: Compute, dry_run: bool, *,
         show_gate: bool, linked: bool = False, show_stage: bool = True) -> Outcome:
    """Apply a transition; `linked` judges it on the deal merged with its account."""
    from salesflow.files.update import update_deal
    from salesflow.output.render import output

    if linked:
        from salesflow.cli._accounts import linked_compute

        compute = linked_compute(root(), compute)
    outcome = update_deal(root(), ref, compute, dry_run=dry_run, cache=use_cache())
    change = outcome.change
    if dry_run:
        if change.empty:
            output.text(change.summary)
        else:
            print_diff(outcome.diff())
            output.note(_("dry run: {summary}; nothing was written").format(
                summary=change.summary))
    else:
        output.text(change.summary)
    for note in change.notes:
        output.note(_("note: {note}").format(note=note))
    if show_gate and not change.empty:
        _gate_line(ctx.deal_id, outcome, dry_run)
    elif outcome.written and not change.empty and show_stage:
        if any(op.path == ("stage",) for op in change.ops):
            _entered(outcome)
        _stage_line(ctx.deal_id, outcome)
    return outcome


def print_diff(lines: list[str]) -> None:
    """A unified diff, coloured like git's on a terminal."""
    from salesflow.output.render import output

    for line in lines:
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        else:
            style = {"+": "green", "-": "red"}.get(line[:1], "")
        output.verbatim(line, style or None)


def _gate_line(deal_id: str, outcome: Outcome, dry_run: bool) -> None:
    """Where the deal's current stage stands after a tick or untick."""
    from salesflow.method.gates import stage_gate
    from salesflow.output.render import output

    deal, process = outcome.deal, outcome.process
    if deal.account is not None:
        from salesflow.cli._accounts import account_of
        from salesflow.method.accounts import effective_deal
        from salesflow.model.deal import DealFile

        deal = effective_deal(deal, account_of(root(), DealFile(deal_id, outcome.path, deal),
                                               process))
    stage = process.stage(deal.stage)
    statuses = stage_gate(deal, stage, process)
    met = sum(s.met for s in statuses)
    text = _("stage {code}: {met} of {total} exit milestone(s) met").format(
        code=stage.code, met=met, total=len(statuses))
    unmet = [s.milestone.id for s in statuses if not s.met]
    nxt = process.next_stage(stage.code)
    if unmet:
        text += _("; still open: {ids}").format(ids=", ".join(unmet))
    elif nxt is not None and deal.status == "open" and not dry_run:
        text += _("; ready: salesflow advance {deal}").format(deal=deal_id)
    output.note(text)


def _stage_line(deal_id: str, outcome: Outcome) -> None:
    """After a move: the milestones the deal now has to reach."""
    from salesflow.method.gates import stage_gate
    from salesflow.output.render import output

    deal, process = outcome.deal, outcome.process
    stage = process.stage(deal.stage)
    unmet = [s.milestone.id for s in stage_gate(deal, stage, process) if not s.met]
    if deal.status == "open" and unmet:
        output.note(_("next: reach {ids} (`salesflow check {deal}`)").format(
            ids=", ".join(unmet), deal=deal_id))
    elif deal.status == "open" and stage.exit:
        output.note(_("every exit milestone of {code} is met: salesflow advance {deal}").format(
            code=stage.code, deal=deal_id))
    elif deal.status == "won" and unmet:
        output.note(_("the closing checklist: {ids} (`salesflow tick {deal} MILESTONE` as each "
                      "is done)").format(ids=", ".join(unmet), deal=deal_id))


def _entered(outcome: Outcome) -> None:
    """On entering a stage, once: its work task and what must be true to be in it."""
    from salesflow.output.render import output

    stage = outcome.process.stage(outcome.deal.stage)
    if stage.task:
        output.note(_("task of {code}: {task}").format(code=stage.code, task=stage.task.strip()))
    if stage.entry:
        output.note(_("entry condition of {code}: {entry}").format(code=stage.code,
                                                                   entry=stage.entry.strip()))


def _refused(exc: GateRefused) -> None:
    """A refused advance: each unmet milestone, what it lacks, and how to record it."""
    from salesflow.cli.views import tick_command
    from salesflow.output.render import output

    several = len({s.stage for s in exc.unmet}) > 1
    output.error(exc.message)
    for s in exc.unmet:
        stage = f"{s.stage} " if several else ""
        rule = " " + _("[rule]") if s.by_rule else ""
        output.note(f"  [ ] {stage}{s.milestone.id}{rule}: {s.milestone.text}")
        for gap in s.gaps:  # what is wanted, then who exists and whom to win over
            first, *rest = gap.lines()
            output.note("      " + _("missing: {what}").format(what=first))
            for line in rest:
                output.note(f"        {line}")
        fixes = [c for gap in s.gaps for c in gap.fixes(exc.deal_id)]
        if s.by_rule and fixes:
            for command in dict.fromkeys(fixes):
                output.note("      " + _("fix: {command}").format(command=command))
        elif s.by_rule:
            output.note("      " + _("checked from the deal's data: add or update what is "
                                     "missing in the deal file (a record does not override "
                                     "the rule)"))
        else:
            output.note("      " + _("record it: {command}").format(
                command=tick_command(exc.deal_id, s.milestone.id)))
    if exc.hint:
        output.note(_("hint: {hint}").format(hint=exc.hint))
