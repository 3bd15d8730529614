"""Transitions of a deal as pure functions: tick, untick, advance, lose, hold, reopen.

Each takes the validated deal (and the plain data of its file, where the
file's own shape matters), the process and who/when, and returns a `Change`:
the edits to make (as `salesflow.files.edit` operations on the file's data) and a
sentence saying what they do. Or it refuses, with an exception that says why
and what to do instead: `GateRefused` (exit 1) when exit milestones are unmet,
`DataError` when the deal's state forbids the move, `UsageError` (exit 2)
when the command line asks for something that does not exist. No I/O here:
`salesflow.files.update` reads, locks, edits and writes.

History entries: a stage move is `{date, from, to, by, note?, reason?}`, a
status change `{date, status, by, note?, reason?}`; a move into the last
stage is both (`{date, from: A, to: S, status: won, by}`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from salesflow.method.checks import did_you_mean
from salesflow.method.gates import MilestoneStatus, gates_between, milestone_status
from salesflow.model.deal import Deal
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.errors import DataError, UsageError
from salesflow.model.i18n import _
from salesflow.model.process import Process


@dataclass(frozen=True)
class Context:
    """Who makes a change, when, and to which deal (its id, for messages and hints).

    `today` is the caller's clock (the core reads none): with it, a date `on`
    after today is refused by `check_date`; without it (None) it is not checked.
    """

    deal_id: str
    on: dt.date
    by: str
    today: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """What a command will do to one deal file: edits, a summary and remarks."""

    ops: tuple[Op, ...]
    summary: str
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.ops


class GateRefused(DataError):
    """An advance refused because exit milestones are unmet; carries them."""

    def __init__(self, ctx: Context, from_code: str, to_code: str,
                 unmet: list[MilestoneStatus], total: int, *, to_given: bool) -> None:
        stages = sorted({s.stage for s in unmet}, key=[s.stage for s in unmet].index)
        where = (_("stage {code}").format(code=stages[0]) if len(stages) == 1
                 else _("stages {codes}").format(codes=", ".join(stages)))
        again = f"salesflow advance {ctx.deal_id}" + (f" --to {to_code}" if to_given else "")
        super().__init__(
            _("cannot advance {deal} from {from_} to {to}: {unmet} of {total} exit "
              "milestone(s) of {where} not met").format(
                  deal=ctx.deal_id, from_=from_code, to=to_code, unmet=len(unmet), total=total,
                  where=where),
            hint=_("nothing was changed. Reach the milestones above, then run `{again}` "
                   "again; to move anyway: {again} --force --reason \"why\"").format(
                       again=again),
        )
        self.deal_id = ctx.deal_id
        self.from_code = from_code
        self.to_code = to_code
        self.unmet = unmet


# ---------------------------------------------------------------- milestones


def tick(deal: Deal, data: Mapping[str, Any], process: Process, ctx: Context,
         milestone_id: str, *, note: str | None = None, date_given: bool = False) -> Change:
    """Record that a milestone output is reached (any stage's milestone).

    Ticking a milestone already recorded changes nothing unless an explicitly
    given `--date` or `--note` differs; then that record is updated in place.
    """
    stage, milestone = _milestone(deal, process, ctx, milestone_id)
    notes: list[str] = []
    if milestone.rule is not None:
        status = milestone_status(deal, stage, milestone, process)
        verdict = (_("its rule holds now") if status.met
                   else _("its rule does not hold yet: {gaps}").format(
                       gaps="; ".join(g.lines()[0].rstrip(".。") for g in status.gaps)))
        notes.append(_("{milestone} is checked from the deal's data by a rule, which a "
                       "record does not override; {verdict}").format(
                           milestone=milestone_id, verdict=verdict))
    path = ("milestones", milestone_id)
    existing = deal.milestones.get(milestone_id)
    if existing is None or date_given:  # a milestone's date: in the deal's life, not ahead
        check_date(deal, ctx, history=False)
    if existing is None:
        record: dict[str, Any] = {"date": ctx.on}
        if note is not None:
            record["note"] = note
        record["by"] = ctx.by
        return Change((Set(path, record),),
                      _("{deal}: recorded {milestone} ({stage}) on {date}").format(
                          deal=ctx.deal_id, milestone=milestone_id, stage=stage.code,
                          date=ctx.on.isoformat()), tuple(notes))
    new_date = ctx.on if date_given and ctx.on != existing.date else None
    new_note = note if note is not None and note != existing.note else None
    if new_date is None and new_note is None:
        return Change((), _("{deal}: {milestone} is already recorded (on {date}); nothing "
                            "changed").format(deal=ctx.deal_id, milestone=milestone_id,
                                              date=existing.date.isoformat()), tuple(notes))
    raw = data.get("milestones", {}).get(milestone_id)
    ops: list[Op] = []
    if isinstance(raw, dict):  # `{date: ..., note: ...}` or block lines: change the fields
        if new_date is not None:
            ops.append(Set((*path, "date"), new_date))
        if new_note is not None:
            ops.append(Set((*path, "note"), new_note))
    elif new_note is None:  # a bare date: stays a bare date
        ops.append(Set(path, new_date))
    else:
        ops.append(Set(path, {"date": new_date or existing.date, "note": new_note}))
    what = _(" and ").join(w for w, v in ((_("date"), new_date), (_("note"), new_note))
                           if v is not None)
    return Change(tuple(ops), _("{deal}: updated the {what} of {milestone}").format(
        deal=ctx.deal_id, what=what, milestone=milestone_id),
                  tuple(notes))


def untick(deal: Deal, process: Process, ctx: Context, milestone_id: str) -> Change:
    """Remove a milestone record (a tick made by mistake)."""
    _milestone(deal, process, ctx, milestone_id)
    if milestone_id not in deal.milestones:
        return Change((), _("{deal}: {milestone} is not recorded; nothing changed").format(
            deal=ctx.deal_id, milestone=milestone_id))
    return Change((Delete(("milestones", milestone_id)),),
                  _("{deal}: removed the record of {milestone}").format(
                      deal=ctx.deal_id, milestone=milestone_id))


def _milestone(deal: Deal, process: Process, ctx: Context, milestone_id: str) -> Any:
    found = process.milestone(milestone_id)
    if found is None:
        stage = process.stage(deal.stage)
        here = (_("the milestones of stage {code} are: {ids}").format(
                    code=stage.code, ids=", ".join(stage.milestone_ids))
                if stage.exit else _("stage {code} has no exit milestones").format(
                    code=stage.code))
        raise UsageError(
            _("unknown milestone {milestone!r}").format(milestone=milestone_id)
            + did_you_mean(milestone_id, process.milestone_ids),
            hint=_("{here}; `salesflow check {deal}` shows them with their texts").format(
                here=here, deal=ctx.deal_id),
        )
    return found


# ---------------------------------------------------------------- stage moves


def advance(deal: Deal, process: Process, ctx: Context, *, to: str | None = None,
            force: bool = False, reason: str | None = None,
            note: str | None = None) -> Change:
    """Move the deal to the next stage, or to `to` (forward through gates, or back)."""
    current = process.stage(deal.stage)
    if to is not None and not process.has_stage(to):
        raise UsageError(_("--to {to!r} is not a stage of this process").format(to=to),
                         hint=_("use one of {codes}").format(codes=", ".join(process.codes)))
    if deal.status != "open":
        raise _not_open(deal, process, ctx)
    target = process.stage(to) if to is not None else process.next_stage(current.code)
    if target is None:  # pragma: no cover - the last stage is won, refused above
        raise DataError(_("{deal} is in the last stage ({code})").format(
            deal=ctx.deal_id, code=current.code))
    if target.code == current.code:
        raise UsageError(_("{deal} is already in stage {code}").format(
            deal=ctx.deal_id, code=current.code),
                         hint=_("`salesflow check {deal}` shows its milestones").format(
                             deal=ctx.deal_id))
    if force and not reason:
        raise UsageError(_("--force needs --reason: say why the milestones are skipped; "
                           "it is recorded in the deal's history"))
    backwards = process.index(target.code) < process.index(current.code)
    if backwards and not reason:
        raise UsageError(
            _("moving {deal} back from {from_} to {to} needs --reason").format(
                deal=ctx.deal_id, from_=current.code, to=target.code),
            hint=f"salesflow advance {ctx.deal_id} --to {target.code} --reason \"why\"")
    check_date(deal, ctx)
    notes: list[str] = []
    skipped: list[str] = []
    if not backwards:
        gates = gates_between(deal, process, target.code)
        unmet = [s for s in gates if not s.met]
        if unmet and not force:
            raise GateRefused(ctx, current.code, target.code, unmet, len(gates),
                              to_given=to is not None)
        if unmet:
            skipped = [s.milestone.id for s in unmet]
            notes.append(_("forced past unmet milestone(s): {ids}").format(
                ids=", ".join(s.milestone.id for s in unmet)))
    won = target.code == process.won.code
    ops: list[Op] = [Set(("stage",), target.code)]
    if won:
        ops.append(Set(("status",), "won"))
    entry = _entry(ctx, from_=current.code, to=target.code, status="won" if won else None,
                   note=note, reason=reason)
    if skipped:  # forced past unmet milestones: the entry says so, and which
        entry = _forced(entry, skipped)
    ops.append(Append(("history",), entry))
    summary = (_("{deal}: {from_} → {to} ({name}, {probability}%)").format(
        deal=ctx.deal_id, from_=current.code, to=target.code, name=target.name,
        probability=target.probability) + (_(": won") if won else "")
               + (_(" (back)") if backwards else ""))
    return Change(tuple(ops), summary, tuple(notes))


def _not_open(deal: Deal, process: Process, ctx: Context) -> DataError:
    if deal.status == "won":
        back = process.stages[-2].code
        return DataError(
            _("{deal} is won (stage {stage}): a won deal does not move").format(
                deal=ctx.deal_id, stage=deal.stage),
            hint=_("to undo the win: salesflow reopen {deal} --reason \"why\" (moves it back "
                   "to {back})").format(deal=ctx.deal_id, back=back))
    why = {"lost": _("lost") + (f" ({deal.lost_reason})" if deal.lost_reason else ""),
           "hold": _("on hold")}[deal.status]
    return DataError(
        _("{deal} is {why}: only open deals move between stages").format(
            deal=ctx.deal_id, why=why),
        hint=_("reopen it first: salesflow reopen {deal} --reason \"why\"").format(
            deal=ctx.deal_id))


# --------------------------------------------------------------- status changes


def lose(deal: Deal, process: Process, ctx: Context, reason: str,
         note: str | None = None) -> Change:
    """Mark the deal lost, with a reason (one of `lost_reasons` when the process has them)."""
    allowed = process.lost_reasons
    if allowed and reason not in allowed:
        raise UsageError(_("--reason {reason!r} is not one of this process's lost "
                           "reasons").format(reason=reason)
                         + did_you_mean(reason, allowed),
                         hint=_("use one of: {reasons} (stages.yaml `lost_reasons`); "
                                "tell the story with --note").format(
                                    reasons=", ".join(allowed)))
    if deal.status == "lost":
        return Change((), _("{deal} is already lost ({reason}); nothing changed").format(
            deal=ctx.deal_id, reason=deal.lost_reason or _("no reason")))
    if deal.status == "won":
        raise DataError(_("{deal} is won: a won deal cannot be lost").format(deal=ctx.deal_id),
                        hint=_("if the win fell through, reopen it first: {command}").format(
                            command=f"salesflow reopen {ctx.deal_id} --reason \"why\""))
    check_date(deal, ctx)
    ops: tuple[Op, ...] = (
        Set(("status",), "lost"),
        Set(("lost_reason",), reason),
        Append(("history",), _entry(ctx, status="lost", note=note, reason=reason)),
    )
    return Change(ops, _("{deal}: lost ({reason}) in stage {stage}").format(
        deal=ctx.deal_id, reason=reason, stage=deal.stage))


def hold(deal: Deal, process: Process, ctx: Context, reason: str | None = None) -> Change:
    """Put an open deal on hold: it stays in its stage, out of the weighted funnel."""
    if deal.status == "hold":
        return Change((), _("{deal} is already on hold; nothing changed").format(
            deal=ctx.deal_id))
    if deal.status != "open":
        raise DataError(_("{deal} is {status}: only an open deal can be put on hold").format(
            deal=ctx.deal_id, status=_(deal.status)),
                        hint=_("reopen it first: salesflow reopen {deal} --reason \"why\"").format(
                            deal=ctx.deal_id))
    check_date(deal, ctx)
    ops: tuple[Op, ...] = (
        Set(("status",), "hold"),
        Append(("history",), _entry(ctx, status="hold", reason=reason)),
    )
    return Change(ops, _("{deal}: on hold in stage {stage}").format(deal=ctx.deal_id,
                                                                     stage=deal.stage))


def reopen(deal: Deal, data: Mapping[str, Any], process: Process, ctx: Context,
           reason: str | None = None) -> Change:
    """Make a lost or held deal open again, in its stage.

    A won deal can be reopened too, but only with a reason: the win is undone
    and the deal moves back to the stage before the last one (an open deal
    cannot sit in the won stage).
    """
    if deal.status == "open":
        return Change((), _("{deal} is already open; nothing changed").format(
            deal=ctx.deal_id))
    check_date(deal, ctx)
    if deal.status == "won":
        if not reason:
            raise UsageError(_("reopening a won deal needs --reason: it undoes the win of "
                               "{deal}").format(deal=ctx.deal_id),
                             hint=f"salesflow reopen {ctx.deal_id} --reason \"why\"")
        back = process.stages[-2]
        ops: list[Op] = [
            Set(("stage",), back.code),
            Set(("status",), "open"),
            Append(("history",), _entry(ctx, from_=deal.stage, to=back.code, status="open",
                                        reason=reason)),
        ]
        return Change(tuple(ops), _("{deal}: reopened; the win is undone and it is back "
                                    "in stage {code} ({name})").format(
                                        deal=ctx.deal_id, code=back.code, name=back.name))
    was = deal.status
    ops = [Set(("status",), "open")]
    if "lost_reason" in data:  # the reason stays in the history entry of the loss
        ops.append(Delete(("lost_reason",)))
    ops.append(Append(("history",), _entry(ctx, status="open", reason=reason)))
    return Change(tuple(ops), _("{deal}: reopened (was {was}) in stage {stage}").format(
        deal=ctx.deal_id, was=_(was), stage=deal.stage))


# ------------------------------------------------------------------- helpers


def _entry(ctx: Context, *, from_: str | None = None, to: str | None = None,
           status: str | None = None, note: str | None = None,
           reason: str | None = None) -> dict[str, Any]:
    """A history entry in the usual key order, without empty fields."""
    fields = {"date": ctx.on, "from": from_, "to": to, "status": status, "by": ctx.by,
              "note": note, "reason": reason}
    return {k: v for k, v in fields.items() if v is not None}


def _forced(entry: dict[str, Any], skipped: list[str]) -> dict[str, Any]:
    """`forced: true, skipped: [...]` right after `by`, as the other keys are ordered."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        out[key] = value
        if key == "by":
            out["forced"] = True
            out["skipped"] = skipped
    return out


def check_date(deal: Deal | None, ctx: Context, *, history: bool = True) -> None:
    """Refuse a date `ctx.on` that cannot be true: after today, or before the deal's life.

    The one range check of every command that writes a date. An event has
    happened, so it is not after `ctx.today`; it is not before the deal was
    created (its first history entry), and, when it appends to the history
    (`history`), not before the last entry either: history is kept oldest
    first. `deal` None is a deal not created yet (`salesflow new`).
    """
    earliest, what = date_floor(deal, history=history)
    latest = ctx.today
    if latest is not None and earliest is not None and earliest > latest:
        raise DataError(
            _("{deal}'s history has an entry dated {day}, after today ({today}); no date "
              "fits after it").format(deal=ctx.deal_id, day=earliest.isoformat(),
                                      today=latest.isoformat()),
            hint=_("correct that entry's date in the file (`salesflow validate` shows its "
                   "line), then try again"))
    late = latest is not None and ctx.on > latest
    if not late and (earliest is None or ctx.on >= earliest):
        return
    upto = _("{today} (today)").format(today=_iso(latest))
    if earliest is None:
        allowed = _("up to {upto}").format(upto=upto)
    elif latest is None:
        allowed = _("{day} or later").format(day=earliest.isoformat())
    else:
        allowed = _("{day} to {upto}").format(day=earliest.isoformat(), upto=upto)
    if late:
        why = _("in the future")
        hint = _("it records something that has happened; e.g. --date {day}")
    else:
        why = _("before {what}").format(what=what)
        hint = (_("the history is kept oldest first; e.g. --date {day}") if history
                else _("e.g. --date {day}"))
    raise UsageError(_("--date {date} for {deal} is {why}; allowed: {allowed}").format(
        date=ctx.on.isoformat(), deal=ctx.deal_id, why=why, allowed=allowed),
                     hint=hint.format(day=_iso(latest if late else earliest)))


def date_floor(deal: Deal | None, *, history: bool = True) -> tuple[dt.date | None, str]:
    """The earliest date a command may write on `deal`, and what sets it."""
    if deal is None or not deal.history:
        return None, ""
    created = deal.history[0].date
    last = max(h.date for h in deal.history)
    if history and last > created:
        return last, _("its last history entry")
    return created, _("the day it was created")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""
