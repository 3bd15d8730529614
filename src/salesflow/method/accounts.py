"""A deal's effective buying centre: the account's people merged with the deal's entries.

The org chart and each person's standing belong to the customer (the account
file); a project adds its own view: the roles a person plays in this
purchase, and an attitude where this project differs. So the buying centre a
linked deal's gates, map and review see is every account person, in the
account's order, with the deal's entry for them laid over what the deal
sets (roles, attitude, notes), then the deal's project-only people. An
attitude set once on the account therefore shows in every deal that does not
set its own. Pure: a deal without `account:` comes back as it is.
"""

from __future__ import annotations

from salesflow.model.account import Account
from salesflow.model.deal import Deal, Stakeholder

_OVERRIDES = ("roles", "attitude", "notes")


def merged_person(person: Stakeholder, entry: Stakeholder | None) -> Stakeholder:
    """An account person as one deal sees them: the fields the deal's entry sets win."""
    if entry is None:
        return person
    update = {name: getattr(entry, name) for name in _OVERRIDES
              if name in entry.model_fields_set}
    if entry.extensions:
        update["extensions"] = {**person.extensions, **entry.extensions}
    return person.model_copy(update=update) if update else person


def buying_centre_people(deal: Deal, account: Account) -> list[Stakeholder]:
    """Every account person (merged with the deal's entry), then the project-only people."""
    entries = {p.name: p for p in deal.stakeholders}
    people = [merged_person(p, entries.get(p.name)) for p in account.people]
    names = {p.name for p in account.people}
    people.extend(p for p in deal.stakeholders if p.name not in names)
    return people


def effective_deal(deal: Deal, account: Account | None) -> Deal:
    """The deal as the method sees it: its account's people and relationship stage merged in.

    The account's relationship stage is the customer's; it stands for the
    deal's own `relationship` when the account sets one.
    """
    if account is None or deal.account is None:
        return deal
    update: dict[str, object] = {"stakeholders": buying_centre_people(deal, account)}
    if account.relationship is not None:
        update["relationship"] = account.relationship
    return deal.model_copy(update=update)


def origin(person: str, deal: Deal, account: Account | None) -> str:
    """Where a person of the effective buying centre comes from: account, deal or both."""
    on_account = account is not None and account.person(person) is not None
    on_deal = deal.stakeholder(person) is not None
    if on_account and on_deal:
        return "account+deal"
    return "account" if on_account else "deal"
