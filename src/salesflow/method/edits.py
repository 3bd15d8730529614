"""The daily edits of a deal as pure functions: `salesflow set` and friends.

Like `salesflow.method.transitions`, each takes the validated deal, the plain
data of its file, the process and who/when, and returns a `Change` or
refuses (`UsageError`, exit 2, when the command line names something that
does not exist or gives a value the file could not hold). Values are checked
as the loader would check them in the file, so a refusal says what is wrong
with the value typed, not with a line of YAML the user never wrote.

A change of a field whose history matters to the reports (amount, currency,
expected_close, procurement_step) appends a field-change entry to the
history, `{date, field, from, to, by}`, so `--as-of` can replay it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from salesflow.method.checks import did_you_mean
from salesflow.method.transitions import Change, Context, check_date
from salesflow.model.deal import RELATIONSHIPS, Deal
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.errors import UsageError
from salesflow.model.fields import parse_date, parse_ident, parse_money, parse_text, show
from salesflow.model.i18n import N_, _
from salesflow.model.process import Process

SETTABLE: tuple[str, ...] = (
    "amount", "currency", "expected_close", "owner", "segment", "product_line",
    "relationship", "procurement_step", "name", "customer",
)
"""The deal's own fields `salesflow set` changes (and any `x-...` key)."""

RECORDED: tuple[str, ...] = ("amount", "currency", "expected_close", "procurement_step")
"""Fields whose every change is written to the history, for `--as-of` replays."""

# Fields that other commands own, and the command that changes each.
_OWNED = {
    "stage": "salesflow advance {id} --to CODE",
    "status": "salesflow lose|hold|reopen {id}",
    "lost_reason": "salesflow lose {id} --reason WHY",
    "milestones": "salesflow tick {id} MILESTONE",
    "history": N_("the history is appended by the other commands; it is not set"),
    "stakeholders": "salesflow person add|set|remove {id} NAME ...",
    "needs": "salesflow need add|explicit {id} ...",
    "next_steps": "salesflow step add|done {id} ...",
    "notes": N_("edit the deal file's `notes:` (free text, often several lines)"),
}
_REQUIRED = ("customer",)


def parse_assignment(text: str) -> tuple[str, str]:
    """`FIELD=VALUE` into its two parts; refused without `=` or without a field."""
    field, sep, value = text.partition("=")
    field = field.strip()
    if not sep or not field:
        raise UsageError(_("{text!r} is not FIELD=VALUE").format(text=text),
                         hint=_("e.g. salesflow set acme-pumps amount=1400000 "
                                "expected_close=2027-03-31 (an empty VALUE removes the field)"))
    return field, value


def set_fields(deal: Deal, data: Mapping[str, Any], process: Process, ctx: Context,
               assignments: Sequence[tuple[str, str]]) -> Change:
    """Set (or, with an empty value, remove) the deal's own fields; record the ones that matter.

    Every assignment is checked before anything is planned, so one bad value
    refuses the whole command. A value equal to the file's changes nothing.
    """
    seen: dict[str, str] = {}
    for field, raw in assignments:
        _known(field, ctx)
        if field in seen and seen[field] != raw:
            raise UsageError(_("{field} is given twice ({first!r} and {second!r})").format(
                field=field, first=seen[field], second=raw), hint=_("give each field once"))
        seen[field] = raw
    ops: list[Op] = []
    entries: list[dict[str, Any]] = []
    said: list[str] = []
    for field, raw in seen.items():
        new = _plain(_value(field, raw, process, ctx))
        old = _plain(_current(deal, data, field))
        if _same(old, new):
            continue
        if new is None:
            if field in _REQUIRED:
                raise UsageError(_("{field} cannot be removed: every deal needs one").format(
                    field=field), hint=_("give a value: {command}").format(
                        command=f"salesflow set {ctx.deal_id} {field}=..."))
            if field in data:
                ops.append(Delete((field,)))
        else:
            ops.append(Set((field,), new))
        if field in RECORDED:
            entries.append(_field_entry(ctx, field, old, new))
        said.append(f"{field} {_shown(old)} → {_shown(new)}")
    if not ops and not entries:
        return Change((), _("{deal}: nothing changed (the values are already so)").format(
            deal=ctx.deal_id))
    check_date(deal, ctx, history=bool(entries))
    ops.extend(Append(("history",), e) for e in entries)
    return Change(tuple(ops), f"{ctx.deal_id}: " + "; ".join(said))


# ------------------------------------------------------------------- values


def _known(field: str, ctx: Context) -> None:
    if field in SETTABLE or (field.startswith("x-") and len(field) > 2):
        return
    if field in _OWNED:
        raise UsageError(_("{field} is not set with `salesflow set`").format(field=field),
                         hint=_(_OWNED[field]).format(id=ctx.deal_id))
    raise UsageError(_("unknown field {field!r}").format(field=field)
                     + did_you_mean(field, list(SETTABLE)),
                     hint=_("fields: {fields}, or your own x-... keys").format(
                         fields=", ".join(SETTABLE)))


def _value(field: str, raw: str, process: Process, ctx: Context) -> Any:
    """The typed value of `raw` for `field`, checked as the file would be; None: remove."""
    text = raw.strip()
    if text == "":
        return None
    check = _CHECKS.get(field, _text)
    try:
        return check(text, process)
    except PydanticCustomError as exc:
        example = _EXAMPLES.get(field, "TEXT")
        raise UsageError(f"{field}={raw!r}: {exc.message()}",
                         hint=_("e.g. {command}").format(
                             command=f"salesflow set {ctx.deal_id} {field}={example}")) from None


def _text(text: str, process: Process) -> str:
    return parse_text(text)


def _amount(text: str, process: Process) -> Any:
    return parse_money(text)


def _date(text: str, process: Process) -> dt.date:
    return parse_date(text)


def _currency(text: str, process: Process) -> str:
    code = text.upper()
    known = [process.currency, *process.rates]
    if code not in known:
        raise PydanticCustomError(
            "currency", _("{found} has no exchange rate in stages.yaml (known: {known}){dym}"),
            {"found": show(text), "known": ", ".join(known), "dym": did_you_mean(code, known)})
    return code


def _procurement(text: str, process: Process) -> str:
    steps = [p.id for p in process.procurement]
    if not steps:
        raise PydanticCustomError("procurement", _("stages.yaml defines no procurement steps"))
    step = parse_ident(text)
    if step not in steps:
        raise PydanticCustomError(
            "procurement", _("unknown procurement step {found}{dym} (steps: {steps})"),
            {"found": show(text), "dym": did_you_mean(step, steps), "steps": ", ".join(steps)})
    return step


def _relationship(text: str, process: Process) -> str:
    if text not in RELATIONSHIPS:
        raise PydanticCustomError(
            "relationship", _("expected one of {allowed}, found {found}{dym}"),
            {"allowed": ", ".join(RELATIONSHIPS), "found": show(text),
             "dym": did_you_mean(text, list(RELATIONSHIPS))})
    return text


_CHECKS: dict[str, Callable[[str, Process], Any]] = {
    "amount": _amount, "currency": _currency, "expected_close": _date,
    "procurement_step": _procurement, "relationship": _relationship,
}
_EXAMPLES = {"amount": "1400000", "currency": "EUR", "expected_close": "2027-03-31",
             "procurement_step": "STEP", "relationship": "middle"}


def _current(deal: Deal, data: Mapping[str, Any], field: str) -> Any:
    if field.startswith("x-"):
        return data.get(field)
    return getattr(deal, field)


def _plain(value: Any) -> Any:
    """A value as a YAML reader gives it back: a whole amount is an int, not a Decimal."""
    if isinstance(value, Decimal) and value == value.to_integral_value() and "E" not in str(
            value) and "." not in str(value):
        return int(value)
    return value


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new if old is not None else new is None


def _shown(value: Any) -> str:
    if value is None:
        return _("(none)")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _field_entry(ctx: Context, field: str, old: Any, new: Any) -> dict[str, Any]:
    """`{date, field, from, to, by}` in that order; a missing side is left out."""
    entry = {"date": ctx.on, "field": field, "from": old, "to": new, "by": ctx.by}
    return {k: v for k, v in entry.items() if v is not None and v != ""}
