"""Edits of an account as pure functions: `salesflow account set` and `account person`.

Like `salesflow.method.transitions`, each takes the validated account and the
plain data of its file and returns a `Change` (surgical ops and a summary),
or refuses with a `UsageError` (exit 2) naming the nearest known word. The
disk layer checks the new text validates before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from salesflow.method.checks import did_you_mean
from salesflow.method.transitions import Change
from salesflow.model.account import TIERS, Account
from salesflow.model.deal import RELATIONSHIPS
from salesflow.model.edits import Append, Delete, Op, Set
from salesflow.model.errors import UsageError
from salesflow.model.i18n import _
from salesflow.model.process import ATTITUDES, LEVELS, ROLES

ACCOUNT_FIELDS = ("name", "segment", "tier", "owner", "relationship", "currency", "notes")
"""What `account set` changes, besides `x-...` keys and the wallet (`spend.YEAR=...`)."""
WALLET_FIELDS = ("spend", "ours", "share")
PERSON_FIELDS = ("title", "department", "level", "roles", "attitude", "relationship",
                 "influence", "reports_to", "notes")
INFLUENCES = ("high", "medium", "low")
_CHOICES: dict[str, tuple[str, ...]] = {
    "tier": TIERS, "relationship": RELATIONSHIPS, "level": LEVELS, "attitude": ATTITUDES,
    "influence": INFLUENCES,
}


def parse_assignment(text: str) -> tuple[str, str]:
    """`FIELD=VALUE` into its two parts; refused without `=` or without a field."""
    field, sep, value = text.partition("=")
    field = field.strip()
    if not sep or not field:
        raise UsageError(_("{text!r} is not FIELD=VALUE").format(
                             text=text), hint=_("e.g. tier=A or relationship=high (an empty VALUE "
                                                "removes the field)"))
    return field, value.strip()


def choice(field: str, value: str) -> str:
    """A value that must be one of the method's words, refused with the nearest one."""
    known = _CHOICES[field]
    if value not in known:
        raise UsageError(_("{field}: {value!r} is not one of {known}{value2}").format(
                             field=field, value=value, known=', '.join(known),
                             value2=did_you_mean(value, list(known))))
    return value


def _value(field: str, raw: str) -> Any:
    if field in _CHOICES:
        return choice(field, raw)
    if field == "currency":
        if not (len(raw) == 3 and raw.isalpha()):
            raise UsageError(_("currency: {raw!r} is not a three-letter currency code, e.g. "
                               "USD").format(raw=raw))
        return raw.upper()
    if field == "roles":
        roles = [r.strip() for r in raw.split(",") if r.strip()]
        for role in roles:
            if role not in ROLES:
                raise UsageError(_("roles: {role!r} is not a buyer role (one of "
                                   "{roles}){maybe}").format(
                                     role=role, roles=", ".join(ROLES),
                                     maybe=did_you_mean(role, list(ROLES))))
        return roles
    return raw


def _number(field: str, raw: str) -> Decimal | int | str:
    """A wallet figure as the file will hold it: a whole number as int, `30%` as written."""
    value = _decimal(field, raw)
    if field == "share" and raw.strip().endswith("%"):
        return f"{_plain(value)}%"
    return _plain(value)


def _plain(value: Decimal) -> Decimal | int:
    return int(value) if value == value.to_integral_value() else value


def _decimal(field: str, raw: str) -> Decimal:
    text = raw.replace(",", "").replace("_", "").strip()
    if field == "share":
        text = text.removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UsageError(_("{field}: {raw!r} is not a number").format(field=field, raw=raw)
                         + (", e.g. 30%" if field == "share" else ", e.g. 1250000")) from None
    if not value.is_finite() or value < 0 or (field == "share" and value > 100):
        raise UsageError(_("{field}: {raw!r} is out of range").format(field=field, raw=raw)
                         + (" (0 to 100%)" if field == "share" else _(" (0 or more)")))
    return value


def set_fields(account: Account, data: Mapping[str, Any], account_id: str,
               pairs: Sequence[tuple[str, str]]) -> Change:
    """`account set ID FIELD=VALUE...`: the account's own fields and its wallet by year."""
    ops: list[Op] = []
    done: list[str] = []
    wallet = list(data.get("wallet") or [])
    added: dict[int, int] = {}  # year -> index of a wallet entry this command appends
    for field, raw in pairs:
        head, _unused, year_text = field.partition(".")
        if head in WALLET_FIELDS and year_text:
            ops.extend(_wallet_op(wallet, added, head, year_text, raw))
            done.append(f"{field}={raw}")
            continue
        if field not in ACCOUNT_FIELDS and not field.startswith("x-"):
            known = [*ACCOUNT_FIELDS, "spend.YEAR", "ours.YEAR", "share.YEAR"]
            hint = (_("people: `salesflow account person set`") if field in ("people", "plan")
                    else None)
            raise UsageError(_("{field!r} is not a field `account set` changes (one of {known} or "
                               "x-...){value}").format(
                                 field=field, known=', '.join(known),
                                 value=did_you_mean(field, known)),
                             hint=hint)
        if raw == "":
            if field == "name":
                raise UsageError(_("name: an account needs a name; it cannot be removed"))
            if field in data:
                ops.append(Delete((field,)))
                done.append(_("removed {field}").format(field=field))
            continue
        value = _value(field, raw)
        if data.get(field) != value:
            ops.append(Set((field,), value))
            done.append(f"{field}={raw}")
    summary = "; ".join(done) if ops else _("nothing to change")
    return Change(tuple(ops), f"{account_id}: {summary}")


def _wallet_op(wallet: list[Any], added: dict[int, int], field: str, year_text: str,
               raw: str) -> list[Op]:
    try:
        year = int(year_text)
    except ValueError:
        raise UsageError(_("{field}.{year_text}: {year_text!r} is not a year, e.g. "
                           "{field}.2026").format(field=field, year_text=year_text)) from None
    if not 1900 <= year <= 2200:
        raise UsageError(_("{field}.{year}: the year is out of range").format(
                             field=field, year=year))
    at = next((i for i, w in enumerate(wallet) if isinstance(w, dict) and w.get("year") == year),
              None)
    if raw == "":
        if at is None or field not in wallet[at]:
            return []
        if field == "spend":
            raise UsageError(_("spend.{year}: every wallet year needs its spend").format(
                                 year=year),
                             hint=_("edit `wallet:` in the account file to remove a year"))
        return [Delete(("wallet", at, field))]
    value = _number(field, raw)
    if at is None:
        if field != "spend":
            raise UsageError(_("{field}.{year}: no wallet entry for {year} yet").format(
                                 field=field, year=year),
                             hint=_("give its spend first: spend.{year}=AMOUNT "
                                    "{field}.{year}={raw}").format(year=year, field=field,
                                                                   raw=raw))
        wallet.append({"year": year, "spend": value})
        added[year] = len(wallet) - 1
        return [Append(("wallet",), {"year": year, "spend": value})]
    ops: list[Op] = []
    other = {"ours": "share", "share": "ours"}.get(field)
    if other and other in wallet[at]:
        ops.append(Delete(("wallet", at, other)))  # one or the other, never both
    ops.append(Set(("wallet", at, field), value))
    wallet[at] = {**{k: v for k, v in wallet[at].items() if k != other}, field: value}
    return ops


def person_add(account: Account, data: Mapping[str, Any], account_id: str, name: str,
               fields: Mapping[str, str]) -> Change:
    """`account person add ID NAME --title ...`: a new person at the end of `people:`."""
    if not name.strip():
        raise UsageError(_("the person's name must not be empty"))
    if account.person(name) is not None:
        raise UsageError(_("{name!r} is already a person of account {account_id!r}").format(
                             name=name, account_id=account_id),
                         hint=_("change them with `salesflow account person set {account_id} "
                                "{name!r} FIELD=VALUE`").format(account_id=account_id, name=name))
    entry: dict[str, Any] = {"name": name}
    for field, raw in fields.items():
        if raw:
            entry[field] = _value(field, raw)
    _check_boss(account, entry.get("reports_to"), name)
    return Change((Append(("people",), entry),), _("{account_id}: added {name}").format(
                                                     account_id=account_id, name=name))


def person_set(account: Account, data: Mapping[str, Any], account_id: str, name: str,
               pairs: Sequence[tuple[str, str]]) -> Change:
    """`account person set ID NAME FIELD=VALUE...`: change a person of the account."""
    names = [p.name for p in account.people]
    if name not in names:
        raise UsageError(_("{name!r} is not a person of account {account_id!r}{value}").format(
                             name=name, account_id=account_id, value=did_you_mean(name, names)),
                         hint=_("add them with `salesflow account person add {account_id} "
                                "{name!r}`").format(account_id=account_id, name=name))
    at = names.index(name)
    current = data["people"][at]
    ops: list[Op] = []
    done: list[str] = []
    for field, raw in pairs:
        if field not in PERSON_FIELDS and not field.startswith("x-"):
            raise UsageError(_("{field!r} is not a field of a person (one of {person_fields} or "
                               "x-...){value}").format(
                                 field=field, person_fields=', '.join(PERSON_FIELDS),
                                 value=did_you_mean(field, list(PERSON_FIELDS))))
        if raw == "":
            if field in current:
                ops.append(Delete(("people", at, field)))
                done.append(_("removed {field}").format(field=field))
            continue
        value = _value(field, raw)
        if field == "reports_to":
            _check_boss(account, value, name)
        if current.get(field) != value:
            ops.append(Set(("people", at, field), value))
            done.append(f"{field}={raw}")
    summary = "; ".join(done) if ops else _("nothing to change")
    return Change(tuple(ops), f"{account_id}: {name}: {summary}")


def _check_boss(account: Account, boss: str | None, name: str) -> None:
    if boss is None:
        return
    names = [p.name for p in account.people]
    if boss == name:
        raise UsageError(_("reports_to: {name!r} cannot report to themselves").format(name=name))
    if boss not in names:
        raise UsageError(_("reports_to: {boss!r} is not a person of this account{value}").format(
                             boss=boss, value=did_you_mean(boss, names)), hint=_("add them first "
                                                                                 "with `salesflow "
                                                                                 "account person "
                                                                                 "add`"))


def plan_add(account: Account, data: Mapping[str, Any], account_id: str, person: str,
             move: str, due: dt.date, goal: str | None) -> Change:
    """`account plan ID PERSON --next ... --due DATE`: a line of the development plan."""
    names = [p.name for p in account.people]
    if person not in names:
        raise UsageError(_("{person!r} is not a person of account {account_id!r}{value}").format(
                             person=person, account_id=account_id,
                             value=did_you_mean(person, names)))
    if not move.strip():
        raise UsageError(_("--next must not be empty"))
    entry: dict[str, Any] = {"person": person}
    if goal:
        entry["goal"] = choice("relationship", goal)
    entry.update({"next": move, "due": due})
    return Change((Append(("plan",), entry),), _("{account_id}: plan for {person}: {move} by "
                                                 "{value}").format(
                                                   account_id=account_id, person=person,
                                                   move=move, value=due.isoformat()))
