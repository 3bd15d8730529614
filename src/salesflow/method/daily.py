"""People, needs, next steps and activities as pure edits: what a salesperson does all week.

Each function takes the validated deal, the process and who/when, and returns
a `Change` (edits of the file's data and a sentence), or refuses with a
`UsageError` naming what exists ("did you mean"). The events the method's
gates wait on are kept in the history: an attitude change
`{date, field: attitude, person, from, to, by}`, an activity
`{date, activity, text, with, by}` (a next step done is the activity `step`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from salesflow.method.checks import did_you_mean
from salesflow.method.gates import shell_word
from salesflow.method.timeline import activity_word
from salesflow.method.transitions import Change, Context, check_date
from salesflow.model.deal import ACTIVITIES, RELATIONSHIPS, Deal
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.errors import UsageError
from salesflow.model.i18n import _
from salesflow.model.process import ATTITUDES, LEVELS, ROLES
from salesflow.model.words import value_word

INFLUENCES: tuple[str, ...] = ("high", "medium", "low")
KINDS: tuple[str, ...] = ("S", "P", "I", "N")
ACTIVITY_KINDS: tuple[str, ...] = tuple(a for a in ACTIVITIES if a != "step")

# A stakeholder's keys in the order the model (and the docs) list them.
PERSON_KEYS: tuple[str, ...] = ("name", "title", "department", "level", "roles", "attitude",
                                "relationship", "influence", "reports_to", "notes")
_CHOICES: dict[str, tuple[str, ...]] = {
    "level": LEVELS, "attitude": ATTITUDES, "relationship": RELATIONSHIPS,
    "influence": INFLUENCES,
}


# -------------------------------------------------------------------- people


def person_index(deal: Deal, ctx: Context, name: str) -> int:
    """Where `name` stands in the deal's `stakeholders:`; refused with the nearest names."""
    for i, person in enumerate(deal.stakeholders):
        if person.name == name:
            return i
    names = [p.name for p in deal.stakeholders]
    listed = (_("the people of {deal}: {names}").format(deal=ctx.deal_id, names=", ".join(names))
              if names else _("{deal} lists nobody yet").format(deal=ctx.deal_id))
    raise UsageError(_("{name!r} is not a stakeholder of {deal}").format(name=name,
                                                                         deal=ctx.deal_id)
                     + did_you_mean(name, names),
                     hint=_("{listed}; add a person with: {command}").format(
                         listed=listed, command=f"salesflow person add {ctx.deal_id} "
                         f"{_quote(name)}"))


def person_add(deal: Deal, process: Any, ctx: Context, name: str,
               values: Mapping[str, Any]) -> Change:
    """Add a person to the buying centre; a known attitude is recorded in the history."""
    name = _nonempty(name, "NAME")
    if deal.stakeholder(name) is not None:
        raise UsageError(_("{name!r} is already a stakeholder of {deal}").format(
            name=name, deal=ctx.deal_id), hint=_("change them with: {command}").format(
                command=f"salesflow person set {ctx.deal_id} {_quote(name)} --attitude ..."))
    checked = _person_values(deal, ctx, values, name)
    record = {"name": name, **{k: checked[k] for k in PERSON_KEYS if checked.get(k) is not None}}
    ops: list[Op] = [Append(("stakeholders",), record)]
    attitude = checked.get("attitude")
    if attitude is not None and attitude != "unknown":
        check_date(deal, ctx)
        ops.append(Append(("history",), _attitude_entry(ctx, name, None, attitude)))
    facts = ", ".join(f"{k} {_shown(v, k)}" for k, v in record.items() if k != "name")
    return Change(tuple(ops), _("{deal}: added {name}").format(deal=ctx.deal_id, name=name)
                  + (f" ({facts})" if facts else ""))


def person_set(deal: Deal, data: Mapping[str, Any], process: Any, ctx: Context, name: str,
               values: Mapping[str, Any]) -> Change:
    """Change a person's facts; an empty text removes one; an attitude change is recorded."""
    i = person_index(deal, ctx, name)
    person = deal.stakeholders[i]
    checked = _person_values(deal, ctx, values, name)
    raw = _item(data, "stakeholders", i)
    ops: list[Op] = []
    said: list[str] = []
    entry: dict[str, Any] | None = None
    for key in PERSON_KEYS[1:]:
        if key not in checked:
            continue
        new = checked[key]
        old = getattr(person, key)
        if new == old or (new is None and key not in raw):
            continue
        if new is None:
            ops.append(Delete(("stakeholders", i, key)))
        else:
            ops.append(Set(("stakeholders", i, key), new))
        said.append(f"{key} {_shown(old, key)} → {_shown(new, key)}")
        if key == "attitude":
            entry = _attitude_entry(ctx, name, old, new)
    if not ops:
        return Change((), _("{deal}: {name} is already so; nothing changed").format(
            deal=ctx.deal_id, name=name))
    if entry is not None:
        check_date(deal, ctx)
        ops.append(Append(("history",), entry))
    return Change(tuple(ops), f"{ctx.deal_id}: {name}: " + "; ".join(said))


def person_remove(deal: Deal, process: Any, ctx: Context, name: str) -> Change:
    """Remove a person; refused while someone reports to them or a need comes from them."""
    i = person_index(deal, ctx, name)
    q = _quote(name)
    reports = [p.name for p in deal.stakeholders if p.reports_to == name]
    if reports:
        raise UsageError(_("{people} report(s) to {name}; removing {name} would leave that "
                           "line dangling").format(people=", ".join(reports), name=name),
                         hint=_("first: {command}").format(
                             command=f"salesflow person set {ctx.deal_id} "
                             f"{_quote(reports[0])} --reports-to \"\""))
    needs = [n + 1 for n, need in enumerate(deal.needs) if need.from_ == name]
    if needs:
        raise UsageError(_("need(s) {numbers} of {deal} come from {name}").format(
            numbers=", ".join(map(str, needs)), deal=ctx.deal_id, name=name),
                         hint=_("edit their `from:` first (the need stays the customer's), "
                                "then: {command}").format(
                                    command=f"salesflow person remove {ctx.deal_id} {q}"))
    ops: list[Op] = [Delete(("stakeholders", i))]
    old = deal.stakeholders[i].attitude
    if old != "unknown":  # the attitude ends with the person: replay must not keep it
        check_date(deal, ctx)
        ops.append(Append(("history",), {"date": ctx.on, "field": "attitude", "person": name,
                                         "from": old, "by": ctx.by}))
    return Change(tuple(ops), _("{deal}: removed {name}").format(deal=ctx.deal_id, name=name))


def _person_values(deal: Deal, ctx: Context, values: Mapping[str, Any],
                   name: str) -> dict[str, Any]:
    """The options given, checked: known words (did you mean), a known `reports_to`."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key == "roles":
            roles = list(dict.fromkeys(value))
            for role in roles:
                _choice("--role", role, ROLES)
            out[key] = roles if roles else None
            continue
        text = value.strip() if isinstance(value, str) else value
        if text == "":
            out[key] = None  # an empty option removes the fact
            continue
        if key in _CHOICES:
            _choice(f"--{key.replace('_', '-')}", text, _CHOICES[key])
        if key == "reports_to":
            names = [p.name for p in deal.stakeholders]
            if text == name:
                raise UsageError(_("{name} cannot report to themselves").format(name=name))
            if text not in names:
                raise UsageError(_("--reports-to {name!r} is not a person of {deal}").format(
                    name=text, deal=ctx.deal_id) + did_you_mean(text, names),
                                 hint=_("add them first: {command}").format(
                                     command=f"salesflow person add {ctx.deal_id} "
                                     f"{_quote(text)} --level decision"))
        out[key] = text
    return out


def _choice(option: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise UsageError(_("{option} {value!r} is not one of {allowed}").format(
            option=option, value=value, allowed=", ".join(allowed))
                         + did_you_mean(value, list(allowed)))


def _attitude_entry(ctx: Context, name: str, old: str | None, new: str) -> dict[str, Any]:
    entry = {"date": ctx.on, "field": "attitude", "person": name,
             "from": old if old != "unknown" else None, "to": new, "by": ctx.by}
    return {k: v for k, v in entry.items() if v is not None}


# --------------------------------------------------------------------- needs


def need_add(deal: Deal, process: Any, ctx: Context, kind: str, text: str, *,
             explicit: bool = False, from_: str | None = None) -> Change:
    """Record a SPIN need, dated; `--from` must name a person of the deal."""
    kind = kind.upper()
    _choice("--kind", kind, KINDS)
    text = _nonempty(text, "TEXT")
    if from_ is not None:
        from_ = deal.stakeholders[person_index(deal, ctx, from_)].name
    need: dict[str, Any] = {"kind": kind, "text": text, "explicit": explicit}
    if from_ is not None:
        need["from"] = from_
    check_date(deal, ctx, history=False)
    need["date"] = ctx.on
    summary = (_("{deal}: need {n} added ({kind}, explicit)") if explicit
               else _("{deal}: need {n} added ({kind}, implied)"))
    return Change((Append(("needs",), need),),
                  summary.format(deal=ctx.deal_id, n=len(deal.needs) + 1, kind=kind))


def need_explicit(deal: Deal, data: Mapping[str, Any], process: Any, ctx: Context,
                  number: int) -> Change:
    """An implied need the customer now states outright: explicit, dated today."""
    i = _number(number, len(deal.needs), "need", ctx, "salesflow show")
    need = deal.needs[i]
    if need.explicit:
        return Change((), _("{deal}: need {n} is already explicit; nothing changed").format(
            deal=ctx.deal_id, n=number))
    check_date(deal, ctx, history=False)
    ops = (Set(("needs", i, "explicit"), True), Set(("needs", i, "date"), ctx.on))
    return Change(ops, _("{deal}: need {n} ({kind} “{text}”) is explicit since {date}").format(
        deal=ctx.deal_id, n=number, kind=need.kind, text=need.text, date=ctx.on.isoformat()))


# ---------------------------------------------------------------- next steps


def step_add(deal: Deal, process: Any, ctx: Context, action: str, due: dt.date,
             who: str | None = None) -> Change:
    """Agree a next step with a due date (a date in the past is allowed: it is overdue)."""
    step: dict[str, Any] = {"due": due, "action": _nonempty(action, "ACTION")}
    if who is not None:
        step["by"] = _nonempty(who, "--who")
    return Change((Append(("next_steps",), step),),
                  _("{deal}: step {n} added, due {due}").format(
                      deal=ctx.deal_id, n=len(deal.next_steps) + 1, due=due.isoformat()))


def step_done(deal: Deal, process: Any, ctx: Context, number: int,
              note: str | None = None) -> Change:
    """A next step done: it leaves the list and becomes the activity `step` in the history."""
    i = _number(number, len(deal.next_steps), "step", ctx, "salesflow step list --deal")
    step = deal.next_steps[i]
    check_date(deal, ctx)
    entry: dict[str, Any] = {"date": ctx.on, "activity": "step", "text": step.action,
                             "by": ctx.by}
    if note is not None:
        entry["note"] = note
    return Change((Delete(("next_steps", i)), Append(("history",), entry)),
                  _("{deal}: step {n} done: {action}").format(deal=ctx.deal_id, n=number,
                                                              action=step.action))


# ---------------------------------------------------------------- activities


def activity_add(deal: Deal, process: Any, ctx: Context, kind: str, text: str,
                 with_: Sequence[str] = ()) -> Change:
    """A visit, call, email, meeting or demo that happened: kept in the history."""
    _choice("--kind", kind, ACTIVITY_KINDS)
    text = _nonempty(text, "TEXT")
    people = [deal.stakeholders[person_index(deal, ctx, n)].name for n in with_]
    check_date(deal, ctx)
    entry: dict[str, Any] = {"date": ctx.on, "activity": kind, "text": text}
    if people:
        entry["with"] = list(dict.fromkeys(people))
    entry["by"] = ctx.by
    return Change((Append(("history",), entry),),
                  _("{deal}: {kind} on {date} recorded").format(deal=ctx.deal_id,
                                                                kind=activity_word(kind),
                                                                date=ctx.on.isoformat()))


# ------------------------------------------------------------------- helpers


def _number(number: int, count: int, what: str, ctx: Context, where: str) -> int:
    if not 1 <= number <= count:
        word = {"need": _("need"), "step": _("step")}.get(what, what)
        have = (_("it has {count} ({what} 1 to {count})") if count
                else _("it has no {what}s")).format(count=count, what=word)
        raise UsageError(_("{deal} has no {what} {n}: {have}").format(
            deal=ctx.deal_id, what=word, n=number, have=have),
                         hint=_("`{command}` lists them with their numbers").format(
                             command=f"{where} {ctx.deal_id}"))
    return number - 1


def _item(data: Mapping[str, Any], key: str, i: int) -> Mapping[str, Any]:
    items = data.get(key)
    item = items[i] if isinstance(items, list) and i < len(items) else None
    return item if isinstance(item, dict) else {}


def _nonempty(text: str, what: str) -> str:
    if not text.strip():
        raise UsageError(_("{what} must not be empty").format(what=what))
    return text


def _shown(value: Any, key: str = "") -> str:
    """A value in a summary line; a person's coded facts in words (`value_word`)."""
    if value is None:
        return _("(none)")
    if isinstance(value, list):
        return "[" + ", ".join(value_word(key, str(v)) for v in value) + "]"
    return value_word(key, str(value)) if isinstance(value, str) else str(value)


def _quote(name: str) -> str:
    return shell_word(name)
