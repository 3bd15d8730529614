"""Accounts from the deals' customers: the plan `salesflow accounts migrate` carries out.

Deals of one customer (the same `customer:`, ignoring case and spacing) get
one account; its people are the union of the deals' stakeholders, merged by
name. What belongs to a person (title, level, influence, reports_to, their
relationship) moves to the account; what belongs to a project (roles) stays
on the deal. An attitude moves to the account when every deal agrees;
where deals differ, the account takes the first deal's and each deal that
differs keeps its own, so no deal's buying centre changes its mind, and the
conflict is reported. Pure: deals and their plain data in, a plan out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from salesflow.method.account_checks import fold
from salesflow.model.account import Account
from salesflow.model.deal import Deal
from salesflow.model.edits import Delete, Op, Set
from salesflow.model.i18n import _

PERSON_KEYS = ("title", "department", "level", "attitude", "relationship", "influence",
               "reports_to")
MOVED = ("title", "department", "level", "relationship", "influence", "reports_to")


@dataclass
class AccountPlan:
    """One account to create (or to link to, when `existing`), and its deals."""

    id: str
    name: str
    deals: list[str]
    people: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # segment, relationship
    conflicts: list[str] = field(default_factory=list)
    existing: bool = False


@dataclass
class Migration:
    accounts: list[AccountPlan]
    deal_ops: dict[str, tuple[str, tuple[Op, ...]]]  # deal id -> (account id, ops)


def slug(name: str) -> str:
    """An id from a customer name, or "" when the name has too few ASCII letters."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")
    words = [w for w in text.split("-") if w][:4]
    out = "-".join(words)
    ascii_letters = sum(c.isascii() and c.isalpha() for c in name)
    letters = sum(c.isalpha() for c in name)
    if ascii_letters * 2 < letters:  # mostly Chinese, say: the deal ids say it better
        return ""
    return out if len(out) >= 3 and out[0].isalnum() else ""


def _from_ids(ids: Sequence[str]) -> str:
    tokens = [i.split("-") for i in ids]
    common: list[str] = []
    for parts in zip(*tokens, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if len(ids) == 1 or not common:
        common = tokens[0][:2]
    return "-".join(common)


def plan_migration(deals: Sequence[tuple[str, Deal, Mapping[str, Any]]],
                   accounts: Mapping[str, Account]) -> Migration:
    """What to create and change so every deal links to its customer's account."""
    by_name = {fold(a.name): account_id for account_id, a in accounts.items()}
    groups: dict[str, list[tuple[str, Deal, Mapping[str, Any]]]] = {}
    names: dict[str, str] = {}
    for deal_id, deal, data in sorted(deals, key=lambda d: d[0]):
        if deal.account is not None:
            continue
        key = fold(deal.customer)
        groups.setdefault(key, []).append((deal_id, deal, data))
        names.setdefault(key, deal.customer)
    taken = set(accounts)
    plans: list[AccountPlan] = []
    ops: dict[str, tuple[str, tuple[Op, ...]]] = {}
    for key in sorted(groups, key=lambda k: names[k].casefold()):
        members = groups[key]
        existing = by_name.get(key)
        if existing is not None:
            account_id = existing
        else:
            base = slug(names[key]) or _from_ids([m[0] for m in members])
            account_id, n = base, 1
            while account_id in taken:
                n += 1
                account_id = f"{base}-{n}"
            taken.add(account_id)
        plan = AccountPlan(account_id, names[key], [m[0] for m in members],
                           existing=existing is not None)
        known = {p.name for p in accounts[existing].people} if existing else set()
        _merge_people(plan, members, known)
        if existing is None:
            _account_fields(plan, members)
        plans.append(plan)
        attitude_of = {p["name"]: p.get("attitude") for p in plan.people}
        if existing:
            attitude_of.update({p.name: p.attitude for p in accounts[existing].people})
        for deal_id, deal, data in members:
            ops[deal_id] = (account_id, tuple(_deal_ops(deal, data, account_id, attitude_of,
                                                        moved_relationship=existing is None)))
    return Migration(plans, ops)


def _merge_people(plan: AccountPlan, members: Sequence[tuple[str, Deal, Mapping[str, Any]]],
                  known: set[str]) -> None:
    seen: dict[str, dict[str, Any]] = {}
    where: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for deal_id, deal, _facts in members:
        for person in deal.stakeholders:
            if person.name in known:
                continue
            entry = seen.setdefault(person.name, {"name": person.name})
            for key in PERSON_KEYS:
                value = getattr(person, key)
                if key == "attitude" and "attitude" not in person.model_fields_set:
                    continue
                if value is None:
                    continue
                where.setdefault((person.name, key), []).append((deal_id, value))
                entry.setdefault(key, value)
    plan.people = list(seen.values())
    for (name, key), values in where.items():
        if len({str(v) for _unused, v in values}) > 1:
            shown = ", ".join(_("{value} in {deal}").format(value=v, deal=d) for d, v in values)
            kept = _(" (kept on each deal that differs)") if key == "attitude" else ""
            plan.conflicts.append(_("{name}'s {key}: {shown}; the account takes "
                                    "{value}{kept}").format(
                name=name, key=key, shown=shown, value=values[0][1], kept=kept))


def _account_fields(plan: AccountPlan, members: Sequence[tuple[str, Deal, Mapping[str, Any]]],
                    ) -> None:
    for key in ("segment", "relationship"):
        values = [(d_id, getattr(d, key)) for d_id, d, _unused in members if getattr(d, key)]
        if not values:
            continue
        plan.fields[key] = values[0][1]
        if len({v for _unused, v in values}) > 1:
            shown = ", ".join(_("{value} in {deal}").format(value=v, deal=d) for d, v in values)
            plan.conflicts.append(_("{key}: {shown}; the account takes {value}").format(
                                      key=key, shown=shown, value=values[0][1]))


def _deal_ops(deal: Deal, data: Mapping[str, Any], account_id: str,
              attitude_of: Mapping[str, Any], *, moved_relationship: bool) -> list[Op]:
    ops: list[Op] = [Set(("account",), account_id)]
    if moved_relationship and "relationship" in data:
        ops.append(Delete(("relationship",)))
    for i, entry in enumerate(data.get("stakeholders") or []):
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("name")
        for key in MOVED:
            if key in entry:
                ops.append(Delete(("stakeholders", i, key)))
        if "attitude" in entry and entry.get("attitude") == attitude_of.get(str(name)):
            ops.append(Delete(("stakeholders", i, "attitude")))
    return ops
